/**
 * The bench: every figure of the performance goals as a ratio measured in one run.
 *
 *   npm run bench                      (scale 1: 2,135 units, ~300k ratings)
 *   npm run bench -- --scale 3         (or 10; --duration 5 --rounds 3 --no-import to skip the import comparison)
 *   npm run bench -- --only tail       (only the tail: wrk on the four tail paths for their saturating rates, then the tail)
 *
 * Creates its own PostgreSQL database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * loads campaign-scale data (bench/campaign.ts), times a ranking computation and publishes it, then starts a bare
 * Fastify hello-world (bench/hello.ts), manyi as production runs it (compiled, `node dist/server.js`, bench/prod.ts;
 * dist/ is rebuilt first when older than src/) and Platformatic DB 2.61 over copies of the same three tables
 * (regions, departments, units; installed with npm into a temp folder, bench/platformatic.ts) as separate processes
 * and drives them with wrk (Debian package `wrk`) from another: for each path, rounds interleave the yardstick and
 * manyi (A B A B …) and the figure is the median of the per-round ratios. Then the tail: each of the public ranking
 * page, unit by id, the unit list and the public rating POST at half the rate wrk saturated it at, from a fixed-rate
 * generator in C (bench/fixed-rate.c, built here with the system's cc; latency from the time each request was due),
 * p50/p99/non-2xx, how late the generator itself was, and a hello-world at the same rate right after (the floor the
 * machine and the generator set in that run), with the load average and the CPU steal (/proc/stat) during each run. Also: RSS of the
 * manyi process idle and after the load, and the rating import against `psql \copy` (bench/ratings-import.ts).
 * Drops the database at the end.
 */
import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { generateLocalKeyPair } from '../src/lib/keys.js';
import { systemContext } from '../src/lib/principal.js';
import { createServices } from '../src/modules/services.js';
import { admin as adminOn, generateCampaign, scheduledScan, timed } from './campaign.js';
import { graphqlPages, median, postGraphql, wrk as wrkRun, WRK } from './graphql-probe.js';
import type { WrkResult } from './graphql-probe.js';
import { copyTables, installPlatformatic, PLATFORMATIC_VERSION, startPlatformatic } from './platformatic.js';
import { buildFixedRate, child, cpuTicks, ensureBuilt, idleRssMb, IDLE_SETTLE_SECONDS, QUIET_JOBS, quiesce, rssMb, startProd, stealShare } from './prod.js';
import { wrkScript } from './rating-load.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    'no-import': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
if (args.only !== undefined && args.only !== 'tail') throw new Error(`--only takes tail, not ${args.only}`);
const ONLY_TAIL = args.only === 'tail';
const SCALE = Number(args.scale);
const DURATION = Number(args.duration);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const admin = (sqlText: string) => adminOn(BASE_URL, sqlText);

const wrk = (url: string, headers: Record<string, string> = {}, script?: string): WrkResult => wrkRun({ duration: DURATION, connections: CONNECTIONS }, url, headers, script);

interface FixedRateResult {
  sent: number;
  completed: number;
  non2xx: number;
  errors: number;
  rate: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  lateP99: number;
  cpuMs: number;
}

/**
 * The fixed-rate generator in its own process: `rate` req/s for `seconds` over at most CONNECTIONS sockets, the
 * requests due in one millisecond sent together (-q 1000: half the generator's CPU of an exact schedule; latency still
 * from when each request was due).
 */
function fixedRate(binary: string, o: { url: string; rate: number; seconds: number; method?: string; headers?: Record<string, string>; body?: string }): FixedRateResult {
  const argv = ['-u', o.url, '-r', String(o.rate), '-s', String(o.seconds), '-c', String(CONNECTIONS), '-q', '1000'];
  if (o.method) argv.push('-m', o.method);
  for (const [name, value] of Object.entries(o.headers ?? {})) argv.push('-H', `${name}: ${value}`);
  if (o.body !== undefined) argv.push('-b', o.body);
  const out = execFileSync(binary, argv, { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as FixedRateResult;
}

async function main() {
  if (!WRK) throw new Error('wrk is not installed: apt-get install wrk');
  ensureBuilt();
  const pltDir = ONLY_TAIL ? '' : installPlatformatic();
  const scratch = mkdtempSync(join(tmpdir(), 'manyi-bench-'));
  const generator = buildFixedRate(scratch);
  const name = `manyi_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), dataDir: 'unused', poolMax: 5 });
  const children: ChildProcess[] = [];
  const report: string[] = [];
  try {
    console.log(`scale ${SCALE}× · database ${name} · wrk -t2 -c${CONNECTIONS} -d${DURATION}s · ${ROUNDS} interleaved rounds`);
    await timed('migrate', () => migrate(database));
    const cycleId = await generateCampaign(database.pool!, SCALE);

    const services = createServices(database, { config: testConfig(), keys: await generateLocalKeyPair() });
    const ctx = systemContext('bench');
    // The bench writes its ratings with SQL, so nothing has scanned them yet; in production the scheduled integrity scan
    // has (it runs as ratings arrive, incrementally after the cycle's first, full one). Timed apart: a computation then
    // runs the incremental scan in its own transaction, as production's does.
    const scanSeconds = await scheduledScan(services, ctx, cycleId);
    const t0 = performance.now();
    const ranking = await services.rankings.compute(ctx, cycleId);
    const computeSeconds = (performance.now() - t0) / 1000;
    await services.rankings.publish(ctx, ranking.id);
    const pool = database.pool!;
    const [unit] = (await pool.query(`select id, category from units order by id limit 1 offset 7`)).rows as { id: string; category: string }[];
    report.push(`ranking compute (${ranking.inputCounts.units} units, ${ranking.inputCounts.ratings} ratings): ${computeSeconds.toFixed(2)} s, after the cycle's first (full) integrity scan ${scanSeconds.toFixed(2)} s`);

    const hello = await child<{ port: number }>('bench/hello.ts');
    children.push(hello.proc);
    const app = await startProd(url.toString(), QUIET_JOBS);
    children.push(app.proc);
    let pltPort = 0;
    if (!ONLY_TAIL) {
      await copyTables(url.toString());
      const plt = await startPlatformatic(pltDir, url.toString());
      children.push(plt.proc);
      pltPort = plt.port;
    }
    const rssIdle = await idleRssMb(app);
    const base = `http://127.0.0.1:${app.port}/api/v1`;
    const auth = { authorization: `Bearer ${app.adminToken}` };
    const pltBase = `http://127.0.0.1:${pltPort}`;
    const helloUrl = `http://127.0.0.1:${hello.info.port}/`;
    const unitIds = ((await pool.query(`select id from units order by id limit 200`)).rows as { id: string }[]).map((r) => r.id);
    const ratingScript = (prefix: string) => {
      const file = join(scratch, `${prefix}.lua`);
      writeFileSync(file, wrkScript(unitIds, prefix));
      return file;
    };

    interface Path {
      label: string;
      url: string;
      headers?: Record<string, string>;
      /** wrk -s: the public rating POST */
      script?: (round: number) => string;
      /** The yardstick: hello-world unless given. */
      against?: { label: string; url: string; headers?: Record<string, string> };
      tail?: { method?: string; headers?: Record<string, string>; body?: string };
    }
    const pltList = { label: `Platformatic DB ${PLATFORMATIC_VERSION}`, url: `${pltBase}/pltUnits/?where.category.eq=${unit.category}&limit=50&orderby.id=asc` };
    const pltById = { label: `Platformatic DB ${PLATFORMATIC_VERSION}`, url: `${pltBase}/pltUnits/${unit.id}` };
    // The GraphQL ranking pages against their REST equivalents (issue 9 goal 3: ≥ 0.6×); checked to return the same entries.
    const graphqlPairs = (ONLY_TAIL ? [] : await graphqlPages({ port: app.port, base, auth, rankingId: ranking.id, scratch })).map(
      (pair): Path => ({ label: `${pair.graphql.label.replace('POST /graphql ', 'GraphQL ')}`, url: pair.graphql.url, headers: pair.graphql.headers, script: () => pair.graphql.script, against: pair.rest }),
    );
    const allPaths: Path[] = [
      { label: 'GET /public/rankings/:id (50-entry page)', url: `${base}/public/rankings/${ranking.id}?limit=50`, tail: {} },
      { label: 'GET /public/rankings/:id (50, gzip)', url: `${base}/public/rankings/${ranking.id}?limit=50&category=public_service`, headers: { 'accept-encoding': 'gzip' } },
      { label: 'GET /rankings/:id/entries?limit=50', url: `${base}/rankings/${ranking.id}/entries?limit=50`, headers: auth },
      { label: 'GET /units/:id (token)', url: `${base}/units/${unit.id}`, headers: auth, tail: { headers: auth } },
      { label: 'GET /units/:id (token) vs Platformatic', url: `${base}/units/${unit.id}`, headers: auth, against: pltById },
      { label: 'GET /units?category=…&limit=50 (token)', url: `${base}/units?category=${unit.category}&limit=50`, headers: auth, tail: { headers: auth } },
      { label: 'GET /units?category=…&limit=50 vs Platformatic', url: `${base}/units?category=${unit.category}&limit=50`, headers: auth, against: pltList },
      {
        label: 'POST /public/ratings (audited, distinct)',
        url: `${base}/public/ratings`,
        script: (round) => ratingScript(`wrk${round}`),
        tail: {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: `{"unitId":"${unitIds[0]}","channel":"portal","level":4,"respondentKey":"tail-{n}"}`,
        },
      },
      ...graphqlPairs,
    ];
    const paths = ONLY_TAIL ? allPaths.filter((p) => p.tail) : allPaths;
    // Warm up: fills the snapshot cache and the JIT, and checks each path (and its yardstick) answers.
    for (const p of paths) {
      if (p.script) continue;
      for (const u of [p.url, p.against?.url]) {
        if (!u) continue;
        const res = await fetch(u, { headers: u === p.url ? p.headers : p.against?.headers });
        if (!res.ok) throw new Error(`${p.label}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
    }
    const warm = await fetch(`${base}/public/ratings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ unitId: unitIds[0], channel: 'portal', level: 4, respondentKey: 'warm-up' }) });
    if (warm.status !== 201) throw new Error(`POST /public/ratings: ${warm.status} ${await warm.text()}`);

    console.log('\npath                                              manyi req/s  yardstick req/s   ratio    p50 ms   p99 ms  non-2xx');
    const saturated = new Map<Path, number>();
    for (const p of paths) {
      const ratios: number[] = [];
      const mine: WrkResult[] = [];
      const theirs: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const a = wrk(p.against?.url ?? helloUrl, p.against?.headers);
        const b = wrk(p.url, p.headers, p.script?.(r));
        theirs.push(a.rps);
        mine.push(b);
        ratios.push(b.rps / a.rps);
      }
      const m = mine.find((x) => x.rps === median(mine.map((y) => y.rps)))!;
      saturated.set(p, m.rps);
      const line = `${p.label.padEnd(50)} ${m.rps.toFixed(0).padStart(11)} ${median(theirs).toFixed(0).padStart(16)} ${median(ratios).toFixed(3).padStart(7)}× ${m.p50.toFixed(2).padStart(8)} ${m.p99.toFixed(2).padStart(8)} ${String(mine.reduce((n, x) => n + x.non2xx, 0)).padStart(8)}  (vs ${p.against?.label ?? 'hello-world'})`;
      console.log(line);
      report.push(line);
    }

    console.log(`\ntail at half the saturating rate (bench/fixed-rate.c, ≤ ${CONNECTIONS} connections, ${DURATION * 2} s each, each from an idle server)`);
    for (const p of paths) {
      if (!p.tail) continue;
      const rate = Math.max(1, Math.round(saturated.get(p)! / 2));
      // each run starts with its server idle: not behind the requests the run before abandoned (bench/prod.ts quiesce)
      await quiesce(app.proc.pid!);
      const load = loadavg()[0].toFixed(2);
      const ticks0 = cpuTicks();
      const t = fixedRate(generator, { url: p.url, rate, seconds: DURATION * 2, ...p.tail });
      const ticks1 = cpuTicks();
      // The floor: a hello-world at the same rate from the same generator, on the same (shared) machine.
      await quiesce(hello.proc.pid!);
      const floor = fixedRate(generator, { url: helloUrl, rate, seconds: DURATION * 2 });
      const steal = `CPU steal ${(stealShare(ticks0, ticks1) * 100).toFixed(0)}%, then ${(stealShare(ticks1, cpuTicks()) * 100).toFixed(0)}%`;
      const line =
        `tail ${p.label.padEnd(45)} ${rate.toString().padStart(6)} req/s offered, ${t.rate.toFixed(0).padStart(6)} done: p50 ${t.p50.toFixed(2)} ms, p90 ${t.p90.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms = ${(t.p99 / t.p50).toFixed(1)}× p50 (goal ≤ 5×), max ${t.max.toFixed(1)} ms, non-2xx ${t.non2xx}, errors ${t.errors}, generator late p99 ${t.lateP99.toFixed(2)} ms, CPU ${t.cpuMs} ms; ` +
        `hello-world at that rate: p50 ${floor.p50.toFixed(2)} ms, p99 ${floor.p99.toFixed(2)} ms = ${(floor.p99 / floor.p50).toFixed(1)}× p50, generator late p99 ${floor.lateP99.toFixed(2)} ms; load average ${load}; ${steal}`;
      console.log(line);
      report.push(line);
    }
    if (!ONLY_TAIL) await graphqlAttack();
    const rssAfter = rssMb(app.proc.pid!);
    report.push(`manyi RSS (node dist/server.js): ${rssIdle} MB idle (${IDLE_SETTLE_SECONDS} s after ready), ${rssAfter} MB after the load`);

    if (!ONLY_TAIL && !args['no-import'] && SCALE === 1) {
      console.log('\nrating import (bench/ratings-import.ts) …');
      const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/ratings-import.ts'], { encoding: 'utf8', env: { ...process.env, PG_URL: BASE_URL } });
      const result = JSON.parse(/RESULT (.*)/.exec(out)![1]) as { rows: number; apiRowsPerSecond: number; copyRowsPerSecond: number };
      report.push(
        `rating import ${result.rows} rows: API ${result.apiRowsPerSecond.toFixed(0)} rows/s, psql \\copy ${result.copyRowsPerSecond.toFixed(0)} rows/s = ${(result.apiRowsPerSecond / result.copyRowsPerSecond).toFixed(2)}×`,
      );
    }
    console.log(`\n== summary (scale ${SCALE}×, node ${process.version}) ==`);
    for (const line of report) console.log(line);

    /** /healthz while the worst anonymous GraphQL requests arrive at the anonymous rate limit (60 per minute). */
    async function graphqlAttack() {
      const gql = async (query: string): Promise<{ ms: number; refused: string | null }> => {
        const t1 = performance.now();
        const r = await postGraphql(app.port, query);
        const ms = performance.now() - t1;
        // The service may answer and close before a huge body is sent: refused all the same.
        if ('closed' in r) return { ms, refused: `connection closed (${r.closed})` };
        return { ms, refused: (r.body as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code ?? null };
      };
      const aliases = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
      const rankingField = `publicRankingPage(id: "${ranking.id}", limit: 200) { ranking { id } entries { unitId unitName departmentName regionName score rank flags } }`;
      let heaviest = { n: 0, ms: 0, stoppedBy: '' };
      for (let n = 1; n <= 30; n++) {
        const r = await gql(aliases(n, rankingField));
        if (r.refused) {
          heaviest.stoppedBy = `${n} refused: ${r.refused}`;
          break;
        }
        heaviest = { n, ms: r.ms, stoppedBy: '' };
      }
      const refusedQuery = aliases(2000, `awardRoll(cycleId: "${cycleId}") { cycleId }`);
      const refused = await gql(refusedQuery);
      const worstAccepted = aliases(heaviest.n, rankingField);
      const health: number[] = [];
      const gqlTimes: number[] = [];
      const until = performance.now() + Math.max(10, DURATION * 2) * 1000;
      const attacker = (async () => {
        for (let i = 0; performance.now() < until; i++) {
          const started = performance.now();
          gqlTimes.push((await gql(i % 2 === 0 ? worstAccepted : refusedQuery)).ms);
          await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - started))));
        }
      })();
      while (performance.now() < until) {
        const t1 = performance.now();
        await (await fetch(`http://127.0.0.1:${app.port}/healthz`)).arrayBuffer();
        health.push(performance.now() - t1);
        await new Promise((r) => setTimeout(r, 20));
      }
      await attacker;
      const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
      report.push(
        `GraphQL, anonymous: heaviest accepted ${heaviest.n} × publicRankingPage(limit: 200) ${heaviest.ms.toFixed(0)} ms (${heaviest.stoppedBy}); 2,000 × awardRoll refused (${refused.refused}) in ${refused.ms.toFixed(0)} ms; ` +
          `worst request during the attack ${Math.max(...gqlTimes).toFixed(0)} ms`,
        `/healthz every 20 ms while those arrive at 60/min: p50 ${pct(health, 50).toFixed(1)} ms, p99 ${pct(health, 99).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms (${health.length} samples)`,
      );
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    rmSync(scratch, { recursive: true, force: true });
    await database.close();
    if (!process.env.BENCH_KEEP) await admin(`drop database if exists ${name} with (force)`);
  }
}

await main();
