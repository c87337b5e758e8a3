/**
 * The Platformatic DB yardstick for bench/run.ts: Platformatic DB 2.61 (a generated REST API over PostgreSQL tables)
 * serving copies of the same three tables manyi serves (regions, departments, units), in the bench database.
 *
 * It is a yardstick, never a dependency of manyi: installed with npm into a folder under the system temp directory at
 * bench time (kept there between runs, keyed by version; delete it to reinstall). The copies live in their own schema
 * (`plt`) so that Platformatic sees those three tables only; they keep the columns, indexes and the foreign keys between
 * them. Platformatic names the entities after schema and table: its routes are /pltUnits/, /pltUnits/{id} and so on.
 * It runs with its logger at warn, GraphQL off, REST (OpenAPI) on, no authorization rules.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const PLATFORMATIC_VERSION = '2.61.0';

/** A free loopback port (Platformatic's own port 0 is not reported on stdout at warn level). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Installs @platformatic/db into the temp folder unless it is there already; returns the folder. */
export function installPlatformatic(): string {
  const dir = join(tmpdir(), `manyi-bench-platformatic-${PLATFORMATIC_VERSION}`);
  const cli = join(dir, 'node_modules', '@platformatic', 'db', 'db.mjs');
  if (existsSync(cli) && existsSync(join(dir, 'installed'))) return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, name: 'manyi-bench-platformatic' }));
  console.log(`  installing @platformatic/db@${PLATFORMATIC_VERSION} into ${dir} (npm) …`);
  // --ignore-scripts: no native build of better-sqlite3 (minutes on a loaded machine); Platformatic loads its SQLite
  // driver only for a sqlite:// connection string.
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', '--loglevel=error', `@platformatic/db@${PLATFORMATIC_VERSION}`], {
    cwd: dir,
    stdio: 'inherit',
  });
  writeFileSync(join(dir, 'installed'), new Date().toISOString());
  return dir;
}

/** Copies regions, departments and units into schema plt of the same database. */
export async function copyTables(databaseUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(`
      drop schema if exists plt cascade;
      create schema plt;
      create table plt.regions (like public.regions including all);
      create table plt.departments (like public.departments including all);
      create table plt.units (like public.units including all);
      insert into plt.regions select * from public.regions;
      insert into plt.departments select * from public.departments;
      insert into plt.units select * from public.units;
      alter table plt.regions add foreign key (parent_id) references plt.regions (id);
      alter table plt.departments add foreign key (region_id) references plt.regions (id);
      alter table plt.units add foreign key (department_id) references plt.departments (id);
      alter table plt.units add foreign key (region_id) references plt.regions (id);
      analyze plt.regions; analyze plt.departments; analyze plt.units;`);
  } finally {
    await c.end();
  }
}

/** Starts Platformatic DB over schema plt; resolves once GET /pltUnits/ answers. */
export async function startPlatformatic(dir: string, databaseUrl: string): Promise<{ proc: ChildProcess; port: number }> {
  const port = await freePort();
  const config = join(dir, 'platformatic.db.json');
  writeFileSync(
    config,
    JSON.stringify(
      {
        server: { hostname: '127.0.0.1', port, logger: { level: 'warn' } },
        db: { connectionString: databaseUrl, schema: ['plt'], graphql: false, openapi: true, schemalock: false },
        watch: false,
      },
      null,
      2,
    ),
  );
  const proc = spawn(process.execPath, [join(dir, 'node_modules', '@platformatic', 'db', 'db.mjs'), 'start', '-c', config], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`Platformatic DB exited with ${proc.exitCode}`);
    const res = await fetch(`http://127.0.0.1:${port}/pltUnits/?limit=1`).catch(() => null);
    if (res?.ok) break;
    if (Date.now() > deadline) {
      proc.kill('SIGTERM');
      throw new Error(`Platformatic DB did not answer on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { proc, port };
}
