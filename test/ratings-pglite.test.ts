import t from 'tap';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

// The embedded database has no COPY: imports take the multi-row INSERT path, with the same merge.
const h = await setup(t, { pglite: true });
const w = await referenceWorld(h);
const unit = w.units.forestStation;

const rows = Array.from({ length: 1_200 }, (_, i) => ({
  unitId: unit.id,
  channel: i % 2 ? 'questionnaire' : 'portal',
  level: (i % 5) + 1,
  comment: i % 10 === 0 ? '不满意\t"服务"' : undefined,
  collectedAt: '2024-06-01T10:00:00+08:00',
  externalId: `pg-${i}`,
  respondentKey: i % 4 === 0 ? `1370000${i}` : undefined,
}));
const ndjson = rows.map((r) => JSON.stringify(r)).join('\n') + '\n{"unitId":"nope"}\n';

t.test('on PGlite an import commits valid rows, reports bad ones and recognises a re-import', async (t) => {
  t.equal(h.database.kind, 'pglite');
  const upload = () => h.as('admin', { method: 'POST', url: '/api/v1/rating-imports?format=ndjson&source=pglite-survey', headers: { 'content-type': 'application/x-ndjson' }, payload: ndjson });
  const first = await upload();
  t.equal(first.statusCode, 201, first.body);
  t.match(first.json(), { status: 'completed', rowsRead: 1_201, accepted: 1_200, rejected: 1, followUpsOpened: rows.filter((r) => r.level <= 2).length });
  const [stored] = await h.sql<{ comment: string }>(`select comment from ratings where source = 'pglite-survey' and external_id = 'pg-0'`);
  t.equal(stored.comment, '不满意\t"服务"');
  const again = await upload();
  t.match(again.json(), { accepted: 0, duplicates: 1_200, rejected: 1 });
  const errors = await h.as('admin', { method: 'GET', url: `/api/v1/rating-imports/${first.json().id}/errors` });
  t.match(errors.body, /\n1201,unitId,/);
});

t.test('on PGlite all_or_nothing commits nothing when a row is bad', async (t) => {
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/rating-imports?format=ndjson&source=pglite-aon&policy=all_or_nothing', headers: { 'content-type': 'application/x-ndjson' }, payload: ndjson });
  t.match(res.json(), { status: 'failed', accepted: 0, rejected: 1 });
  const [{ n }] = await h.sql<{ n: number }>(`select count(*)::int as n from ratings where source = 'pglite-aon'`);
  t.equal(n, 0);
});

t.test('on PGlite the public daily limit holds and follow-ups open', async (t) => {
  const body = { unitId: unit.id, channel: 'sms', level: 1, comment: '太慢', respondentKey: '13700001111' };
  const first = await h.as('anonymous', { method: 'POST', url: '/api/v1/public/ratings', payload: body });
  t.equal(first.statusCode, 201, first.body);
  t.ok(first.json().followUpId);
  const second = await h.as('anonymous', { method: 'POST', url: '/api/v1/public/ratings', payload: body });
  t.equal(second.statusCode, 409);
  t.equal(second.json().code, 'rating_limit_reached');
});
