import t from 'tap';
import { getNamedType, isEnumType, isLeafType, isNonNullType, isObjectType } from 'graphql';
import type { GraphQLField, GraphQLNamedType } from 'graphql';
import { systemContext } from '../src/lib/principal.js';
import { cycleInPhase } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import { gql, setup } from './helper.js';

/*
 * 两级办公室 in GraphQL: every Query field a county token may call, and every type it can reach from there by nesting,
 * gives it units of its region only (and the public's view of what is public). The walk below finds the fields a county
 * token is served by asking each one, then queries every served field with everything it nests (three levels down) and
 * checks every unit it reaches.
 */
const h = await setup(t);
const w = await referenceWorld(h);
const { forestStation, forestPolice, taxHallA, taxHallB, taxAudit } = w.units;
const { countyA } = w.regions;
const inA = new Set([forestStation.id, forestPolice.id, taxHallA.id]);
const county = { role: 'admin' as const, subject: 'lichuan-office', regionId: countyA.id };
const ctx = systemContext('county-graphql');
const s = h.app.services;

const cycle = await cycleInPhase(h, 'assessment', Object.values(w.units).map((u) => u.id), '2024 年度创建');
for (const u of Object.values(w.units)) {
  await s.problems.create(ctx, { unitId: u.id, cycleId: cycle.id, sourceType: 'manual', severity: 'minor', description: `问题 ${u.name}` });
  await s.complaints.intake(ctx, { source: 'hotline', category: 'service_attitude', subject: '态度差', description: `投诉 ${u.name}`, unitId: u.id, contact: { name: '张三', phone: '13800000000' } });
  await h.sql(`insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, source, submitted_by) values (gen_random_uuid(), $1, $2, 'hotline', 4, now(), 'test', 'x')`, [u.id, cycle.id]);
}
const computed = await h.as('admin', { method: 'POST', url: `/api/v1/cycles/${cycle.id}/rankings` });
t.equal(computed.statusCode, 201, computed.statusCode === 201 ? 'a draft ranking' : computed.body);
const draft = computed.json() as { id: string };

const schema = h.app.graphql.schema;
const queryType = schema.getQueryType()!;

/** A value for an argument of this type (only to find out whether the field is served: refusals come first). */
function probeValue(type: GraphQLNamedType): string {
  if (type.name === 'ID') return `"${taxHallB.id}"`;
  if (type.name === 'Int') return '1';
  if (type.name === 'Float') return '1';
  if (type.name === 'Boolean') return 'true';
  if (isEnumType(type)) return type.getValues()[0].name;
  return '"x"';
}
const requiredArgs = (f: GraphQLField<unknown, unknown>) => f.args.filter((a) => isNonNullType(a.type));

/** Every scalar of a type and, `depth` levels down, every object it nests (fields that need arguments left out). */
function selection(type: GraphQLNamedType, depth: number): string {
  if (!isObjectType(type)) return '';
  const parts = ['__typename'];
  for (const f of Object.values(type.getFields())) {
    if (requiredArgs(f).length) continue;
    const named = getNamedType(f.type);
    if (isLeafType(named)) parts.push(f.name);
    else if (isObjectType(named) && depth > 0) parts.push(`${f.name} { ${selection(named, depth - 1)} }`);
  }
  return parts.join(' ');
}

/** Refused before anything runs: prefecture-wide work, or a role the field does not serve. */
const refused = (errors: { message: string; extensions?: { code?: string } }[] | undefined) =>
  !!errors?.some((e) => e.extensions?.code === 'forbidden' && /prefecture office|may not query/.test(e.message));

// The fields a county office is served: regionScoped ones and public ones. A new one must be looked at and added here.
const SCOPED = ['units', 'unit', 'cycles', 'cycle', 'regions', 'region', 'departments', 'department', 'complaints', 'complaint', 'problems', 'problem', 'ratings', 'ratingCounts', 'statistics', 'accountabilityDue'];
const PUBLIC = [
  '_version',
  'categories',
  'complaintCategories',
  'complaintByTrackingCode',
  'criteriaCheckMethods',
  'criteriaSets',
  'criteriaSet',
  'criteriaSetRevisions',
  'criteriaSetById',
  'calendarSchedules',
  'calendarSchedule',
  'calendarDeadline',
  'auditCheckpoints',
  'latestAuditCheckpoint',
  'awardRoll',
  'rankingExplanation',
  'rankingDiff',
  'publicRanking',
  'publicRankingPage',
];

t.test('the Query fields a county token is served are exactly the scoped and the public ones', async (t) => {
  const served: string[] = [];
  for (const f of Object.values(queryType.getFields())) {
    const args = requiredArgs(f).map((a) => `${a.name}: ${probeValue(getNamedType(a.type))}`);
    const sel = isObjectType(getNamedType(f.type)) ? '{ __typename }' : '';
    const r = await gql(h, county, `{ ${f.name}${args.length ? `(${args.join(', ')})` : ''} ${sel} }`);
    if (!refused(r.errors)) served.push(f.name);
  }
  t.same(served.sort(), [...SCOPED, ...PUBLIC].sort());
});

/** Every unit a response reaches: Unit objects and the unitId of anything else. */
function unitsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) unitsIn(v, found);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.__typename === 'Unit' && typeof o.id === 'string') found.add(o.id);
    if (typeof o.unitId === 'string') found.add(o.unitId);
    for (const v of Object.values(o)) unitsIn(v, found);
  }
  return found;
}

const ARGS: Record<string, string> = {
  cycle: `id: "${cycle.id}"`,
  statistics: `cycleId: "${cycle.id}"`,
  accountabilityDue: `cycleId: "${cycle.id}"`,
};
const LIMITED = (f: GraphQLField<unknown, unknown>) => (f.args.some((a) => a.name === 'limit') ? 'limit: 20' : '');

t.test('every scoped field and everything it nests reach units of the county only; the prefecture reaches all', async (t) => {
  for (const name of SCOPED) {
    const f = queryType.getFields()[name];
    if (requiredArgs(f).length && !ARGS[name]) continue; // single records by id: below
    const args = [ARGS[name], LIMITED(f)].filter(Boolean).join(', ');
    const q = `{ ${name}${args ? `(${args})` : ''} { ${selection(getNamedType(f.type), 3)} } }`;
    const mine = await gql(h, county, q);
    t.same(mine.errors, undefined, `${name}: answered`);
    const reached = [...unitsIn(mine.data)];
    t.ok(reached.every((id) => inA.has(id)), `${name}: only the county’s units (${reached.length})`);
    if (['units', 'problems', 'complaints', 'ratings', 'ratingCounts'].includes(name)) {
      t.same(new Set(reached), inA, `${name}: every unit of the county`);
      const all = await gql(h, 'admin', q);
      t.equal(unitsIn(all.data).size, 5, `${name}: the prefecture reaches all five units`);
    }
  }
});

t.test('REST lists the same ratings as GraphQL: the county’s units only', async (t) => {
  const res = await h.as(county, { method: 'GET', url: '/api/v1/ratings?limit=100' });
  t.equal(res.statusCode, 200);
  t.same(new Set((res.json().items as { unitId: string }[]).map((r) => r.unitId)), inA);
  t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/ratings?limit=100' })).json().items.length, 5, 'the prefecture: all five');
});

t.test('a record of another county is not there, by id or through nesting', async (t) => {
  const [pB] = (await s.problems.list(ctx, { unitId: taxHallB.id }, { limit: 1 })).items;
  const [cB] = (await s.complaints.list(ctx, { unitId: taxAudit.id }, { limit: 1 })).items;
  for (const [name, id, type] of [
    ['unit', taxHallB.id, 'Unit'],
    ['problem', pB.id, 'Problem'],
    ['complaint', cB.id, 'Complaint'],
  ] as const) {
    const q = `{ ${name}(id: "${id}") { ${selection(schema.getType(type)!, 3)} } }`;
    const mine = await gql(h, county, q);
    t.equal(mine.data?.[name] ?? null, null, `${name} of county B: not found`);
    t.equal(mine.errors?.[0]?.extensions?.code, 'not_found');
    const all = await gql(h, 'admin', q);
    t.ok(unitsIn(all.data).has(type === 'Unit' ? id : type === 'Problem' ? taxHallB.id : taxAudit.id), `${name}: the prefecture reads it`);
  }
});

t.test('public fields give a county token the public’s view: no draft ranking, no browsing of complaints, no intake', async (t) => {
  const explain = `{ rankingExplanation(rankingId: "${draft.id}", unitId: "${taxHallB.id}") { __typename } }`;
  t.equal((await gql(h, county, explain)).errors?.[0]?.extensions?.code, 'not_found', 'a draft ranking is the prefecture office’s');
  t.same((await gql(h, 'admin', explain)).errors, undefined, 'the prefecture office reads the draft');
  const diff = await gql(h, county, `{ rankingDiff(id: "${draft.id}") { __typename } }`);
  t.equal(diff.errors?.[0]?.extensions?.code, 'not_found');
  const rest = await h.as(county, { method: 'GET', url: `/api/v1/rankings/${draft.id}/entries/${taxHallA.id}/explanation` });
  t.equal(rest.statusCode, 404, 'REST: the same, even for a unit of its own');
  t.equal((await h.as('admin', { method: 'GET', url: `/api/v1/rankings/${draft.id}/entries/${taxHallA.id}/explanation` })).statusCode, 200);

  const browse = await h.as(county, { method: 'GET', url: '/open311/v2/requests.json' });
  t.equal(browse.statusCode, 403, 'Open311: a county token does not browse every complaint of the prefecture');
  t.equal((await h.as('admin', { method: 'GET', url: '/open311/v2/requests.json' })).statusCode, 200);

  const intake = await gql(h, county, `mutation { submitComplaint(input: { category: other, subject: "x", description: "y", unitId: "${taxHallB.id}", source: hotline, externalId: "dup" }) { trackingCode complaint { id } } }`);
  t.match(intake.errors?.[0]?.message ?? '', /prefecture office/, 'the office’s intake is the prefecture’s');
});
