import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import type { Test } from 'tap';
import { stopOn } from '../src/lib/signals.js';

// `npm start` and `npm run start:prod` as an operator runs them: a real npm, a real process tree, real signals.
// Linux only (the process tree is read from /proc), like the image the service ships in.
const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const STARTUP_MS = 120_000;
/** close-with-grace gives in-flight requests 10 s; the whole tree must be gone well within that plus npm's own exit. */
const STOP_MS = 20_000;

t.setTimeout(600_000);

interface Started {
  npm: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started = new Set<ChildProcess>();
t.teardown(() => {
  for (const child of started) {
    try {
      // Each npm leads its own process group: whatever it left behind goes with it.
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A clean environment: nothing of the test runner's (NODE_OPTIONS, TAP_*) leaks into the service. */
function serviceEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME ?? tmpdir(), HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, DEMO_DATA: 'false', LOG_LEVEL: 'info', ...extra };
}

async function start(script: string, env: NodeJS.ProcessEnv): Promise<Started> {
  // detached: npm leads a new process group, as it does in a terminal, so the group can be signalled like Ctrl-C does.
  const npm = spawn('npm', ['run', script], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(npm);
  let out = '';
  npm.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  npm.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + STARTUP_MS;
  let port = 0;
  while (!port) {
    if (Date.now() > deadline || npm.exitCode !== null) throw new Error(`npm run ${script} did not start:\n${out}`);
    port = Number(/Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? 0);
    await sleep(100);
  }
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (res?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`npm run ${script} never became ready:\n${out}`);
    await sleep(200);
  }
  return { npm, port, output: () => out, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** pid → [parent pid, state] for every process, from /proc. */
function processTable(): Map<number, [number, string]> {
  const table = new Map<number, [number, string]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), [Number(ppid), state]);
    } catch {
      // exited while we looked
    }
  }
  return table;
}

/** The process and all its descendants. */
function tree(pid: number): number[] {
  const table = processTable();
  const found = [pid];
  for (let i = 0; i < found.length; i++) {
    for (const [child, [parent]] of table) if (parent === found[i]) found.push(child);
  }
  return found;
}

const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');

/** A zombie has exited; only its parent has not collected its status yet. */
const alive = (pid: number) => {
  const entry = processTable().get(pid);
  return entry !== undefined && entry[1] !== 'Z';
};

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Sends `signal` (to npm, or to npm's whole process group), then checks the whole tree stopped and let go of the port. */
async function stops(t: Test, s: Started, signal: NodeJS.Signals, target: 'npm' | 'group') {
  const processes = tree(s.npm.pid!);
  t.ok(processes.some((pid) => /\bnode\b.*server\.(ts|js)/.test(commandLine(pid))), `the server runs under npm: ${processes.map(commandLine).join(' | ')}`);
  process.kill(target === 'group' ? -s.npm.pid! : s.npm.pid!, signal);
  const timeout = sleep(STOP_MS).then(() => 'timeout' as const);
  const result = await Promise.race([s.exited, timeout]);
  t.not(result, 'timeout', `npm exits within ${STOP_MS} ms of ${signal}`);
  for (const deadline = Date.now() + STOP_MS; processes.some(alive) && Date.now() < deadline; ) await sleep(100);
  t.same(processes.filter(alive), [], 'every process of the tree has exited');
  t.ok(await portIsFree(s.port), `port ${s.port} is free again`);
  t.match(s.output(), new RegExp(`"signal":"${signal}","msg":"shutting down: finishing in-flight requests"`), 'the server closed gracefully');
  t.same(result, { code: 0, signal: null }, 'the server finished its shutdown, so npm reports success');
  started.delete(s.npm);
}

t.test('a stop signal repeated at once is its echo; another one afterwards means stop now', async (t) => {
  // Harmless signals stand in for SIGTERM and SIGINT, emitted in-process: the test runner keeps its own handlers.
  const stops: string[] = [];
  const exits: number[] = [];
  stopOn(['SIGUSR2', 'SIGWINCH'], (signal) => stops.push(signal), (code) => exits.push(code));
  process.emit('SIGUSR2', 'SIGUSR2');
  process.emit('SIGUSR2', 'SIGUSR2');
  t.same([stops, exits], [['SIGUSR2'], []], 'the echo (Ctrl-C relayed by npm) does not cut the graceful close short');
  process.emit('SIGWINCH', 'SIGWINCH');
  t.same([stops, exits], [['SIGUSR2'], [1]], 'a different stop signal while closing exits at once');
  process.removeAllListeners('SIGUSR2');
  process.removeAllListeners('SIGWINCH');
});

t.test('npm start', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-signals-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

  t.test('stops on SIGTERM sent to npm', async (t) => {
    await stops(t, await start('start', serviceEnv(dataDir)), 'SIGTERM', 'npm');
  });

  t.test('stops on SIGINT sent to npm', async (t) => {
    await stops(t, await start('start', serviceEnv(dataDir)), 'SIGINT', 'npm');
  });

  t.test('stops gracefully on Ctrl-C (SIGINT to the whole process group, which npm relays once more)', async (t) => {
    await stops(t, await start('start', serviceEnv(dataDir)), 'SIGINT', 'group');
  });
});

/** Whether dist/ was built after the last change to the sources it compiles (.ci/run builds it just before the tests). */
function distIsCurrent(): boolean {
  const built = join(root, 'dist', 'server.js');
  if (!existsSync(built)) return false;
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  const sources = Math.max(newest(join(root, 'src')), ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(root, f)).mtimeMs));
  return statSync(built).mtimeMs >= sources;
}

t.test('npm run start:prod (compiled JavaScript, production settings, secrets from npm run keys)', async (t) => {
  // The production artifact as `npm run build` makes it; built here unless it is already current.
  if (!distIsCurrent()) await run('npm', ['run', 'build'], { cwd: root, env: serviceEnv('unused'), timeout: 240_000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-signals-prod-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  // What docker-compose.yml does: the image's keys tool writes the secrets once, the service reads them from files.
  const keys = await run('node', ['dist/cli/keys.js'], { cwd: root, env: serviceEnv(dataDir) });
  const files = Object.fromEntries(keys.stdout.trim().split('\n').map((line) => line.split('=')));
  t.same(Object.keys(files).sort(), ['AUDIT_SIGNING_KEY_FILE', 'JWT_PUBLIC_KEY_FILE', 'RESPONDENT_KEY_SECRET_FILE', 'TOKEN_SIGNING_KEY_FILE']);
  const env = serviceEnv(dataDir, files);

  t.test('dist/ is written in Latin-1 (tools/latin1-dist.js), and the Chinese it escaped reads as written', async (t) => {
    const wide = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? wide(join(dir, e.name)) : e.name.endsWith('.js') && /[\u0100-\uffff]/.test(readFileSync(join(dir, e.name), 'utf8')) ? [join(dir, e.name)] : []));
    t.same(wide(join(root, 'dist')), [], 'no compiled file holds a character above U+00FF');
    const s = await start('start:prod', env);
    const categories = (await (await fetch(`http://127.0.0.1:${s.port}/api/v1/categories`)).json()) as { items: { code: string; label: { zhCN: string } }[] };
    t.same(categories.items.map((c) => c.label.zhCN), ['行政执法', '公共服务', '经济和社会管理']);
    await stops(t, s, 'SIGTERM', 'npm');
  });

  t.test('answers with a token minted by the compiled token tool, then stops on SIGTERM', async (t) => {
    const s = await start('start:prod', env);
    const token = (await run('node', ['dist/cli/token.js', '--role', 'admin'], { cwd: root, env: { ...env, NODE_ENV: 'production' } })).stdout.trim();
    const regions = await fetch(`http://127.0.0.1:${s.port}/api/v1/regions`, { headers: { authorization: `Bearer ${token}` } });
    t.equal(regions.status, 200, 'the token verifies against JWT_PUBLIC_KEY_FILE');
    const anonymous = await fetch(`http://127.0.0.1:${s.port}/api/v1/regions`);
    t.equal(anonymous.status, 401, 'production still asks for a token');
    await stops(t, s, 'SIGTERM', 'npm');
  });

  t.test('stops on SIGINT sent to npm', async (t) => {
    await stops(t, await start('start:prod', env), 'SIGINT', 'npm');
  });
});
