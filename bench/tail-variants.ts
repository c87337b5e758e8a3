/**
 * manyi's tail under start variants (node flags, environment) over one kept bench database, paired in the same
 * minutes: each round runs every variant, then a hello-world, at the same fixed rate (bench/fixed-rate.c), and reads
 * the manyi process's CPU (utime+stime from /proc), its garbage collections and its event-loop delay over each run
 * (bench/gc-stats.mjs, preloaded).
 *
 *   BENCH_KEEP=1 npm run bench -- --only tail                (keeps its database: manyi_bench_…)
 *   npx tsx bench/tail-variants.ts --database manyi_bench_… --path units-list --rate 3000 --rounds 3 \
 *     --variant 'semi2:--max-semi-space-size=2' --variant 'semi8:--max-semi-space-size=8' [--variant 'log:|LOG_LEVEL=info']
 *
 * A variant is `name:node flags|VAR=value,VAR=value`; its flags come after start:prod's (the last of a V8 flag wins:
 * `--parallel-scavenge` undoes start:prod's `--no-parallel-scavenge`, `--max-semi-space-size=8` its 2).
 * --path: public-page, unit, units-list or rating. Every variant runs at once (one process each, started first), so
 * their idle RSS is read side by side too. Prints one line per variant and round, and the medians.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { median } from './graphql-probe.js';
import { buildFixedRate, child, ensureBuilt, QUIET_JOBS, rssMb, startProd } from './prod.js';
import type { Prod } from './prod.js';

const { values: args } = parseArgs({
  options: {
    database: { type: 'string' },
    path: { type: 'string', default: 'units-list' },
    rate: { type: 'string' },
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    variant: { type: 'string', multiple: true, default: [] },
  },
});
if (!args.database || !args.rate || args.variant.length === 0) throw new Error('--database, --rate and at least one --variant are required');
const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = new URL(BASE_URL);
url.pathname = `/${args.database}`;

interface Gc {
  minor: number;
  minorMs: number;
  minorMax: number;
  major: number;
  majorMs: number;
  majorMax: number;
  loopMaxMs: number;
  loopP99Ms: number;
}

interface Running {
  name: string;
  app: Prod;
  statsFile: string;
  rssIdle: number;
}
const gcOf = (r: Running): Gc => JSON.parse(readFileSync(r.statsFile, 'utf8')) as Gc;

const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
};

ensureBuilt();
const scratch = mkdtempSync(join(tmpdir(), 'manyi-tail-'));
const generator = buildFixedRate(scratch);
const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
const [ranking] = (await pool.query(`select id from rankings where status = 'published' limit 1`)).rows as { id: string }[];
const [unit] = (await pool.query(`select id, category from units order by id limit 1 offset 7`)).rows as { id: string; category: string }[];
await pool.end();

const running: Running[] = [];
const hello = await child<{ port: number }>('bench/hello.ts');
try {
  for (const spec of args.variant) {
    const [name, rest = ''] = spec.split(/:(.*)/s);
    const [flags = '', envText = ''] = rest.split('|');
    const env = Object.fromEntries(envText.split(',').filter(Boolean).map((kv) => kv.split(/=(.*)/s).slice(0, 2) as [string, string]));
    const statsFile = join(scratch, `${name}.json`);
    const app = await startProd(url.toString(), { ...QUIET_JOBS, GC_STATS_FILE: statsFile, ...env }, ['--import', './bench/gc-stats.mjs', ...flags.split(' ').filter(Boolean)], 'dist/server.js', openSync(join(scratch, `${name}.log`), 'w'));
    // Its log (the access log with LOG_LEVEL=info) goes to a file in the scratch folder, as to a log collector's.
    running.push({ name, app, statsFile, rssIdle: 0 });
  }
  await new Promise((r) => setTimeout(r, 5000));
  for (const r of running) r.rssIdle = rssMb(r.app.proc.pid!);

  const target = (r: Running): { path: string; method?: string; headers?: Record<string, string>; body?: string } => {
    const auth = { authorization: `Bearer ${r.app.adminToken}` };
    switch (args.path) {
      case 'public-page':
        return { path: `/api/v1/public/rankings/${ranking.id}?limit=50` };
      case 'unit':
        return { path: `/api/v1/units/${unit.id}`, headers: auth };
      case 'units-list':
        return { path: `/api/v1/units?category=${unit.category}&limit=50`, headers: auth };
      case 'rating':
        return {
          path: '/api/v1/public/ratings',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: `{"unitId":"${unit.id}","channel":"portal","level":4,"respondentKey":"tv-${r.name}-${Date.now()}-{n}"}`,
        };
      default:
        throw new Error(`--path: public-page, unit, units-list or rating, not ${args.path}`);
    }
  };
  const fire = (port: number, t: { path: string; method?: string; headers?: Record<string, string>; body?: string }) => {
    const argv = ['-u', `http://127.0.0.1:${port}${t.path}`, '-r', args.rate!, '-s', args.seconds, '-c', args.connections, '-q', '1000'];
    if (t.method) argv.push('-m', t.method);
    for (const [k, v] of Object.entries(t.headers ?? {})) argv.push('-H', `${k}: ${v}`);
    if (t.body) argv.push('-b', t.body);
    return JSON.parse(execFileSync(generator, argv, { encoding: 'utf8' }).trim()) as { completed: number; non2xx: number; errors: number; p50: number; p99: number; max: number; lateP99: number };
  };
  // Warm up each variant (JIT, caches) at the same rate for a second run's worth.
  for (const r of running) fire(r.app.port, target(r));

  const rows = new Map<string, { ratio: number[]; p99: number[]; cpu: number[]; majors: number[] }>();
  console.log(`path ${args.path} at ${args.rate} req/s for ${args.seconds} s, ${args.rounds} rounds; idle RSS: ${running.map((r) => `${r.name} ${r.rssIdle} MB`).join(', ')}`);
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const r of running) {
      const load = loadavg()[0].toFixed(2);
      r.app.proc.kill('SIGWINCH');
      await new Promise((res) => setTimeout(res, 300));
      const gc0 = gcOf(r);
      const cpu0 = cpuMs(r.app.proc.pid!);
      const t = fire(r.app.port, target(r));
      const cpu = cpuMs(r.app.proc.pid!) - cpu0;
      await new Promise((res) => setTimeout(res, 300));
      const gc1 = gcOf(r);
      const d = { minor: gc1.minor - gc0.minor, minorMs: gc1.minorMs - gc0.minorMs, major: gc1.major - gc0.major, majorMs: gc1.majorMs - gc0.majorMs };
      const h = fire(hello.info.port, { path: '/' });
      console.log(
        `round ${round} ${r.name.padEnd(10)} p50 ${t.p50.toFixed(2)} p99 ${t.p99.toFixed(2)} = ${(t.p99 / t.p50).toFixed(1)}× max ${t.max.toFixed(1)} non-2xx ${t.non2xx} err ${t.errors} | ` +
          `CPU ${((cpu * 1000) / t.completed).toFixed(0)} µs/req | minor GC ${d.minor} (${d.minorMs.toFixed(0)} ms) major ${d.major} (${d.majorMs.toFixed(0)} ms) | loop delay p99 ${gc1.loopP99Ms.toFixed(1)} max ${gc1.loopMaxMs.toFixed(1)} ms | ` +
          `hello p50 ${h.p50.toFixed(2)} p99 ${h.p99.toFixed(2)} = ${(h.p99 / h.p50).toFixed(1)}× | load ${load} | RSS ${rssMb(r.app.proc.pid!)} MB`,
      );
      const row = rows.get(r.name) ?? { ratio: [], p99: [], cpu: [], majors: [] };
      row.ratio.push(t.p99 / t.p50);
      row.p99.push(t.p99);
      row.cpu.push((cpu * 1000) / t.completed);
      row.majors.push(d.major);
      rows.set(r.name, row);
    }
  }
  for (const r of running) {
    const row = rows.get(r.name)!;
    console.log(
      `median ${r.name.padEnd(10)} p99/p50 ${median(row.ratio).toFixed(1)}×, p99 ${median(row.p99).toFixed(2)} ms, CPU ${median(row.cpu).toFixed(0)} µs/req, major GCs per run ${median(row.majors)}; ` +
        `since start: ${gcOf(r).minor} minor GCs (max ${gcOf(r).minorMax.toFixed(1)} ms), ${gcOf(r).major} major (max ${gcOf(r).majorMax.toFixed(1)} ms); RSS idle ${r.rssIdle} MB, now ${rssMb(r.app.proc.pid!)} MB`,
    );
  }
} finally {
  for (const r of running) r.app.proc.kill('SIGTERM');
  hello.proc.kill('SIGTERM');
  await Promise.all([...running.map((r) => r.app.proc), hello.proc].map((p) => (p.exitCode === null ? new Promise((res) => p.once('exit', res)) : null)));
  rmSync(scratch, { recursive: true, force: true });
}
