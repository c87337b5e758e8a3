/**
 * Campaign-scale data for the benches, written with generate_series straight into a migrated database: at scale 1,
 * 2,135 units in 69 departments over 8 counties across the three categories, all enrolled in one cycle in assessment
 * (~1% disqualified), ~300,000 ratings (skewed: some units have very few), 2 confirmed scorecards and 1 reviewed
 * inspection report per unit with findings, 1,500 complaints, 2,500 problems and 4,000 deeds. Scale k multiplies units,
 * ratings and the per-campaign records by k (regions and departments stay).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { defaultSettings } from '../src/modules/cycles/schemas.js';
import { systemContext } from '../src/lib/principal.js';
import type { Services } from '../src/modules/services.js';
import { cpuSecondsOf } from './prod.js';

export const UNITS = 2135;
export const DEPARTMENTS = 69;
export const COUNTIES = 8;
export const RATINGS = 300_000;

/** Runs one statement on the server's maintenance database (create or drop a bench database). */
export async function admin(baseUrl: string, sqlText: string): Promise<void> {
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  try {
    await c.query(sqlText);
  } finally {
    await c.end();
  }
}

export async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  console.log(`  ${label.padEnd(44)} ${(performance.now() - t0).toFixed(0).padStart(7)} ms`);
  return r;
}

/**
 * What production's scheduled integrity scan (ratings module) has done by the time an office computes a ranking: the
 * bench writes its ratings with SQL, so nothing has scanned them. Runs the cycle's scan (its first is full) and prints
 * and returns its seconds, timed apart from the computation, which runs the incremental scan itself.
 */
export async function scheduledScan(s: Services, ctx: ReturnType<typeof systemContext>, cycleId: string): Promise<number> {
  const t0 = performance.now();
  const r = await s.ratingIntegrity.scan(ctx, { cycleId });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`  integrity scan, as scheduled (${r.full ? 'full' : 'incremental'}, ${r.held} held)`.padEnd(46) + ` ${(seconds * 1000).toFixed(0).padStart(7)} ms`);
  return seconds;
}

/**
 * Runs `fn` and measures its wall clock and the CPU it cost: this process's and that of the PostgreSQL backends
 * serving `pool`'s database (on this machine: BENCH_DATABASE_URL on 127.0.0.1). On a loaded machine the wall clock
 * grows with the load; the CPU seconds barely do, and bound what the same work takes on a quiet one.
 */
export async function cpuTimed<T>(pool: pg.Pool, fn: () => Promise<T>): Promise<{ result: T; wallSeconds: number; nodeCpuSeconds: number; postgresCpuSeconds: number }> {
  const backends = async () =>
    ((await pool.query(`select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`)).rows as { pid: number }[]).map((r) => r.pid);
  // every connection the pool may use is opened first, so the backends are known before the work starts
  const clients = await Promise.all(Array.from({ length: pool.options.max ?? 10 }, () => pool.connect()));
  for (const c of clients) c.release();
  const pids = await backends();
  const pgBefore = new Map(pids.map((p) => [p, cpuSecondsOf(p)]));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  let postgresCpuSeconds = 0;
  // a backend opened meanwhile counts whole (an idle one the pool closed did no work)
  for (const p of new Set([...pgBefore.keys(), ...(await backends())])) postgresCpuSeconds += Math.max(0, cpuSecondsOf(p) - (pgBefore.get(p) ?? 0));
  return { result, wallSeconds, nodeCpuSeconds: (cpu.user + cpu.system) / 1e6, postgresCpuSeconds };
}

/** Fills the database; returns the cycle's id. */
export async function generateCampaign(pool: pg.Pool, scale = 1): Promise<string> {
  const q = (text: string, params: unknown[] = []) => pool.query(text, params);
  const units = UNITS * scale;
  const ratings = RATINGS * scale;
  const cycleId = await timed('regions, departments, units, cycle, enrollments', async () => {
    await q(`insert into regions (id, level, code, name_zh, path) select id, 'prefecture', 'P', '恩施州', '/' || id || '/' from (select gen_random_uuid() as id) x`);
    await q(`insert into regions (id, parent_id, level, code, name_zh, path)
             select i.id, p.pid, 'county', 'C' || i.g, '县' || i.g, p.ppath || i.id || '/'
             from (select g, gen_random_uuid() as id from generate_series(1, ${COUNTIES}) g) i,
                  (select id as pid, path as ppath from regions where level = 'prefecture') p`);
    await q(`insert into departments (id, name, sector, level, region_id)
             select gen_random_uuid(), '部门' || g, 'sector_' || (g % 12), 'prefecture', (select id from regions where level = 'prefecture')
             from generate_series(1, ${DEPARTMENTS}) g`);
    await q(`create table bench_departments as select row_number() over (order by id) - 1 as i, id from departments`);
    await q(`create table bench_counties as select row_number() over (order by id) - 1 as i, id from regions where level = 'county'`);
    await q(`insert into units (id, department_id, region_id, category, name)
             select gen_random_uuid(), d.id, r.id, (array['law_enforcement','public_service','economic_social_management'])[1 + g % 3]::unit_category, '站所' || g
             from generate_series(0, ${units - 1}) g
             join bench_departments d on d.i = g % ${DEPARTMENTS}
             join bench_counties r on r.i = g % ${COUNTIES}`);
    await q(`create table bench_units as select row_number() over (order by id) - 1 as i, id, category from units`);
    await q(`create unique index on bench_units (i)`);
    const [{ id }] = (
      await q(`insert into cycles (id, name, year, phase, settings) values (gen_random_uuid(), '2024年度', 2024, 'assessment', $1) returning id`, [JSON.stringify(defaultSettings)])
    ).rows as { id: string }[];
    await q(`insert into criteria_sets (id, cycle_id, category, revision, document, created_by)
             select gen_random_uuid(), $1, c::unit_category, 1, '{"sections":[],"bonusItems":[],"bonusCap":0}', 'bench'
             from unnest(array['law_enforcement','public_service','economic_social_management']) c`, [id]);
    // ~1% disqualified: scored by nobody
    await q(`insert into enrollments (id, cycle_id, unit_id, category, status)
             select gen_random_uuid(), $1, id, category, case when i % 97 = 0 then 'disqualified' else 'enrolled' end::enrollment_status from bench_units`, [id]);
    return id;
  });

  await timed(`ratings (${ratings.toLocaleString('en')})`, () =>
    q(
      `insert into ratings (id, unit_id, cycle_id, channel, level, collected_at, received_at, source, submitted_by)
       select gen_random_uuid(), u.id, $1, (array['questionnaire','hotline','portal','sms']::rating_channel[])[1 + g % 4],
              case when r < .45 then 5 when r < .80 then 4 when r < .92 then 3 when r < .97 then 2 else 1 end,
              now() - (g % 300) * interval '1 day', now() - (g % 300) * interval '1 day', 'bench', 'bench'
       from (select g, random() as r, floor(power(random(), 1.6) * ${units})::int as ui from generate_series(1, ${ratings}) g) s
       join bench_units u on u.i = s.ui`,
      [cycleId],
    ),
  );
  await timed('scorecards (2 per unit, confirmed)', () =>
    q(
      `insert into scorecards (id, cycle_id, unit_id, enrollment_id, criteria_set_id, inspector_subject, status, total, regular_total, assessed_on)
       select gen_random_uuid(), e.cycle_id, e.unit_id, e.id, cs.id, 'inspector-' || k, 'confirmed', t, t, '2024-05-01'
       from (select e.*, k, round((60 + random() * 40)::numeric, 2) as t from enrollments e, generate_series(1, 2) k where e.cycle_id = $1) e
       join criteria_sets cs on cs.cycle_id = e.cycle_id and cs.category = e.category`,
      [cycleId],
    ),
  );
  await timed('inspection: 1 reviewed report per unit + findings', async () => {
    await q(`insert into supervisors (id, name, affiliation, sector, term_start) select gen_random_uuid(), '监督员' || g, '单位', 'citizen', '2024-01-01' from generate_series(1, 100) g`);
    await q(`create table bench_supervisors as select row_number() over (order by id) - 1 as i, id from supervisors`);
    await q(
      `insert into inspection_rounds (id, name, cycle_id, kind, starts_at, ends_at, seed, status)
       values (gen_random_uuid(), '拉网式暗访', $1, 'sweep', now() - interval '60 days', now(), 42, 'generated')`,
      [cycleId],
    );
    await q(`insert into inspection_tasks (id, round_id, supervisor_id, unit_id, starts_at, ends_at, status, reviewed_at)
             select gen_random_uuid(), (select id from inspection_rounds), s.id, u.id, now() - interval '30 days', now(), 'reviewed', now()
             from bench_units u join bench_supervisors s on s.i = u.i % 100`);
    await q(`insert into inspection_reports (id, task_id, unit_id, visited_at, attitude, efficiency, quality, environment, discipline)
             select gen_random_uuid(), t.id, t.unit_id, now() - interval '20 days',
                    2 + floor(random() * 4)::int, 2 + floor(random() * 4)::int, 1 + floor(random() * 5)::int, 2 + floor(random() * 4)::int, 2 + floor(random() * 4)::int
             from inspection_tasks t`);
    await q(`insert into inspection_findings (id, task_id, report_id, unit_id, position, description, severity, status, reviewed_at)
             select gen_random_uuid(), r.task_id, r.id, r.unit_id, 0, '发现问题',
                    (array['minor','minor','major','serious']::finding_severity[])[1 + floor(random() * 4)::int],
                    (case when random() < .8 then 'accepted' else 'dismissed' end)::finding_status, now()
             from inspection_reports r where random() < .5`);
  });
  await timed('complaints, problems, deeds', async () => {
    await q(
      `insert into complaints (id, tracking_code, source, category, subject, description, unit_id, cycle_id, status, substantiated, severity, received_at)
       select gen_random_uuid(), 'B' || g, 'hotline', 'service_attitude', '投诉', '投诉', u.id, $1,
              case when s then 'substantiated' else 'unsubstantiated' end::complaint_status, s,
              (array['minor','major','serious']::complaint_severity[])[1 + g % 4], now()
       from (select g, random() < .4 as s, floor(random() * ${units})::int as ui from generate_series(1, ${1500 * scale}) g) x join bench_units u on u.i = x.ui`,
      [cycleId],
    );
    await q(
      `insert into problems (id, unit_id, cycle_id, source_type, severity, description, deadline, status, verified_at)
       select gen_random_uuid(), u.id, $1, 'manual', 'minor', '整改', now() + (d * interval '1 day'),
              st::problem_status, case when st = 'verified' then now() + ((d + 5 - floor(random() * 10)::int) * interval '1 day') end
       from (select floor(random() * ${units})::int as ui, floor(random() * 60)::int - 30 as d,
                    (array['open','rectifying','submitted','verified','verified'])[1 + floor(random() * 5)::int] as st
             from generate_series(1, ${2500 * scale})) x join bench_units u on u.i = x.ui`,
      [cycleId],
    );
    await q(
      `insert into deeds (id, unit_id, cycle_id, title, description, done_on, recorded_by, recorded_by_role)
       select gen_random_uuid(), u.id, $1, '办实事', '为群众办实事', '2024-04-01', 'bench', 'admin'
       from (select floor(random() * ${units})::int as ui from generate_series(1, ${4000 * scale})) x join bench_units u on u.i = x.ui`,
      [cycleId],
    );
  });
  await timed('analyze', () => q('analyze'));
  return cycleId;
}

/** Writes lines to a file with backpressure. */
export async function writeLines(path: string, lines: Iterable<string>) {
  const out = createWriteStream(path);
  let buf = '';
  for (const line of lines) {
    buf += line;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

/** Reference data through the services: one prefecture, one department and `count` public-service units. */
export async function benchUnits(s: Services, count: number): Promise<{ departmentId: string; unitIds: string[] }> {
  const ctx = systemContext('bench');
  const region = await s.regions.create(ctx, { parentId: null, level: 'prefecture', code: 'B1', nameZh: '基准州' });
  const dept = await s.departments.create(ctx, { name: '基准局', sector: 'bench', level: 'prefecture', regionId: region.id });
  const unitIds: string[] = [];
  for (let i = 0; i < count; i++) {
    unitIds.push((await s.units.create(ctx, { name: `基准站所 ${i}`, departmentId: dept.id, regionId: region.id, category: 'public_service' })).id);
  }
  return { departmentId: dept.id, unitIds };
}
