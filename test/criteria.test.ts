import { randomUUID } from 'node:crypto';
import t from 'tap';
import type { TokenClaims } from '../src/lib/keys.js';
import { criteriaDocument, insertCycle, sampleCriteriaDocument } from './fixtures-criteria.js';
import { gql, setup } from './helper.js';

const h = await setup(t);

type Who = Parameters<typeof h.as>[0];
interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

const base = (cycleId: string, category = 'public_service') => `/api/v1/cycles/${cycleId}/criteria-sets/${category}`;
const save = (cycleId: string, payload: unknown, headers: Record<string, string> = {}, who: Who = 'admin', category = 'public_service') =>
  h.as(who, { method: 'PUT', url: base(cycleId, category), payload: payload as object, headers });
const fields = (res: { json(): unknown }) => ((res.json() as Problem).errors ?? []).map((e) => e.field);

t.test('an admin saves the first revision of a category without If-Match', async (t) => {
  const cycleId = await insertCycle(h);
  const res = await save(cycleId, sampleCriteriaDocument);
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  t.match(body, { cycleId, category: 'public_service', revision: 1, frozen: false, totalPoints: 100, copiedFromId: null });
  t.same(body.document, sampleCriteriaDocument);
  t.equal(res.headers.etag, '"1"');
});

t.test('the public reads the current set and the list without a token', async (t) => {
  const cycleId = await insertCycle(h);
  await save(cycleId, sampleCriteriaDocument);
  await save(cycleId, sampleCriteriaDocument, {}, 'admin', 'law_enforcement');
  const one = await h.as('anonymous', { method: 'GET', url: base(cycleId) });
  t.equal(one.statusCode, 200, one.body);
  t.equal(one.headers.etag, '"1"');
  t.equal(one.json().document.sections[0].title.zhCN, '硬件标准化');
  const list = await h.as('anonymous', { method: 'GET', url: `/api/v1/cycles/${cycleId}/criteria-sets` });
  t.equal(list.statusCode, 200, list.body);
  t.same(list.json().items.map((s: { category: string }) => s.category).sort(), ['law_enforcement', 'public_service']);
});

t.test('a category without a set, or an unknown cycle, answers 404', async (t) => {
  const cycleId = await insertCycle(h);
  t.equal((await h.as('anonymous', { method: 'GET', url: base(cycleId) })).statusCode, 404);
  const unknown = randomUUID();
  t.equal((await h.as('anonymous', { method: 'GET', url: `/api/v1/cycles/${unknown}/criteria-sets` })).statusCode, 404);
  t.equal((await save(unknown, sampleCriteriaDocument)).statusCode, 404);
});

t.test('regular items that do not add up to 100 are refused, naming sections and the sum', async (t) => {
  const cycleId = await insertCycle(h);
  const doc = criteriaDocument();
  doc.sections[0].items[0].maxPoints = 9;
  const res = await save(cycleId, doc);
  t.equal(res.statusCode, 422, res.body);
  const p = res.json() as Problem;
  t.equal(p.code, 'criteria_total_invalid');
  t.same(fields(res), ['sections']);
  t.match(p.detail, /99/);
});

t.test('points with decimals that add up to exactly 100 are accepted', async (t) => {
  const cycleId = await insertCycle(h);
  const doc = criteriaDocument();
  doc.sections = [
    {
      key: 'all',
      title: { zhCN: '综合' },
      items: [
        { key: 'a', title: { zhCN: '甲' }, maxPoints: 33.3, checkMethod: 'on_site', deductionRules: [] },
        { key: 'b', title: { zhCN: '乙' }, maxPoints: 33.3, checkMethod: 'documents', deductionRules: [] },
        { key: 'c', title: { zhCN: '丙' }, maxPoints: 33.4, checkMethod: 'survey', deductionRules: [{ key: 'r', description: '每次扣0.5分', pointsPerOccurrence: 0.5, cap: 1.5 }] },
      ],
    },
  ];
  const res = await save(cycleId, doc);
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().totalPoints, 100);
});

t.test('more than two decimals are refused with the path of the value', async (t) => {
  const cycleId = await insertCycle(h);
  const doc = criteriaDocument();
  doc.sections[1].items[0].maxPoints = 9.995;
  const res = await save(cycleId, doc);
  t.equal(res.statusCode, 400, res.body);
  t.same(fields(res), ['body.sections.1.items.0.maxPoints']);
});

t.test('a deduction cap above the item maxPoints is refused with its path', async (t) => {
  const cycleId = await insertCycle(h);
  const doc = criteriaDocument();
  doc.sections[0].items[2].deductionRules[0].cap = 11;
  const res = await save(cycleId, doc);
  t.equal(res.statusCode, 400, res.body);
  t.same(fields(res), ['body.sections.0.items.2.deductionRules.0.cap']);
});

t.test('a zero cap and points per occurrence above maxPoints are refused with their paths', async (t) => {
  const cycleId = await insertCycle(h);
  const doc = criteriaDocument();
  doc.sections[0].items[0].deductionRules[0].cap = 0;
  doc.sections[3].items[1].deductionRules[0].pointsPerOccurrence = 8;
  const res = await save(cycleId, doc);
  t.equal(res.statusCode, 400, res.body);
  t.same(fields(res), ['body.sections.0.items.0.deductionRules.0.cap', 'body.sections.3.items.1.deductionRules.0.pointsPerOccurrence']);
});

t.test('an item key used twice in the set is refused with the path of the second', async (t) => {
  const cycleId = await insertCycle(h);
  const doc = criteriaDocument();
  doc.sections[1].items[0].key = 'signage';
  const res = await save(cycleId, doc);
  t.equal(res.statusCode, 400, res.body);
  t.same(fields(res), ['body.sections.1.items.0.key']);
});

t.test('duplicate section, rule and bonus keys are refused with their paths', async (t) => {
  const cycleId = await insertCycle(h);
  const doc = criteriaDocument();
  doc.sections[2].key = 'hardware';
  doc.sections[0].items[1].deductionRules[1].key = 'missing_notice';
  doc.bonusItems[2].key = 'provincial_commendation';
  const res = await save(cycleId, doc);
  t.equal(res.statusCode, 400, res.body);
  t.same(fields(res).sort(), ['body.bonusItems.2.key', 'body.sections.0.items.1.deductionRules.1.key', 'body.sections.2.key']);
});

t.test('keys must be lower_snake or kebab identifiers', async (t) => {
  const cycleId = await insertCycle(h);
  const doc = criteriaDocument();
  doc.sections[0].key = 'Hardware Section';
  const res = await save(cycleId, doc);
  t.equal(res.statusCode, 400, res.body);
  t.same(fields(res), ['body.sections.0.key']);
});

t.test('a bonus item worth more than the bonus cap, or a cap above 20, is refused', async (t) => {
  const cycleId = await insertCycle(h);
  const doc = criteriaDocument();
  doc.bonusItems[0].maxPoints = 6;
  t.same(fields(await save(cycleId, doc)), ['body.bonusItems.0.maxPoints']);
  const doc2 = criteriaDocument();
  doc2.bonusCap = 25;
  t.same(fields(await save(cycleId, doc2)), ['body.bonusCap']);
});

t.test('saving over an existing set needs the current revision: 428 without, 412 when stale', async (t) => {
  const cycleId = await insertCycle(h);
  await save(cycleId, sampleCriteriaDocument);
  const missing = await save(cycleId, sampleCriteriaDocument);
  t.equal(missing.statusCode, 428, missing.body);
  t.equal(missing.json().code, 'version_required');
  await save(cycleId, sampleCriteriaDocument, { 'if-match': '"1"' });
  const stale = await save(cycleId, sampleCriteriaDocument, { 'if-match': '"1"' });
  t.equal(stale.statusCode, 412, stale.body);
  t.equal(stale.json().code, 'version_mismatch');
  const viaBody = await save(cycleId, { ...sampleCriteriaDocument, revision: 2 });
  t.equal(viaBody.statusCode, 200, viaBody.body);
  t.equal(viaBody.json().revision, 3);
});

t.test('revisions increment and every earlier revision stays readable', async (t) => {
  const cycleId = await insertCycle(h);
  const first = (await save(cycleId, sampleCriteriaDocument)).json();
  const doc = criteriaDocument();
  doc.sections[0].items[0].deductionRules[0].description = '形象标识不规范，每处扣1分';
  const second = await save(cycleId, doc, { 'if-match': '"1"' });
  t.equal(second.json().revision, 2);
  t.equal(second.headers.etag, '"2"');
  t.equal((await h.as('anonymous', { method: 'GET', url: base(cycleId) })).json().revision, 2);

  const old = await h.as('anonymous', { method: 'GET', url: `${base(cycleId)}/revisions/1` });
  t.equal(old.statusCode, 200, old.body);
  t.same(old.json().document, sampleCriteriaDocument);
  const byId = await h.as('anonymous', { method: 'GET', url: `/api/v1/criteria-sets/${first.id}` });
  t.same(byId.json(), first);
  t.equal((await h.as('anonymous', { method: 'GET', url: `${base(cycleId)}/revisions/3` })).statusCode, 404);

  const page1 = (await h.as('admin', { method: 'GET', url: `${base(cycleId)}/revisions?limit=1` })).json();
  t.same(page1.items.map((s: { revision: number }) => s.revision), [2]);
  const page2 = (await h.as('admin', { method: 'GET', url: `${base(cycleId)}/revisions?limit=1&cursor=${page1.nextCursor}` })).json();
  t.same(page2.items.map((s: { revision: number }) => s.revision), [1]);
  t.equal(page2.nextCursor, null);
});

t.test('two admins saving on the same revision: exactly one wins, the other gets 412 or 409', async (t) => {
  const cycleId = await insertCycle(h);
  await save(cycleId, sampleCriteriaDocument);
  const results = await Promise.all([1, 2, 3].map(() => save(cycleId, sampleCriteriaDocument, { 'if-match': '"1"' })));
  const statuses = results.map((r) => r.statusCode).sort();
  t.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
  t.ok(statuses.filter((s) => s !== 200).every((s) => s === 412 || s === 409), statuses.join(','));
  const firstSaves = await Promise.all([1, 2].map(() => save(cycleId, sampleCriteriaDocument, {}, 'admin', 'law_enforcement')));
  // Two first saves: the loser either collides on the revision index (412) or, if it came second, lacks If-Match (428).
  const [won, lost] = firstSaves.map((r) => r.statusCode).sort();
  t.equal(won, 200);
  t.ok(lost === 412 || lost === 428, String(lost));
});

t.test('once the cycle moves to assessment the sets are frozen', async (t) => {
  const cycleId = await insertCycle(h, { phase: 'draft' });
  t.equal((await save(cycleId, sampleCriteriaDocument)).statusCode, 200);
  await h.sql(`update cycles set phase = 'assessment' where id = $1`, [cycleId]);
  const res = await save(cycleId, sampleCriteriaDocument, { 'if-match': '"1"' });
  t.equal(res.statusCode, 409, res.body);
  t.equal(res.json().code, 'criteria_frozen');
  const read = await h.as('anonymous', { method: 'GET', url: base(cycleId) });
  t.equal(read.json().frozen, true);
  const fresh = await save(cycleId, sampleCriteriaDocument, {}, 'admin', 'law_enforcement');
  t.equal(fresh.json().code, 'criteria_frozen');
});

t.test('an admin copies the current set of a category from an earlier cycle', async (t) => {
  const earlier = await insertCycle(h, { year: 2023 });
  const later = await insertCycle(h, { year: 2024 });
  await save(earlier, sampleCriteriaDocument);
  const doc = criteriaDocument();
  doc.bonusCap = 4;
  doc.bonusItems[0].maxPoints = 4;
  const source = (await save(earlier, doc, { 'if-match': '"1"' })).json();
  await h.sql(`update cycles set phase = 'closed' where id = $1`, [earlier]);

  const res = await h.as('admin', { method: 'POST', url: `${base(later)}/copy`, payload: { fromCycleId: earlier } });
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json(), { cycleId: later, revision: 1, copiedFromId: source.id, frozen: false });
  t.same(res.json().document, doc);
  const again = await h.as('admin', { method: 'POST', url: `${base(later)}/copy`, payload: { fromCycleId: earlier } });
  t.equal(again.json().revision, 2);
});

t.test('a copy from a cycle without that category, or into the same cycle, is refused naming fromCycleId', async (t) => {
  const a = await insertCycle(h);
  const b = await insertCycle(h);
  await save(a, sampleCriteriaDocument);
  const none = await h.as('admin', { method: 'POST', url: `${base(a, 'law_enforcement')}/copy`, payload: { fromCycleId: b } });
  t.equal(none.statusCode, 422, none.body);
  t.same(fields(none), ['fromCycleId']);
  const self = await h.as('admin', { method: 'POST', url: `${base(a)}/copy`, payload: { fromCycleId: a } });
  t.same(fields(self), ['fromCycleId']);
  const frozen = await insertCycle(h, { phase: 'ranking' });
  const intoFrozen = await h.as('admin', { method: 'POST', url: `${base(frozen)}/copy`, payload: { fromCycleId: a } });
  t.equal(intoFrozen.json().code, 'criteria_frozen');
});

t.test('only an admin may save or copy: other roles 403, the public 401', async (t) => {
  const cycleId = await insertCycle(h);
  const from = await insertCycle(h);
  await save(from, sampleCriteriaDocument);
  const denied: [Who, number][] = [
    ['inspector', 403],
    [{ role: 'supervisor', supervisorId: randomUUID() } satisfies TokenClaims, 403],
    [{ role: 'department', departmentId: randomUUID() } satisfies TokenClaims, 403],
    [{ role: 'unit', unitId: randomUUID() } satisfies TokenClaims, 403],
    ['integration', 403],
    ['anonymous', 401],
  ];
  for (const [who, status] of denied) {
    const label = typeof who === 'string' ? who : who.role;
    t.equal((await save(cycleId, sampleCriteriaDocument, {}, who)).statusCode, status, `${label} save`);
    const copy = await h.as(who, { method: 'POST', url: `${base(cycleId)}/copy`, payload: { fromCycleId: from } });
    t.equal(copy.statusCode, status, `${label} copy`);
  }
  t.equal((await h.as('anonymous', { method: 'GET', url: base(cycleId) })).statusCode, 404, 'nothing was saved');
});

t.test('every save and copy is in the audit log with its revision', async (t) => {
  const from = await insertCycle(h);
  const cycleId = await insertCycle(h);
  const saved = (await save(from, sampleCriteriaDocument)).json();
  const copied = (await h.as('admin', { method: 'POST', url: `${base(cycleId)}/copy`, payload: { fromCycleId: from } })).json();
  const log = await h.as('admin', { method: 'GET', url: '/api/v1/audit-log?entityType=criteria_set&limit=200' });
  const entries = log.json().items as { action: string; entityId: string; after: { revision: number; copiedFromId: string | null } }[];
  const revised = entries.find((e) => e.entityId === saved.id);
  t.match(revised, { action: 'criteria_set.revised', after: { revision: 1 } });
  const copy = entries.find((e) => e.entityId === copied.id);
  t.match(copy, { action: 'criteria_set.copied', after: { revision: 1, copiedFromId: saved.id } });
});

t.test('GraphQL returns the same set as REST, with its cycle', async (t) => {
  const cycleId = await insertCycle(h, { name: '2024年度创建' });
  const rest = (await save(cycleId, sampleCriteriaDocument)).json();
  const g = await gql(
    h,
    'anonymous',
    `query ($c: ID!) { criteriaSet(cycleId: $c, category: public_service) {
      id cycleId category revision frozen totalPoints copiedFromId createdBy createdAt
      document { bonusCap bonusItems { key description maxPoints }
        sections { key title { zhCN en } items { key title { zhCN en } maxPoints checkMethod checkMethodLabel { zhCN }
          deductionRules { key description pointsPerOccurrence cap } } } }
      cycle { name phase } } }`,
    { c: cycleId },
  );
  t.same(g.errors, undefined);
  const got = g.data!.criteriaSet as Record<string, unknown> & { cycle: unknown; document: { sections: { items: Record<string, unknown>[] }[] } };
  t.same(got.cycle, { name: '2024年度创建', phase: 'enrollment' });
  t.same(got.document.sections[0].items[0].checkMethodLabel, { zhCN: '看现场' });
  for (const s of got.document.sections) for (const i of s.items) delete i.checkMethodLabel;
  const { cycle: _c, ...rest2 } = got;
  t.same(rest2, rest);
  const missing = await gql(h, 'anonymous', `query ($c: ID!) { criteriaSet(cycleId: $c, category: law_enforcement) { id } }`, { c: cycleId });
  t.equal(missing.data!.criteriaSet, null);
});

t.test('GraphQL saves revisions with the same rules as REST', async (t) => {
  const cycleId = await insertCycle(h);
  const mutation = `mutation ($c: ID!, $r: Int, $d: CriteriaDocumentInput!) {
    saveCriteriaSet(cycleId: $c, category: public_service, revision: $r, document: $d) { revision totalPoints } }`;
  const first = await gql(h, 'admin', mutation, { c: cycleId, d: sampleCriteriaDocument });
  t.same(first.data?.saveCriteriaSet, { revision: 1, totalPoints: 100 });
  const noRevision = await gql(h, 'admin', mutation, { c: cycleId, d: sampleCriteriaDocument });
  t.equal(noRevision.errors?.[0].extensions?.code, 'version_required');
  const bad = criteriaDocument();
  bad.sections[0].items[0].maxPoints = 12;
  const total = await gql(h, 'admin', mutation, { c: cycleId, r: 1, d: bad });
  t.equal(total.errors?.[0].extensions?.code, 'criteria_total_invalid');
  t.same(total.errors?.[0].extensions?.errors?.map((e) => e.field), ['sections']);
  const cap = criteriaDocument();
  cap.sections[0].items[2].deductionRules[0].cap = 11;
  const capped = await gql(h, 'admin', mutation, { c: cycleId, r: 1, d: cap });
  t.same(capped.errors?.[0].extensions?.errors?.map((e) => e.field), ['document.sections.0.items.2.deductionRules.0.cap']);
  const denied = await gql(h, 'inspector', mutation, { c: cycleId, r: 1, d: sampleCriteriaDocument });
  t.equal(denied.errors?.[0].extensions?.code, 'forbidden');

  const from = await insertCycle(h);
  await save(from, sampleCriteriaDocument, {}, 'admin', 'law_enforcement');
  const copy = await gql(h, 'admin', `mutation ($c: ID!, $f: ID!) { copyCriteriaSet(cycleId: $c, category: law_enforcement, fromCycleId: $f) { revision copiedFromId } }`, {
    c: cycleId,
    f: from,
  });
  t.equal((copy.data?.copyCriteriaSet as { revision: number }).revision, 1);
  const revisions = await gql(h, 'anonymous', `query ($c: ID!) { criteriaSetRevisions(cycleId: $c, category: public_service) { items { revision } nextCursor } }`, { c: cycleId });
  t.same(revisions.data?.criteriaSetRevisions, { items: [{ revision: 1 }], nextCursor: null });
});

t.test('listing sets with their cycle costs the same number of queries for one set or three', async (t) => {
  const one = await insertCycle(h);
  const three = await insertCycle(h);
  await save(one, sampleCriteriaDocument);
  for (const c of ['public_service', 'law_enforcement', 'economic_social_management']) await save(three, sampleCriteriaDocument, {}, 'admin', c);
  const q = `query ($c: ID!) { criteriaSets(cycleId: $c) { id revision cycle { name } } }`;
  const a = await h.countQueries(() => gql(h, 'admin', q, { c: one }));
  const b = await h.countQueries(() => gql(h, 'admin', q, { c: three }));
  t.equal((a.result.data!.criteriaSets as unknown[]).length, 1);
  t.equal((b.result.data!.criteriaSets as unknown[]).length, 3);
  if (a.queries >= 0) t.equal(b.queries, a.queries);
});
