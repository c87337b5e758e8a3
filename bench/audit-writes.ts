/**
 * Audited write throughput: the public rating intake (POST /api/v1/public/ratings, anonymous, a distinct respondent
 * per request, every one audited) at concurrency 32, beside `pgbench` inserting the same row shape into a copy of the
 * ratings table at -c 32, for the same time, in one run.
 *
 *   npx tsx bench/audit-writes.ts      (BENCH_SECONDS=20 per side, BENCH_CONCURRENCY=32, BENCH_POOL=concurrency, PG_URL=…)
 *
 * It creates a fresh database, migrates it, starts the app on a loopback port with the sealer on and a rate limit no
 * run reaches, drives it from a separate process (wrk with a Lua script when /usr/bin/wrk exists, else a node child
 * process with fetch), stops the app, verifies the audit chain, runs pgbench, prints both rates and their ratio, and
 * drops the database.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import Fastify from 'fastify';
import { manyi, serverOptions } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { generateLocalKeyPair } from '../src/lib/keys.js';
import { createAuditService } from '../src/modules/audit/service.js';
import { admin as adminOn, benchUnits } from './campaign.js';
import { wrkScript } from './rating-load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
// One connection per concurrent request, as pgbench -c 32 has.
const POOL = Number(process.env.BENCH_POOL ?? CONCURRENCY);
const UNITS = 200;
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PGBENCH = ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench'].find((p) => existsSync(p)) ?? 'pgbench';
const WRK = existsSync('/usr/bin/wrk') ? '/usr/bin/wrk' : null;
const dbName = `manyi_bench_audit_${Date.now()}`;

const admin = (sqlText: string) => adminOn(PG_URL, sqlText);

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited with ${code}:\n${out}`))));
  });
}

/** The fallback driver: a node child process with fetch, CONCURRENCY loops for the given time. */
function fetchDriver(): string {
  return `
const [url, seconds, concurrency, prefix, units] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3]), process.argv[4], process.argv[5].split(',')];
let n = 0, ok = 0, failed = 0;
const end = Date.now() + seconds * 1000;
async function loop(id) {
  while (Date.now() < end) {
    const i = n++;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ unitId: units[i % units.length], channel: 'portal', level: 3 + (i % 3), respondentKey: prefix + '-' + id + '-' + i }) });
    await res.arrayBuffer();
    if (res.status === 201) ok++; else failed++;
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, (_, id) => loop(id)));
const s = (performance.now() - t0) / 1000;
console.log('Requests/sec: ' + (ok / s).toFixed(2));
console.log('Non-201 responses: ' + failed);
`;
}

async function drive(port: number, seconds: number, unitIds: string[], prefix: string, dir: string): Promise<{ rate: number; raw: string; command: string }> {
  const url = `http://127.0.0.1:${port}/api/v1/public/ratings`;
  if (WRK) {
    const script = join(dir, `${prefix}.lua`);
    writeFileSync(script, wrkScript(unitIds, prefix));
    const args = ['-t', '2', '-c', String(CONCURRENCY), '-d', `${seconds}s`, '-s', script, url];
    const raw = await run(WRK, args);
    const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(raw)?.[1]);
    const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(raw)?.[1] ?? 0);
    if (non2xx > 0) throw new Error(`the intake refused ${non2xx} requests:\n${raw}`);
    return { rate, raw, command: `wrk ${args.join(' ')}` };
  }
  const driver = join(dir, 'driver.mjs');
  writeFileSync(driver, fetchDriver());
  const args = [driver, url, String(seconds), String(CONCURRENCY), prefix, unitIds.join(',')];
  const raw = await run(process.execPath, args);
  if (!/Non-201 responses: 0/.test(raw)) throw new Error(`the intake refused requests:\n${raw}`);
  return { rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(raw)?.[1]), raw, command: `node driver.mjs (fetch, ${CONCURRENCY} loops)` };
}

async function main() {
  await admin(`create database ${dbName}`);
  const url = new URL(PG_URL);
  url.pathname = `/${dbName}`;
  const dir = mkdtempSync(join(tmpdir(), 'manyi-bench-audit-'));
  const database = await openDatabase({ url: url.toString(), dataDir: 'unused', poolMax: POOL });
  try {
    await migrate(database);
    const keys = await generateLocalKeyPair();
    const config = testConfig({
      // Production behaviour (compiled response serializers among it), as the service runs.
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: 100_000_000,
      RATE_LIMIT_PUBLIC_RATINGS_PER_MINUTE: 100_000_000,
      AUDIT_SEAL_INTERVAL_MS: 1000,
      DATABASE_POOL_MAX: POOL,
    });
    const app = Fastify(serverOptions(config, false));
    await app.register(manyi, { config, database, localKeys: keys });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };

    const { unitIds } = await benchUnits(app.services, UNITS);

    if (WARMUP_SECONDS > 0) await drive(port, WARMUP_SECONDS, unitIds, 'warmup', dir);
    const api = await drive(port, SECONDS, unitIds, 'measured', dir);
    await app.close();

    // Everything the run wrote is audited and, once sealed, verifies.
    const t0 = performance.now();
    const verifyDb = await openDatabase({ url: url.toString(), dataDir: 'unused' });
    const verification = await createAuditService({ db: verifyDb.db, config, keys })
      .verify()
      .finally(() => verifyDb.close());
    const verifySeconds = (performance.now() - t0) / 1000;
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    const [{ ratings, audited }] = (
      await c.query<{ ratings: number; audited: number }>(
        "select (select count(*)::int from ratings) as ratings, (select count(*)::int from audit_log where action = 'rating.submitted') as audited",
      )
    ).rows;

    // The same row shape in a copy of the ratings table (its indexes, checks and the unit foreign key), one INSERT per
    // transaction as the intake commits one rating per request.
    await c.query(`
      create table ratings_pgbench (like ratings including all);
      alter table ratings_pgbench add foreign key (unit_id) references units (id);
      create table pgbench_units (n int primary key, id uuid not null);
      insert into pgbench_units select row_number() over (order by id), id from units;`);
    await c.end();
    const script = join(dir, 'insert-rating.sql');
    writeFileSync(
      script,
      `\\set u random(1, ${UNITS})
\\set level random(3, 5)
insert into ratings_pgbench (id, unit_id, channel, level, collected_at, received_at, source, respondent_hash, limited_day, limit_slot, submitted_by)
select gen_random_uuid(), id, 'portal', :level, now(), now(), 'public', md5(random()::text) || md5(clock_timestamp()::text), current_date, 0, 'anonymous'
from pgbench_units where n = :u;
`,
    );
    const pgbenchArgs = ['-h', '127.0.0.1', '-U', 'postgres', '-n', '-c', String(CONCURRENCY), '-j', '2', '-T', String(SECONDS), '-f', script, dbName];
    const pgbenchOut = execFileSync(PGBENCH, pgbenchArgs, { encoding: 'utf8' });
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(pgbenchOut)?.[1]);

    console.log(`${api.command}`);
    console.log(`  API  POST /api/v1/public/ratings, audited, distinct respondents, concurrency ${CONCURRENCY}, ${SECONDS} s (pool ${POOL}, sealer every 1 s): ${api.rate.toFixed(1)} req/s`);
    console.log(`       ${ratings} ratings stored, ${audited} rating.submitted entries; verify after the run: valid=${verification.valid}, ${verification.checked} links checked in ${verifySeconds.toFixed(1)} s`);
    console.log(`${PGBENCH} ${pgbenchArgs.join(' ')}`);
    console.log(`  SQL  INSERT of the same row shape into a copy of ratings, -c ${CONCURRENCY}, ${SECONDS} s: ${tps.toFixed(1)} tps`);
    console.log(`ratio API / pgbench: ${(api.rate / tps).toFixed(3)}  (goal ≥ 0.25)`);
    if (!verification.valid) process.exitCode = 1;
  } finally {
    await database.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await admin(`drop database if exists ${dbName} with (force)`);
  }
}

await main();
