/**
 * How long computing a ranking takes at campaign scale, on PostgreSQL.
 *
 *   npx tsx bench/ranking-compute.ts            (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; BENCH_SCALE=3)
 *
 * Creates a fresh database, migrates it, generates 2,135 units in 69 departments across the three categories, all
 * enrolled in one cycle in assessment, ~300,000 ratings (skewed: some units have very few), 2 confirmed scorecards
 * per unit, 1 reviewed inspection report per unit with findings, complaints, problems and deeds — all with
 * generate_series — then times services.rankings.compute (wall clock, 3 runs) and drops the database.
 */
import { randomBytes } from 'node:crypto';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { systemContext } from '../src/lib/principal.js';
import { createServices } from '../src/modules/services.js';
import { admin as adminOn, cpuTimed, generateCampaign, timed } from './campaign.js';

const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = 3;

const admin = (sqlText: string) => adminOn(BASE_URL, sqlText);

async function main() {
  const name = `manyi_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), dataDir: 'unused', poolMax: 5 });
  const q = (text: string, params: unknown[] = []) => database.pool!.query(text, params);
  try {
    console.log(`database ${name}`);
    await timed('migrate', () => migrate(database));

    console.log('generating');
    const cycleId = await generateCampaign(database.pool!, SCALE);

    const services = createServices(database, { config: testConfig() });
    const ctx = systemContext('bench');
    const times: number[] = [];
    let last: Awaited<ReturnType<typeof services.rankings.compute>> | undefined;
    console.log('services.rankings.compute');
    for (let i = 0; i < RUNS; i++) {
      const run = await cpuTimed(database.pool!, () => services.rankings.compute(ctx, cycleId));
      last = run.result;
      times.push(run.wallSeconds * 1000);
      console.log(`  run ${i + 1}: ${(run.wallSeconds * 1000).toFixed(0)} ms wall, CPU ${run.nodeCpuSeconds.toFixed(2)} s node + ${run.postgresCpuSeconds.toFixed(2)} s PostgreSQL`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const [{ version }] = (await q('select version()')).rows as { version: string }[];
    const [{ n }] = (await q('select count(*)::int as n from ranking_entries where ranking_id = $1', [last!.id])).rows as { n: number }[];
    console.log(`inputs counted: ${JSON.stringify(last!.inputCounts)}`);
    console.log(`entries written: ${n}`);
    console.log(`compute wall clock over ${RUNS} runs: min ${sorted[0].toFixed(0)} ms, median ${sorted[Math.floor(RUNS / 2)].toFixed(0)} ms`);
    console.log(`on ${version.split(',')[0]}, node ${process.version}`);
  } finally {
    await database.close();
    if (!process.env.BENCH_KEEP) await admin(`drop database if exists ${name} with (force)`);
  }
}

await main();
