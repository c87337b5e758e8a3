/**
 * Where a ranking computation spends its time: times services.rankings.compute on a KEPT bench database and, within
 * it, every call of the read models it uses (each module's queries, the rating-integrity scan, the entry insert).
 *
 *   BENCH_KEEP=1 npx tsx bench/ranking-compute.ts                       (BENCH_SCALE=10: prints the database name)
 *   npx tsx bench/ranking-compute-profile.ts manyi_bench_… [runs]
 *
 * The functions are wrapped in this process only (the exported objects' methods), nothing is changed on disk; each
 * run adds a draft ranking to the database. Prints the total and each wrapped function over 20 ms, largest first.
 */
import { performance } from 'node:perf_hooks';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { systemContext } from '../src/lib/principal.js';
import { createServices } from '../src/modules/services.js';
import { rankingsRepository } from '../src/modules/rankings/repository.js';
import { assessmentQueries } from '../src/modules/assessments/queries.js';
import { complaintQueries } from '../src/modules/complaints/queries.js';
import { deedQueries } from '../src/modules/deeds/queries.js';
import { caseQueries } from '../src/modules/cases/queries.js';
import { problemQueries } from '../src/modules/problems/queries.js';
import { ratingQueries } from '../src/modules/ratings/queries.js';
import { supervisionQueries } from '../src/modules/supervision/queries.js';
import { integrityRepository } from '../src/modules/ratings/integrity.repository.js';
const name = process.argv[2];
if (!name || !/^manyi_bench_\w+$/.test(name)) throw new Error('usage: npx tsx bench/ranking-compute-profile.ts manyi_bench_… [runs]');
const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = new URL(BASE_URL);
url.pathname = `/${name}`;
const database = await openDatabase({ url: url.toString(), dataDir: 'unused', poolMax: 5 });
await migrate(database);
const [{ id: cycleId }] = (await database.pool!.query(`select id from cycles order by id limit 1`)).rows as { id: string }[];
const times = new Map<string, number>();
function wrap(label: string, o: Record<string, unknown>) {
  for (const [k, f] of Object.entries(o)) {
    if (typeof f !== 'function') continue;
    o[k] = async (...a: unknown[]) => { const t = performance.now(); try { return await (f as (...x: unknown[]) => unknown).apply(o, a); } finally { times.set(`${label}.${k}`, (times.get(`${label}.${k}`) ?? 0) + performance.now() - t); } };
  }
}
wrap('rankings', rankingsRepository as unknown as Record<string, unknown>);
for (const [l, o] of Object.entries({ assessmentQueries, complaintQueries, deedQueries, caseQueries, problemQueries, ratingQueries, supervisionQueries })) wrap(l, o as unknown as Record<string, unknown>);
wrap('integrity', integrityRepository as unknown as Record<string, unknown>);
const services = createServices(database, { config: testConfig() });
for (let i = 0; i < Number(process.argv[3] ?? 1); i++) {
  times.clear();
  const t0 = performance.now();
  await services.rankings.compute(systemContext('bench'), cycleId);
  console.log(`compute ${(performance.now() - t0).toFixed(0)} ms`);
  for (const [k, v] of [...times].sort((a, b) => b[1] - a[1])) if (v > 20) console.log(`  ${k} ${v.toFixed(0)} ms`);
}
await database.close();
