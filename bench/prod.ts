/**
 * manyi as production runs it, for the benches: the compiled JavaScript in dist/ (`npm run build`, rebuilt here when
 * older than the sources), started like `npm run start:prod` (NODE_ENV=production node dist/server.js) with secrets
 * written by the compiled keys tool and an admin token from the compiled token tool — never under tsx.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from './platformatic.js';

/** The checkout whose dist/ runs: this one, or BENCH_ROOT (another checkout, to pair its build with this one's). */
const root = process.env.BENCH_ROOT ? resolve(process.env.BENCH_ROOT) : join(dirname(fileURLToPath(import.meta.url)), '..');

/** Whether dist/ was built after the last change to the sources it compiles. */
function distIsCurrent(): boolean {
  const built = join(root, 'dist', 'server.js');
  if (!existsSync(built)) return false;
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  const sources = Math.max(newest(join(root, 'src')), ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(root, f)).mtimeMs));
  return statSync(built).mtimeMs >= sources;
}

/**
 * What `npm run start:prod` sets before `node dist/server.js` (environment variables) and passes node (flags), read
 * from package.json, so the bench runs production as it is started.
 */
export function startProdCommand(): { env: Record<string, string>; nodeArgs: string[] } {
  const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start:prod'];
  const words = script.split(/\s+/).filter((w) => w && w !== 'exec');
  const node = words.indexOf('node');
  const server = words.indexOf('dist/server.js');
  if (node < 0 || server < node) throw new Error(`package.json start:prod is not "… node [flags] dist/server.js": ${script}`);
  const env = Object.fromEntries(words.slice(0, node).map((w) => w.split('=') as [string, string]));
  return { env, nodeArgs: words.slice(node + 1, server) };
}

export function ensureBuilt(): void {
  if (distIsCurrent()) return;
  console.log('  dist/ is older than src/: npm run build …');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * The bench's production settings: the anonymous rate limits out of the way (every request comes from one IP) and the
 * periodic jobs off, except the audit sealer (every second, as in production).
 */
export const QUIET_JOBS: Record<string, string> = {
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000000',
  RATE_LIMIT_PUBLIC_RATINGS_PER_MINUTE: '1000000000',
  WEBHOOK_DISPATCH_INTERVAL_MS: '0',
  AWARD_ESCALATION_INTERVAL_MS: '0',
  PROBLEM_OVERDUE_NOTICE_INTERVAL_MS: '0',
  RATING_IMPORT_LEASE_SWEEP_INTERVAL_MS: '0',
  RATING_INTEGRITY_SCAN_INTERVAL_MS: '0',
  RATING_INTEGRITY_SCAN_DELAY_MS: '0',
  IDEMPOTENCY_KEY_SWEEP_INTERVAL_MS: '0',
  CALENDAR_REFRESH_INTERVAL_MS: '0',
  AUDIT_CHECKPOINT_INTERVAL_MS: '0',
  AUDIT_SEAL_INTERVAL_MS: '1000',
};

export interface Prod {
  proc: ChildProcess;
  port: number;
  adminToken: string;
  /** Date.now() when /readyz first answered 200 */
  readyAt: number;
}

/** The process's RSS once it has been idle IDLE_SETTLE_SECONDS since ready (waits for what is left of them). */
export async function idleRssMb(app: Prod, settleSeconds = IDLE_SETTLE_SECONDS): Promise<number> {
  const wait = app.readyAt + settleSeconds * 1000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return rssMb(app.proc.pid!);
}

/**
 * Starts node dist/server.js as `npm run start:prod` does (its variables and node flags) over `databaseUrl` (already
 * migrated) with production settings, except `env` (the bench
 * lifts the anonymous rate limits out of the way and turns the periodic jobs off) and `nodeArgs` (`--cpu-prof`, for a
 * profile) and `stdout` (a file descriptor: where its log lines go); resolves once /readyz answers 200.
 */
export async function startProd(databaseUrl: string, env: Record<string, string>, nodeArgs: string[] = [], entry = 'dist/server.js', stdout: 'inherit' | number = 'inherit'): Promise<Prod> {
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-bench-prod-'));
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), DATA_DIR: dataDir, DEMO_DATA: 'false' };
  const keys = execFileSync(process.execPath, ['dist/cli/keys.js'], { cwd: root, env: base, encoding: 'utf8' });
  const files = Object.fromEntries(keys.trim().split('\n').map((line) => line.split('=') as [string, string]));
  const port = await freePort();
  const prod = startProdCommand();
  const full = { ...base, ...files, ...prod.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', ...env };
  const proc = spawn(process.execPath, [...prod.nodeArgs, ...nodeArgs, entry], { cwd: root, env: full, stdio: ['ignore', stdout, 'inherit'] });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`node ${entry} exited with ${proc.exitCode}`);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (res?.status === 200) break;
    if (Date.now() > deadline) {
      proc.kill('SIGTERM');
      throw new Error(`node ${entry} never became ready`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const readyAt = Date.now();
  const adminToken = execFileSync(process.execPath, ['dist/cli/token.js', '--role', 'admin', '--ttl', '4h'], { cwd: root, env: full, encoding: 'utf8' }).trim();
  return { proc, port, adminToken, readyAt };
}

/** A bench helper process (`node --import tsx script`) and the JSON its first stdout line reports (e.g. its port). */
export async function child<T>(script: string, env: Record<string, string> = {}): Promise<{ proc: ChildProcess; info: T }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  const info = await new Promise<T>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    lines.once('line', (line) => resolve(JSON.parse(line) as T));
  });
  return { proc, info };
}

/**
 * How long after /readyz a process counts as idle for its RSS: V8's memory reducer collects the start-up garbage
 * (schema and route building) once allocation has been quiet for a few seconds; 5 s after ready it has not yet run
 * (RSS ~122 MB), from ~10 s on it has (~112 MB, unchanged at 40 s). Measured with `npx tsx bench/memory.ts --settle N`.
 */
export const IDLE_SETTLE_SECONDS = 15;

/**
 * The machine's CPU time so far (Linux /proc/stat, all CPUs, clock ticks): `steal` is time the hypervisor gave this
 * virtual machine's CPUs to others. `stealShare(before, after)` is the share of the interval stolen: on a shared
 * 2-core VM it reaches 10-40% for seconds at a time, and a fixed-rate run needing most of the CPU queues behind it.
 */
export function cpuTicks(): { total: number; steal: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = fields.map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user)
  return { total: n.slice(0, 8).reduce((a, b) => a + b, 0), steal: n[7] ?? 0 };
}
export const stealShare = (before: { total: number; steal: number }, after: { total: number; steal: number }) =>
  after.total > before.total ? (after.steal - before.steal) / (after.total - before.total) : 0;

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 1/100 s); 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Waits until a process is idle: under 5% of a core over two 250 ms readings in a row (at most `maxSeconds`). wrk ends
 * by closing its sockets with a request on each still being served, and a service saturated by a slow path (the
 * nested GraphQL page) works through those abandoned requests for up to ~2 s after: a run started then measures that
 * leftover, not its own path (the public page's p99 right after the GraphQL run: 80-980 ms; after 2 s idle: 4-7 ms).
 * Returns the seconds waited.
 */
export async function quiesce(pid: number, maxSeconds = 15): Promise<number> {
  const t0 = Date.now();
  let calm = 0;
  let last = cpuSecondsOf(pid);
  while (calm < 2 && Date.now() - t0 < maxSeconds * 1000) {
    await new Promise((r) => setTimeout(r, 250));
    const now = cpuSecondsOf(pid);
    calm = now - last <= 0.0125 ? calm + 1 : 0;
    last = now;
  }
  return (Date.now() - t0) / 1000;
}

/** A process's resident set size in MB (Linux /proc). */
export const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);

/** bench/fixed-rate.c, compiled into the scratch folder (`cc`, Debian's gcc or build-essential). */
export function buildFixedRate(scratch: string): string {
  const binary = join(scratch, 'fixed-rate');
  try {
    execFileSync('cc', ['-O2', '-o', binary, 'bench/fixed-rate.c'], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    throw new Error('cannot build bench/fixed-rate.c: the tail needs a C compiler (apt-get install gcc)');
  }
  return binary;
}
