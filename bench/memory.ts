/**
 * The production build's memory, idle: RSS and V8 heap of `node dist/server.js` (bench/prod.ts) over a freshly
 * migrated, empty database, once idle (IDLE_SETTLE_SECONDS after ready, bench/prod.ts; --settle N), and optionally a heap snapshot to see what holds it.
 *
 *   npx tsx bench/memory.ts                    (BENCH_DATABASE_URL as in bench/run.ts)
 *   npx tsx bench/memory.ts --snapshot         (also writes a .heapsnapshot into the current folder, via SIGUSR2)
 *
 * Prints one JSON line: MEMORY {"rssMb":…,"heapUsedMb":…}: RSS from /proc, the V8 heap from the process's own
 * process.memoryUsage() (bench/memory-probe.js, preloaded with --import, answers SIGURG), both read at the same moment.
 * BENCH_ROOT=<another checkout> measures that checkout's dist/ with this bench (a paired old/new comparison).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { admin } from './campaign.js';
import { ensureBuilt, idleRssMb, IDLE_SETTLE_SECONDS, QUIET_JOBS, startProd } from './prod.js';

const { values: args } = parseArgs({ options: { snapshot: { type: 'boolean', default: false }, settle: { type: 'string', default: String(IDLE_SETTLE_SECONDS) } } });
const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const status = (pid: number, field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

ensureBuilt();
const name = `manyi_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
await admin(BASE_URL, `create database ${name}`);
const url = new URL(BASE_URL);
url.pathname = `/${name}`;
try {
  const database = await openDatabase({ url: url.toString(), dataDir: 'unused', poolMax: 1 });
  await migrate(database);
  await database.close();
  const probe = join(mkdtempSync(join(tmpdir(), 'manyi-memory-')), 'usage.json');
  const probeArgs = ['--import', new URL('./memory-probe.js', import.meta.url).href];
  const app = await startProd(url.toString(), { ...QUIET_JOBS, MEMORY_PROBE_FILE: probe }, [...probeArgs, ...(args.snapshot ? ['--heapsnapshot-signal=SIGUSR2'] : []), ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])]);
  try {
    const rssMb = await idleRssMb(app, Number(args.settle));
    const pid = app.proc.pid!;
    app.proc.kill('SIGURG');
    const result: Record<string, number | string> = { rssMb, rssAnonMb: status(pid, 'RssAnon'), rssFileMb: status(pid, 'RssFile') };
    for (let i = 0; i < 50 && !existsSync(probe); i++) await new Promise((r) => setTimeout(r, 100));
    const usage = JSON.parse(readFileSync(probe, 'utf8')) as NodeJS.MemoryUsage;
    Object.assign(result, { heapUsedMb: mb(usage.heapUsed), heapTotalMb: mb(usage.heapTotal), externalMb: mb(usage.external) });
    if (args.snapshot) {
      const before = new Set(readdirSync('.'));
      app.proc.kill('SIGUSR2');
      for (let i = 0; i < 600 && !readdirSync('.').some((f) => f.endsWith('.heapsnapshot') && !before.has(f)); i++) await new Promise((r) => setTimeout(r, 500));
      await new Promise((r) => setTimeout(r, 2000));
      result.snapshot = readdirSync('.').find((f) => f.endsWith('.heapsnapshot') && !before.has(f)) ?? 'none';
    }
    console.log(`MEMORY ${JSON.stringify(result)}`);
  } finally {
    app.proc.kill('SIGTERM');
    await new Promise((r) => app.proc.once('exit', r));
  }
} finally {
  await admin(BASE_URL, `drop database if exists ${name} with (force)`);
}
