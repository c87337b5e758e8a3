import t from 'tap';
import { systemContext } from '../src/lib/principal.js';
import { suppressor } from '../src/modules/statistics/public.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, taxHallA } = w.units;
const cycle = await h.app.services.cycles.create(systemContext('test'), { name: '2024 创建', year: 2024 });
type Cell = { count: number | null; suppressed: boolean };

const rating = (unitId: string, channel: string, level: number) =>
  h.sql(`insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, source, submitted_by) values (gen_random_uuid(), $1, $2, $3, $4, '2024-06-01T00:00:00Z', 'test', 'x')`, [unitId, cycle.id, channel, level]);
let complaintNo = 0;
const complaint = (unitId: string, status: string) =>
  h.sql(
    `insert into complaints (id, tracking_code, source, category, subject, description, unit_id, cycle_id, status, received_at)
     values (gen_random_uuid(), $1, 'hotline', 'service_attitude', '投诉', '态度差', $2, $3, $4, '2024-06-01T00:00:00Z')`,
    [`P-${++complaintNo}`, unitId, cycle.id, status],
  );

// The forestry station has 3 ratings (one bad), the tax hall 9: overall 12, but levels 1, 2 and 5 hold fewer than 5.
for (const level of [5, 5, 1]) await rating(forestStation.id, 'portal', level);
for (let i = 0; i < 7; i++) await rating(taxHallA.id, 'portal', 4);
for (let i = 0; i < 2; i++) await rating(taxHallA.id, 'hotline', 2);
// 6 complaints received and 1 closed: the closed one alone would single its complainant out.
for (let i = 0; i < 6; i++) await complaint(taxHallA.id, 'received');
await complaint(taxHallA.id, 'closed');
// Personal data that must never reach the public: a TV inquiry head's name and an accountability target's name.
await h.as('admin', {
  method: 'POST',
  url: '/api/v1/media-items',
  payload: { kind: 'tv_inquiry', outlet: '恩施电视台', title: '电视问政', publishedOn: '2024-05-01', cycleId: cycle.id, appearances: [{ personName: '王局长甲', departmentId: w.departments.tax.id, resultKind: 'score', result: 91 }] },
});
await h.sql(
  `insert into accountability_actions (id, type, target_kind, person_name, department_id, reason, decided_at, cause_type, cause_id, created_by)
   values (gen_random_uuid(), 'interview', 'person', '李某乙', $1, '原因', '2024-03-01T00:00:00Z', 'problem', gen_random_uuid(), 'x')`,
  [w.departments.tax.id],
);

const url = `/api/v1/public/statistics?cycleId=${cycle.id}`;
const publicFigures = async (app: typeof h, u: string) => {
  const r = await app.as('anonymous', { method: 'GET', url: u });
  if (r.statusCode !== 200) throw new Error(`${u}: ${r.statusCode} ${r.body}`);
  return r.json();
};

t.test('anyone may read the public figures; counts from ratings below the minimum cell are null and marked', async (t) => {
  const r = await h.as('anonymous', { method: 'GET', url });
  t.equal(r.statusCode, 200, r.body);
  const f = r.json().figures;
  t.equal(r.json().minCell, 5);
  t.same(f.ratings.total, { count: 12, suppressed: false });
  t.same(f.ratings.byLevel, {
    1: { count: null, suppressed: true },
    2: { count: null, suppressed: true },
    3: { count: 0, suppressed: false },
    4: { count: 7, suppressed: false },
    5: { count: null, suppressed: true },
  });
  t.same(f.ratings.bad, { count: null, suppressed: true });
  t.same(f.ratings.byChannel.portal.total, { count: 10, suppressed: false });
  t.same(f.ratings.byChannel.hotline.total, { count: null, suppressed: true });
  t.equal(f.media.tvInquirySessions, 1, 'aggregates that come from no rater are published as they are');
});

t.test('a lone small cell in a group takes the next smallest with it, so it cannot be found by subtraction', async (t) => {
  const f = (await h.as('anonymous', { method: 'GET', url })).json().figures;
  t.same(f.complaints.total, { count: 7, suppressed: false });
  t.same(f.complaints.byStatus.closed, { count: null, suppressed: true });
  t.same(f.complaints.byStatus.received, { count: null, suppressed: true }, 'else 7 − 6 would give the closed one away');
  t.same(f.complaints.byStatus.triaged, { count: 0, suppressed: false });
  const { group } = suppressor(5);
  t.same(group({ a: 0, b: 9, c: 12 }), { a: { count: 0, suppressed: false }, b: { count: 9, suppressed: false }, c: { count: 12, suppressed: false } });
});

t.test('a filter that narrows to one unit suppresses its small counts', async (t) => {
  const f = (await publicFigures(h, `${url}&departmentId=${w.departments.forestry.id}`)).figures;
  t.same(f.ratings.total, { count: null, suppressed: true });
  t.ok(Object.values(f.ratings.byLevel as Record<string, Cell>).every((c) => c.count === 0 || c.suppressed));
});

t.test('the minimum cell is configurable (PUBLIC_STATS_MIN_CELL)', async (t) => {
  const lax = await h.copy({ PUBLIC_STATS_MIN_CELL: 2 });
  const f = await publicFigures(lax, `${url}&departmentId=${w.departments.forestry.id}`);
  t.equal(f.minCell, 2);
  t.same(f.figures.ratings.total, { count: 3, suppressed: false });
  t.same(f.figures.ratings.byLevel['1'], { count: null, suppressed: true });
  t.same(f.figures.ratings.byLevel['5'], { count: null, suppressed: true }, 'two 5s would give the lone 1 away (3 − 2)');
  t.same(f.figures.ratings.byChannel.portal.total, { count: 3, suppressed: false });
});

t.test('no person is ever named, and internal figures stay internal', async (t) => {
  const body = (await h.as('anonymous', { method: 'GET', url })).body;
  t.notMatch(body, /王局长甲|李某乙/);
  const f = JSON.parse(body).figures;
  for (const internal of ['supervisors', 'inspectionTasks', 'findings', 'accountabilityActions', 'disqualifications']) t.notOk(internal in f, internal);
  const staff = (await h.as('admin', { method: 'GET', url: `/api/v1/statistics?cycleId=${cycle.id}` })).json().figures;
  t.equal(staff.ratings.byLevel['1'], 1, 'the office still sees every count');
});

t.test('cacheable: a strong ETag over the figures, 304 when unchanged, a new tag when they change', async (t) => {
  const first = await h.as('anonymous', { method: 'GET', url });
  const tag = first.headers.etag as string;
  t.match(tag, /^"stats-/);
  t.match(first.headers['cache-control'], /public/);
  const again = await h.as('anonymous', { method: 'GET', url, headers: { 'if-none-match': tag } });
  t.equal(again.statusCode, 304);
  await rating(taxHallA.id, 'portal', 3);
  const changed = await h.as('anonymous', { method: 'GET', url, headers: { 'if-none-match': tag } });
  t.equal(changed.statusCode, 200);
  t.not(changed.headers.etag, tag);
});

t.test('bad input names the field; the public is rate-limited like every public route', async (t) => {
  const bad = await h.as('anonymous', { method: 'GET', url: '/api/v1/public/statistics' });
  t.equal(bad.statusCode, 422);
  t.equal(bad.json().errors[0].field, 'cycleId');
  const strict = await h.copy({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: 2 });
  const codes = [];
  for (let i = 0; i < 3; i++) codes.push((await strict.as('anonymous', { method: 'GET', url })).statusCode);
  t.same(codes, [200, 200, 429]);
});
