/**
 * The rankings scale curve: compute time, the public 50-entry page, the authenticated entries page and RSS at one
 * campaign scale, so runs at 1×, 3× and 10× give the curve (issue 9).
 *
 *   npx tsx bench/curve.ts --scale 3                  (fresh database, dropped at the end)
 *   BENCH_KEEP=1 npx tsx bench/curve.ts --scale 10    (keeps the database; its name is printed)
 *   npx tsx bench/curve.ts --scale 10 --database manyi_bench_…   (reuses a kept database of that scale: no generation)
 *
 * BENCH_DATABASE_URL as in bench/run.ts. Times services.rankings.compute (--runs: wall clock, and the CPU seconds of
 * this process and of the PostgreSQL backends, which a loaded machine inflates far less), publishes the last draft,
 * then starts bench/hello.ts and manyi as production runs it (node dist/server.js, bench/prod.ts; RSS idle is read
 * once it has been ready for --settle seconds) and drives each path with wrk (-t2, --connections,
 * --duration) in rounds interleaved with hello-world (A B A B …); the ratio is the median of the per-round ratios.
 * Prints a summary line per figure and one JSON line (CURVE {...}) to collect the curve from several runs.
 */
import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { encodeCursor } from '../src/lib/http.js';
import { generateLocalKeyPair } from '../src/lib/keys.js';
import { systemContext } from '../src/lib/principal.js';
import { createServices } from '../src/modules/services.js';
import { admin as adminOn, cpuTimed, generateCampaign, scheduledScan, timed } from './campaign.js';
import { child, ensureBuilt, idleRssMb, IDLE_SETTLE_SECONDS, QUIET_JOBS, rssMb, startProd } from './prod.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    database: { type: 'string' },
    runs: { type: 'string', default: '2' },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    settle: { type: 'string', default: String(IDLE_SETTLE_SECONDS) },
  },
});
const SCALE = Number(args.scale);
const RUNS = Number(args.runs);
const DURATION = Number(args.duration);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const toMs = (v: string, unit: string) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit];

function wrk(url: string, headers: Record<string, string> = {}, script?: string) {
  const h = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const out = execFileSync(WRK!, ['-t2', `-c${CONNECTIONS}`, `-d${DURATION}s`, '--latency', ...h, ...(script ? ['-s', script] : []), url], { encoding: 'utf8' });
  const p50 = /\s50%\s+([\d.]+)(us|ms|s)/.exec(out);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), p50: p50 ? toMs(p50[1], p50[2]) : NaN, non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) };
}

async function main() {
  if (!WRK) throw new Error('wrk is not installed: apt-get install wrk');
  ensureBuilt();
  const reuse = args.database;
  const name = reuse ?? `manyi_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  if (reuse && !/^manyi_bench_\w+$/.test(reuse)) throw new Error('--database: the name of a kept bench database (manyi_bench_…)');
  if (!reuse) await adminOn(BASE_URL, `create database ${name}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), dataDir: 'unused', poolMax: 5 });
  const children: ChildProcess[] = [];
  const curve: Record<string, unknown> = { scale: SCALE };
  try {
    console.log(`scale ${SCALE}× · database ${name}${reuse ? ' (reused)' : ''} · wrk -t2 -c${CONNECTIONS} -d${DURATION}s · ${ROUNDS} rounds`);
    await timed('migrate', () => migrate(database));
    const pool = database.pool!;
    const cycleId = reuse ? ((await pool.query(`select id from cycles order by id limit 1`)).rows[0] as { id: string }).id : await generateCampaign(pool, SCALE);
    const services = createServices(database, { config: testConfig(), keys: await generateLocalKeyPair() });
    const ctx = systemContext('bench');
    const times: number[] = [];
    const cpu: number[] = [];
    let ranking: Awaited<ReturnType<typeof services.rankings.compute>> | undefined;
    // as in bench/run.ts: the scheduled integrity scan has seen the ratings before a computation (timed apart)
    curve.scanSeconds = await scheduledScan(services, ctx, cycleId);
    for (let i = 0; i < RUNS; i++) {
      const run = await cpuTimed(pool, () => services.rankings.compute(ctx, cycleId));
      ranking = run.result;
      times.push(run.wallSeconds);
      cpu.push(run.nodeCpuSeconds + run.postgresCpuSeconds);
      console.log(`  compute run ${i + 1}: ${run.wallSeconds.toFixed(2)} s wall, CPU ${run.nodeCpuSeconds.toFixed(2)} s node + ${run.postgresCpuSeconds.toFixed(2)} s PostgreSQL`);
    }
    // a reused database may hold a published ranking already: the new one is then a correction, which needs its reason
    await services.rankings.publish(ctx, ranking!.id, { reason: 'bench/curve.ts run' });
    curve.units = ranking!.inputCounts.units;
    curve.ratings = ranking!.inputCounts.ratings;
    curve.computeSeconds = { min: Math.min(...times), median: median(times), cpuMedian: median(cpu) };

    const hello = await child<{ port: number }>('bench/hello.ts');
    children.push(hello.proc);
    const app = await startProd(url.toString(), QUIET_JOBS);
    children.push(app.proc);
    curve.rssIdleMb = await idleRssMb(app, Number(args.settle));
    const base = `http://127.0.0.1:${app.port}/api/v1`;
    const auth = { authorization: `Bearer ${app.adminToken}` };
    const deep = Math.floor((ranking!.inputCounts.units / 3) * 0.9);
    const paths = [
      { key: 'publicPage', label: 'GET /public/rankings/:id?limit=50', url: `${base}/public/rankings/${ranking!.id}?limit=50` },
      { key: 'publicPageGzip', label: 'GET /public/rankings/:id?limit=50 (gzip)', url: `${base}/public/rankings/${ranking!.id}?limit=50`, headers: { 'accept-encoding': 'gzip' } },
      { key: 'entriesPage', label: 'GET /rankings/:id/entries?limit=50', url: `${base}/rankings/${ranking!.id}/entries?limit=50`, headers: auth },
      // a page deep in the first category: the cursor is that category's position `deep`
      {
        key: 'entriesDeepPage',
        label: `GET /rankings/:id/entries?limit=50&cursor=(position ${deep})`,
        url: `${base}/rankings/${ranking!.id}/entries?limit=50&cursor=${encodeCursor(`law_enforcement:${deep}`)}`,
        headers: auth,
      },
    ];
    // GraphQL: the same 50-entry page as the first path, as POST /graphql (wrk reads the body from a Lua script)
    const gqlBody = JSON.stringify({
      query: `{ publicRankingPage(id: "${ranking!.id}", limit: 50) { total nextCursor ranking { id publicationVersion } entries { unitId unitName departmentName regionName category rank rankInFilter position score assessment inspection publicSatisfaction deductions bonus flags samples { ratings scorecards inspectionReports } } } }`,
    });
    const lua = join(mkdtempSync(join(tmpdir(), 'manyi-curve-')), 'graphql.lua');
    writeFileSync(lua, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(gqlBody)}\nwrk.headers["content-type"] = "application/json"\n`);
    const gqlPath = { key: 'graphqlPage', label: 'POST /graphql publicRankingPage(limit: 50)', url: `http://127.0.0.1:${app.port}/graphql`, script: lua };
    const check = await fetch(gqlPath.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: gqlBody });
    const checked = (await check.json()) as { errors?: unknown };
    if (!check.ok || checked.errors) throw new Error(`${gqlPath.label}: ${check.status} ${JSON.stringify(checked.errors)}`);
    for (const p of paths) {
      // the first read of a large snapshot may keep the event loop long enough for load shedding to answer 503
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(p.url, { headers: p.headers });
        if (res.status === 503 && attempt < 10) {
          await res.arrayBuffer();
          await new Promise((r) => setTimeout(r, 2000));
          continue;
        }
        if (!res.ok) throw new Error(`${p.label}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        break;
      }
    }
    const helloUrl = `http://127.0.0.1:${hello.info.port}/`;
    for (const p of [...paths, gqlPath] as { key: string; label: string; url: string; headers?: Record<string, string>; script?: string }[]) {
      const ratios: number[] = [];
      const mine: ReturnType<typeof wrk>[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const a = wrk(helloUrl);
        const b = wrk(p.url, p.headers, p.script);
        mine.push(b);
        ratios.push(b.rps / a.rps);
      }
      const m = mine.find((x) => x.rps === median(mine.map((y) => y.rps)))!;
      curve[p.key] = { rps: Math.round(m.rps), ratio: Number(median(ratios).toFixed(3)), p50Ms: m.p50, non2xx: mine.reduce((n, x) => n + x.non2xx, 0) };
      console.log(`  ${p.label.padEnd(58)} ${m.rps.toFixed(0).padStart(8)} req/s  ${median(ratios).toFixed(3)}× hello  p50 ${m.p50.toFixed(2)} ms`);
    }
    const restPage = curve.publicPage as { rps: number };
    curve.graphqlToRest = Number(((curve.graphqlPage as { rps: number }).rps / restPage.rps).toFixed(3));
    console.log(`  GraphQL page / REST page: ${String(curve.graphqlToRest)}×`);
    curve.rssAfterMb = rssMb(app.proc.pid!);
    console.log(`  compute ${times.map((s) => s.toFixed(2)).join(', ')} s (after the scheduled integrity scan, ${Number(curve.scanSeconds).toFixed(2)} s) · RSS ${String(curve.rssIdleMb)} MB idle, ${String(curve.rssAfterMb)} MB after the load`);
    console.log(`CURVE ${JSON.stringify(curve)}`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await database.close();
    if (!reuse && !process.env.BENCH_KEEP) await adminOn(BASE_URL, `drop database if exists ${name} with (force)`);
    else console.log(`kept database ${name}`);
  }
}

await main();
