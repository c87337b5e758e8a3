/**
 * manyi as production runs it, for the benches: the compiled JavaScript in dist/ (`npm run build`, rebuilt here when
 * older than the sources), started like `npm run start:prod` (NODE_ENV=production node dist/server.js) with secrets
 * written by the compiled keys tool and an admin token from the compiled token tool — never under tsx.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './platformatic.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Whether dist/ was built after the last change to the sources it compiles. */
function distIsCurrent(): boolean {
  const built = join(root, 'dist', 'server.js');
  if (!existsSync(built)) return false;
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  const sources = Math.max(newest(join(root, 'src')), ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(root, f)).mtimeMs));
  return statSync(built).mtimeMs >= sources;
}

export function ensureBuilt(): void {
  if (distIsCurrent()) return;
  console.log('  dist/ is older than src/: npm run build …');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

export interface Prod {
  proc: ChildProcess;
  port: number;
  adminToken: string;
}

/**
 * Starts node dist/server.js over `databaseUrl` (already migrated) with production settings, except `env` (the bench
 * lifts the anonymous rate limits out of the way and turns the periodic jobs off) and `nodeArgs` (`--cpu-prof`, for a
 * profile); resolves once /readyz answers 200.
 */
export async function startProd(databaseUrl: string, env: Record<string, string>, nodeArgs: string[] = [], entry = 'dist/server.js'): Promise<Prod> {
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-bench-prod-'));
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), DATA_DIR: dataDir, DEMO_DATA: 'false' };
  const keys = execFileSync(process.execPath, ['dist/cli/keys.js'], { cwd: root, env: base, encoding: 'utf8' });
  const files = Object.fromEntries(keys.trim().split('\n').map((line) => line.split('=') as [string, string]));
  const port = await freePort();
  const full = { ...base, ...files, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', ...env };
  const proc = spawn(process.execPath, [...nodeArgs, entry], { cwd: root, env: full, stdio: ['ignore', 'inherit', 'inherit'] });
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
  const adminToken = execFileSync(process.execPath, ['dist/cli/token.js', '--role', 'admin', '--ttl', '4h'], { cwd: root, env: full, encoding: 'utf8' }).trim();
  return { proc, port, adminToken };
}
