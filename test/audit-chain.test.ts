import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, createLocalJWKSet, exportJWK } from 'jose';
import { loadConfig, testConfig } from '../src/config.js';
import { drizzleOnClient } from '../src/db/client.js';
import { systemContext } from '../src/lib/principal.js';
import { entryDigest, linkHash } from '../src/modules/audit/chain.js';
import type { EntryContent } from '../src/modules/audit/chain.js';
import { createAuditService } from '../src/modules/audit/service.js';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import { gql, onPglite, setup } from './helper.js';

const h = await setup(t);
const audit = h.app.services.audit;
const w = await referenceWorld(h);
const ctx = systemContext('audit-chain-test');
const api = (path: string) => `/api/v1${path}`;

const createRegion = (code: string) => h.as('admin', { method: 'POST', url: api('/regions'), payload: { level: 'prefecture', code, nameZh: `链州${code}` } });
const verify = async (checkpoints?: string[]) => {
  const res = checkpoints
    ? await h.as('admin', { method: 'POST', url: api('/audit-log/verify'), payload: { checkpoints } })
    : await h.as('admin', { method: 'GET', url: api('/audit-log/verify') });
  t.equal(res.statusCode, 200, res.body);
  return res.json();
};
const links = () => h.sql<{ position: number; entry_seq: number }>('select position::int, entry_seq::int from audit_chain order by audit_chain.position');

/** As a superuser with direct access would: switch the append-only triggers off, run `fn`, switch them on again. */
async function asSuperuser(fn: () => Promise<unknown>) {
  const tables = ['audit_log', 'audit_chain', 'audit_checkpoints'];
  for (const table of tables) await h.sql(`alter table ${table} disable trigger user`);
  try {
    await fn();
  } finally {
    for (const table of tables) await h.sql(`alter table ${table} enable trigger user`);
  }
}

t.test('audited writes are pending until the sealer links them; the log shows them as pending', async (t) => {
  t.equal((await createRegion('PEND1')).statusCode, 201);
  const before = (await h.as('admin', { method: 'GET', url: api('/audit-log?action=region.created') })).json().items;
  t.match(before.at(-1), { chainStatus: 'pending', position: null, prevHash: null, hash: null, sealedAt: null, digest: /^[0-9a-f]{64}$/ });
  t.match(await audit.seal(), { ran: true });
  const after = (await h.as('admin', { method: 'GET', url: api('/audit-log?action=region.created') })).json().items;
  t.match(after.at(-1), { chainStatus: 'sealed', position: Number, prevHash: /^[0-9a-f]{64}$/, hash: /^[0-9a-f]{64}$/, sealedAt: String });
});

t.test('a public rating entry, completed by the intake statement (its cycle), carries the digest of what was stored', async (t) => {
  const res = await h.as('anonymous', { method: 'POST', url: api('/public/ratings'), payload: { unitId: w.units.taxHallA.id, channel: 'portal', level: 2, comment: '排队太久 "引号" \\ 反斜杠', respondentKey: '13900001111' } });
  t.equal(res.statusCode, 201, res.body);
  const entries = async (id: string) => (await h.as('admin', { method: 'GET', url: api(`/audit-log?entityId=${id}`) })).json().items;
  const [pending] = await entries(res.json().id);
  t.match(pending, { action: 'rating.submitted', chainStatus: 'pending', digest: /^[0-9a-f]{64}$/, after: { id: res.json().id, cycleId: null } });
  t.equal(pending.digest, entryDigest({ ...pending, occurredAt: new Date(pending.occurredAt) }), 'the digest entryDigest computes from the stored entry');

  // A rating in a cycle: the attributed cycle id is in the stored entry and in its digest.
  const cycle = await cycleInPhase(h, 'assessment', [w.units.taxHallB.id], '摘要周期');
  const inCycle = await h.app.services.ratings.submit(ctx, { unitId: w.units.taxHallB.id, channel: 'hotline', level: 4, source: 'audit-chain-test', externalId: 'digest-cycle', cycleId: cycle.id });
  const [withCycle] = await entries(inCycle.id);
  t.match(withCycle, { chainStatus: 'pending', digest: /^[0-9a-f]{64}$/, after: { id: inCycle.id, cycleId: cycle.id } });
  t.equal(withCycle.digest, entryDigest({ ...withCycle, occurredAt: new Date(withCycle.occurredAt) }));

  await audit.seal();
  t.match(await entries(res.json().id), [{ action: 'rating.submitted', chainStatus: 'sealed', digest: pending.digest }]);
  t.match(await verify(), { valid: true });
});

t.test('a seal run over many rating entries (the sealer links in slices between requests) links each once, with its own digest', async (t) => {
  const before = (await links()).length;
  const ids: string[] = [];
  for (let i = 0; i < 130; i++) {
    const r = await h.app.services.ratings.submit(ctx, { unitId: w.units.taxHallA.id, channel: 'hotline', level: (i % 5) + 1, source: 'audit-chain-test', externalId: `slice-${i}` });
    ids.push(r.id);
  }
  const sealed = await audit.seal();
  t.ok(sealed.sealed >= 130, `one run sealed them all (${sealed.sealed})`);
  const rows = await h.sql<{ position: number; digest: string; seq: number }>(
    `select c.position::int, c.digest, a.seq::int from audit_chain c join audit_log a on a.seq = c.entry_seq where a.entity_id = any($1) and a.action = 'rating.submitted' order by c.position`,
    [ids],
  );
  t.equal(rows.length, 130, 'every rating entry is linked exactly once');
  t.equal(new Set(rows.map((r) => r.digest)).size, 130, 'each with a digest of its own content');
  t.same((await links()).map((l) => l.position), Array.from({ length: before + sealed.sealed }, (_, i) => i + 1), 'positions stay 1…n');
  t.match(await verify(), { valid: true, firstBroken: null });
});

t.test('entries written without a digest (the bulk entries of the default-rating job) are digested by the sealer in slices, each from its own content', async (t) => {
  // As the default-rating job writes them: many entries at once, digest left null for the sealer.
  await h.sql(
    `insert into audit_log (occurred_at, actor, role, action, entity_type, entity_id, before, after, request_id, digest)
     select now(), 'system:audit-chain-test', 'system', 'rating.defaulted', 'rating', 'undigested-' || n, null, jsonb_build_object('n', n, 'note', '默认 "好评"'), null, null
     from generate_series(1, 130) n`,
  );
  t.match(await audit.seal(), { ran: true });
  const rows = await h.sql<{ entity_id: string; digest: string }>(
    `select a.entity_id, c.digest from audit_chain c join audit_log a on a.seq = c.entry_seq where a.entity_id like 'undigested-%'`,
  );
  t.equal(rows.length, 130, 'every entry is linked once');
  const listed = (await h.as('admin', { method: 'GET', url: api('/audit-log?action=rating.defaulted&limit=200') })).json().items as (Omit<EntryContent, 'occurredAt'> & { occurredAt: string })[];
  const byEntity = new Map(rows.map((r) => [r.entity_id, r.digest]));
  const mine = listed.filter((e) => e.entityId.startsWith('undigested-'));
  t.equal(mine.length, 130);
  t.ok(mine.every((e) => byEntity.get(e.entityId) === entryDigest({ ...e, occurredAt: new Date(e.occurredAt) })), 'each link carries the digest of its entry');
  t.match(await verify(), { valid: true, firstBroken: null });
});

t.test('50 concurrent audited writes all end up linked exactly once, in one chain without gaps', async (t) => {
  const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => createRegion(`CC${i}`)));
  t.same(responses.filter((r) => r.statusCode !== 201).map((r) => r.body), []);
  await audit.seal();
  const [{ entries }] = await h.sql<{ entries: number }>('select count(*)::int as entries from audit_log');
  const chain = await links();
  t.equal(chain.length, entries, 'one link per entry');
  t.same(chain.map((l) => Number(l.position)), Array.from({ length: entries }, (_, i) => i + 1), 'positions 1…n');
  t.equal(new Set(chain.map((l) => l.entry_seq)).size, entries, 'no entry linked twice');
  t.match(await verify(), { valid: true, checked: entries, firstBroken: null, head: { position: entries } });
  t.match(await audit.seal(), { sealed: 0 }, 'sealing again links nothing');
});

t.test('two transactions each holding an open audited write both commit: writers take no global lock', { skip: onPglite && 'needs two connections' }, async (t) => {
  const pool = h.database.pool!;
  const [a, b] = [await pool.connect(), await pool.connect()];
  try {
    // A writer that had to wait on a lock would fail at once instead of hanging the test.
    for (const c of [a, b]) await c.query("begin; set local lock_timeout = '1ms'");
    await audit.record(drizzleOnClient(a), ctx, { action: 'test.open_write', entityType: 'test', entityId: 'A' });
    await audit.record(drizzleOnClient(b), ctx, { action: 'test.open_write', entityType: 'test', entityId: 'B' });
    const [{ n }] = await h.sql<{ n: number }>("select count(*)::int as n from pg_locks where locktype = 'advisory'");
    t.equal(n, 0, 'no advisory lock is held by the open writers');
    await b.query('commit');
    await a.query('commit');
  } finally {
    a.release();
    b.release();
  }
  await audit.seal();
  const sealed = await h.sql<{ entity_id: string; position: string | null }>(
    "select a.entity_id, c.position::text from audit_log a left join audit_chain c on c.entry_seq = a.seq where a.action = 'test.open_write' order by a.entity_id",
  );
  t.same(sealed.map((r) => [r.entity_id, r.position !== null]), [['A', true], ['B', true]]);
  t.match(await verify(), { valid: true });
});

t.test('an altered entry is named by verify, with its position', async (t) => {
  await createRegion('ALT1');
  await createRegion('ALT2');
  await audit.seal();
  const [target] = await h.sql<{ seq: string; position: string }>(
    "select a.seq::text, c.position::text from audit_log a join audit_chain c on c.entry_seq = a.seq where a.after->>'code' = 'ALT1'",
  );
  await t.rejects(h.sql(`update audit_chain set hash = 'x' where position = $1`, [target.position]), /append-only/);
  await audit.checkpointNow();
  await t.rejects(h.sql('delete from audit_checkpoints'), /append-only/);
  await t.rejects(h.sql('truncate audit_chain'), /append-only/);
  await asSuperuser(() => h.sql(`update audit_log set after = jsonb_set(after, '{nameZh}', '"篡改"') where seq = $1`, [target.seq]));
  const res = await verify();
  t.equal(res.valid, false);
  t.match(res.firstBroken, { seq: Number(target.seq), position: Number(target.position), reason: /altered/, checkpoint: null });
  t.equal(res.checked, Number(target.position) - 1);
  // Put it back, so the tests below start from a valid chain.
  await asSuperuser(() => h.sql(`update audit_log set after = jsonb_set(after, '{nameZh}', '"链州ALT1"') where seq = $1`, [target.seq]));
  t.match(await verify(), { valid: true });
});

t.test('a full rewrite of history and of the checkpoints table is caught by a checkpoint kept from before', async (t) => {
  await createRegion('KEPT1');
  const kept = await audit.checkpointNow();
  t.match(kept, { occasion: 'on_demand', jws: /^[\w-]+\.[\w-]+\.[\w-]+$/ });
  await createRegion('KEPT2');
  await audit.seal();

  // The rewrite: alter an entry before the checkpoint, recompute its digest and every later link, drop the checkpoints.
  const [target] = await h.sql<{ seq: string; position: string }>(
    "select a.seq::text, c.position::text from audit_log a join audit_chain c on c.entry_seq = a.seq where a.after->>'code' = 'CC7'",
  );
  await asSuperuser(async () => {
    await h.sql(`update audit_log set after = jsonb_set(after, '{nameZh}', '"改写"') where seq = $1`, [target.seq]);
    const [entry] = await h.sql<Record<string, unknown>>('select * from audit_log where seq = $1', [target.seq]);
    const digest = entryDigest({
      occurredAt: entry.occurred_at as Date,
      actor: entry.actor as string,
      role: entry.role as string,
      action: entry.action as string,
      entityType: entry.entity_type as string,
      entityId: entry.entity_id as string,
      before: entry.before,
      after: entry.after,
      requestId: entry.request_id as string | null,
    });
    await h.sql('update audit_log set digest = $2 where seq = $1', [target.seq, digest]);
    await h.sql('update audit_chain set digest = $2 where position = $1', [target.position, digest]);
    const chain = await h.sql<{ position: string; entry_seq: string; digest: string; prev_hash: string }>(
      'select position::text, entry_seq::text, digest, prev_hash from audit_chain where position >= $1 order by audit_chain.position',
      [target.position],
    );
    let prevHash = chain[0].prev_hash;
    for (const l of chain) {
      const hash = linkHash({ position: Number(l.position), entrySeq: Number(l.entry_seq), digest: l.digest, prevHash });
      await h.sql('update audit_chain set prev_hash = $2, hash = $3 where position = $1', [l.position, prevHash, hash]);
      prevHash = hash;
    }
    await h.sql('delete from audit_checkpoints');
  });

  t.match(await verify(), { valid: true, checkpoints: { stored: 0, held: 0 } }, 'without an outside anchor the rewrite passes');
  const caught = await verify([kept.jws]);
  t.equal(caught.valid, false);
  t.match(caught.firstBroken, {
    position: kept.position,
    reason: /differs from the checkpoint you hold/,
    checkpoint: { source: 'held', index: 0, position: kept.position, hash: kept.hash, signedAt: kept.signedAt },
  });
  t.ok(Number(target.position) <= kept.position, 'the rewritten entry lies at or before the checkpoint that caught it');
});

t.test('a held checkpoint not signed by the service key is refused', async (t) => {
  const res = await h.as('admin', { method: 'POST', url: api('/audit-log/verify'), payload: { checkpoints: ['eyJhbGciOiJFUzI1NiJ9.e30.c2ln'] } });
  t.equal(res.statusCode, 422);
  t.match(res.json(), { code: 'validation_failed', errors: [{ field: 'checkpoints.0' }] });
});

t.test('a published ranking snapshot embeds a checkpoint whose signature checks against the published key', async (t) => {
  const cycle = await cycleInPhase(h, 'ranking', [w.units.forestStation.id, w.units.taxHallA.id], '链周期');
  const ranking = await h.app.services.rankings.compute(ctx, cycle.id);
  const published = await h.as('admin', { method: 'POST', url: api(`/rankings/${ranking.id}/publish`), payload: {} });
  t.equal(published.statusCode, 200, published.body);

  const snapshot = (await h.as('anonymous', { method: 'GET', url: api(`/public/rankings/${ranking.id}`) })).json();
  const checkpoint = snapshot.auditCheckpoint;
  t.match(checkpoint, { occasion: 'ranking_published', subject: `ranking:${ranking.id}` });
  const jwks = (await h.as('anonymous', { method: 'GET', url: api('/public/audit-checkpoints/keys') })).json();
  const { payload, protectedHeader } = await compactVerify(checkpoint.jws, createLocalJWKSet(jwks));
  t.equal(protectedHeader.typ, 'manyi-audit-checkpoint+jws');
  const claims = JSON.parse(new TextDecoder().decode(payload));
  t.match(claims, { position: checkpoint.position, hash: checkpoint.hash, subject: `ranking:${ranking.id}` });
  const [entry] = await h.sql<{ position: string }>(
    "select c.position::text from audit_log a join audit_chain c on c.entry_seq = a.seq where a.action = 'ranking.published' and a.entity_id = $1",
    [ranking.id],
  );
  t.ok(Number(entry.position) <= claims.position, 'the checkpoint covers the ranking.published entry');

  const latest = (await h.as('anonymous', { method: 'GET', url: api('/public/audit-checkpoints/latest') })).json();
  t.equal(latest.jws, checkpoint.jws);
  const page = (await h.as('anonymous', { method: 'GET', url: api('/public/audit-checkpoints?limit=1') })).json();
  t.same(page.items.map((c: { id: number }) => c.id), [checkpoint.id], 'newest first');
  const g = await gql(h, 'anonymous', 'query($id: ID!) { publicRanking(id: $id) { auditCheckpoint { jws } } latestAuditCheckpoint { id } }', { id: ranking.id });
  t.same(g.data, { publicRanking: { auditCheckpoint: { jws: checkpoint.jws } }, latestAuditCheckpoint: { id: String(checkpoint.id) } });
  t.match(await verify([checkpoint.jws]), { valid: true, checkpoints: { stored: 1, held: 1 } });
});

t.test('AUDIT_SIGNING_KEY is required in production, checked at start, and signs the checkpoints', async (t) => {
  const prod = { NODE_ENV: 'production', JWT_PUBLIC_KEY: 'pem', RESPONDENT_KEY_SECRET: 'a-long-enough-secret' };
  t.throws(() => loadConfig(prod), /AUDIT_SIGNING_KEY: required in production/);
  t.throws(() => loadConfig({ AUDIT_SIGNING_KEY: 'not a key' }), /AUDIT_SIGNING_KEY/);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Newlines escaped as \n, as a PEM often arrives in an environment variable.
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().replace(/\n/g, '\\n');
  const config = loadConfig({ ...prod, AUDIT_SIGNING_KEY: pem, TOKEN_SIGNING_KEY: pem });
  const configured = createAuditService({ db: h.database.db, config: testConfig({ AUDIT_SIGNING_KEY: config.AUDIT_SIGNING_KEY }) });
  const { keys } = await configured.signingKeys();
  t.equal(keys[0].kid, await calculateJwkThumbprint(await exportJWK(publicKey)));
  const checkpoint = await configured.checkpointNow();
  t.equal(checkpoint.kid, keys[0].kid);
  await compactVerify(checkpoint.jws, publicKey);
  t.match(await verify(), { valid: false, firstBroken: { reason: /not genuine/ } }, 'the service with its own key does not take it for one of its checkpoints');
  await asSuperuser(() => h.sql('delete from audit_checkpoints where id = $1', [checkpoint.id]));
  t.match(await verify(), { valid: true });
});

t.test('a stored checkpoint altered in the table is named', async (t) => {
  const [row] = await h.sql<{ id: string; hash: string }>('select id::text, hash from audit_checkpoints order by id desc limit 1');
  await asSuperuser(() => h.sql(`update audit_checkpoints set hash = repeat('f', 64) where id = $1`, [row.id]));
  const res = await verify();
  t.equal(res.valid, false);
  t.match(res.firstBroken, { reason: /checkpoints table was altered/, checkpoint: { source: 'stored', id: Number(row.id) } });
  await asSuperuser(() => h.sql('update audit_checkpoints set hash = $2 where id = $1', [row.id, row.hash]));
  t.match(await verify(), { valid: true }, 'restored');
});

t.test('a removed link is named by its position', async (t) => {
  await asSuperuser(() => h.sql('delete from audit_chain where position = 2'));
  const res = await verify();
  t.equal(res.valid, false);
  t.match(res.firstBroken, { position: 2, reason: /link 2 is missing/ });
  t.equal(res.checked, 1);
});
