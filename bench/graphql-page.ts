/**
 * The GraphQL ranking page against its REST equivalent (issue 9 goal 3), alone, for profiling:
 *
 *   npx tsx bench/graphql-page.ts                                  (fresh 1× database, dropped at the end)
 *   BENCH_KEEP=1 npx tsx bench/graphql-page.ts                     (keeps the database; its name is printed)
 *   npx tsx bench/graphql-page.ts --database manyi_bench_…         (reuses a kept database: no generation)
 *   npx tsx bench/graphql-page.ts --source --cpu-prof              (runs src/server.ts under tsx: no rebuild of dist/;
 *                                                                   --cpu-prof writes a profile to the scratch folder)
 *
 * BENCH_DATABASE_URL as in bench/run.ts. Starts manyi as production runs it (bench/prod.ts) and drives, in interleaved
 * rounds (A B A B …), `GET /public/rankings/:id?limit=50` and the same page as `POST /graphql publicRankingPage(limit: 50)`
 * (bench/run.ts measures the same pair), then the authenticated `GET /rankings/:id/entries?limit=50` and its GraphQL
 * `rankingEntries` with entries → unit → department, region. Each figure is the median of the per-round ratios.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { generateLocalKeyPair } from '../src/lib/keys.js';
import { systemContext } from '../src/lib/principal.js';
import { createServices } from '../src/modules/services.js';
import { admin as adminOn, generateCampaign, timed } from './campaign.js';
import { graphqlPages, median, wrk, WRK } from './graphql-probe.js';
import { ensureBuilt, startProd } from './prod.js';

const { values: args } = parseArgs({
  options: {
    database: { type: 'string' },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    source: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const run = { duration: Number(args.duration), connections: Number(args.connections) };

async function main() {
  if (!WRK) throw new Error('wrk is not installed: apt-get install wrk');
  const reuse = args.database;
  if (reuse && !/^manyi_bench_\w+$/.test(reuse)) throw new Error('--database: the name of a kept bench database (manyi_bench_…)');
  const name = reuse ?? `manyi_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  if (!reuse) await adminOn(BASE_URL, `create database ${name}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), dataDir: 'unused', poolMax: 5 });
  const scratch = mkdtempSync(join(tmpdir(), 'manyi-graphql-page-'));
  let proc: Awaited<ReturnType<typeof startProd>>['proc'] | undefined;
  try {
    await timed('migrate', () => migrate(database));
    const pool = database.pool!;
    let rankingId = ((await pool.query(`select id from rankings where status = 'published' order by publication_version desc limit 1`)).rows[0] as { id: string } | undefined)?.id;
    if (!rankingId) {
      const cycleId = await generateCampaign(pool, 1);
      const services = createServices(database, { config: testConfig(), keys: await generateLocalKeyPair() });
      const ranking = await timed('compute', () => services.rankings.compute(systemContext('bench'), cycleId));
      await services.rankings.publish(systemContext('bench'), ranking.id);
      rankingId = ranking.id;
    }
    if (!args.source) ensureBuilt();
    const app = await startProd(
      url.toString(),
      { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000000', AUDIT_CHECKPOINT_INTERVAL_MS: '0' },
      [...(args.source ? ['--import', 'tsx'] : []), ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${scratch}`] : [])],
      args.source ? 'src/server.ts' : undefined,
    );
    proc = app.proc;
    const base = `http://127.0.0.1:${app.port}/api/v1`;
    const auth = { authorization: `Bearer ${app.adminToken}` };
    const pairs = await graphqlPages({ port: app.port, base, auth, rankingId, scratch });
    console.log(`database ${name} · wrk -t2 -c${run.connections} -d${run.duration}s · ${args.rounds} interleaved rounds (the machine may be loaded: ratios within this run)`);
    for (const p of pairs) {
      const ratios: number[] = [];
      const rest: number[] = [];
      const gql: number[] = [];
      for (let r = 0; r < Number(args.rounds); r++) {
        const a = wrk(run, p.rest.url, p.rest.headers);
        const b = wrk(run, p.graphql.url, p.graphql.headers, p.graphql.script);
        if (a.non2xx || b.non2xx) throw new Error(`${p.graphql.label}: non-2xx answers (${a.non2xx} REST, ${b.non2xx} GraphQL)`);
        rest.push(a.rps);
        gql.push(b.rps);
        ratios.push(b.rps / a.rps);
      }
      console.log(`${p.graphql.label.padEnd(60)} ${median(gql).toFixed(0).padStart(7)} req/s vs ${p.rest.label} ${median(rest).toFixed(0).padStart(7)} req/s = ${median(ratios).toFixed(3)}×`);
    }
  } finally {
    if (proc) {
      proc.kill('SIGTERM');
      if (proc.exitCode === null) await new Promise((r) => proc!.once('exit', r));
    }
    if (args['cpu-prof']) console.log(`profile in ${scratch}`);
    await database.close();
    if (!reuse && !process.env.BENCH_KEEP) await adminOn(BASE_URL, `drop database if exists ${name} with (force)`);
    else console.log(`kept database ${name}`);
  }
}

await main();
