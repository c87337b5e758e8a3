/**
 * Problems end to end (问题 → 整改 → 销号) through the bulk paths, on PostgreSQL over a real port: open N problems with
 * POST /api/v1/problems/bulk (1,000 a call), then move them with POST /api/v1/problems/bulk-transition
 * (start → submit on the departments' behalf → verify, 1,000 a call). Every problem is audited and in its history as
 * if moved alone. Reports problems/s for each step and end to end (open + three moves).
 *
 *   npx tsx bench/problems-bulk.ts          (BENCH_PROBLEMS=… to change the size, default 5,000; PG_URL=… another server)
 *
 * Creates a fresh database, migrates it, and drops it at the end.
 */
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { manyi, serverOptions } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { generateLocalKeyPair, mintToken } from '../src/lib/keys.js';
import { admin as adminOn, benchUnits } from './campaign.js';

const N = Number(process.env.BENCH_PROBLEMS ?? 5_000);
const UNITS = 200;
const CHUNK = 1_000;
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `manyi_bench_problems_${Date.now()}`;
const admin = (sqlText: string) => adminOn(PG_URL, sqlText);

async function main() {
  await admin(`create database ${dbName}`);
  const url = new URL(PG_URL);
  url.pathname = `/${dbName}`;
  const database = await openDatabase({ url: url.toString(), dataDir: 'unused', poolMax: 10 });
  try {
    await migrate(database);
    const keys = await generateLocalKeyPair();
    const config = testConfig({ LOG_LEVEL: 'warn' });
    const app = Fastify(serverOptions(config, false));
    await app.register(manyi, { config, database, localKeys: keys });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1`;
    const { unitIds } = await benchUnits(app.services, UNITS);
    const token = await mintToken(keys, { role: 'admin', subject: 'bench' }, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<unknown>;
    };

    const ids: string[] = [];
    const steps: [string, number][] = [];
    const timed = async (name: string, fn: () => Promise<void>) => {
      const t0 = performance.now();
      await fn();
      steps.push([name, (performance.now() - t0) / 1000]);
    };
    await timed('open (POST /problems/bulk)', async () => {
      for (let i = 0; i < N; i += CHUNK) {
        const problems = Array.from({ length: Math.min(CHUNK, N - i) }, (_, j) => ({
          unitId: unitIds[(i + j) % UNITS],
          sourceType: 'manual',
          severity: 'minor',
          description: `基准问题 ${i + j}: 窗口排队时间过长`,
        }));
        const out = (await post('/problems/bulk', { problems })) as { items?: { id: string }[] } | { id: string }[];
        ids.push(...(Array.isArray(out) ? out : (out.items ?? [])).map((p) => p.id));
      }
      if (ids.length !== N) throw new Error(`opened ${ids.length} of ${N}`);
    });
    const move = (action: string, extra: Record<string, unknown> = {}) => async () => {
      for (let i = 0; i < N; i += CHUNK) await post('/problems/bulk-transition', { ids: ids.slice(i, i + CHUNK), action, ...extra });
    };
    await timed('start (bulk-transition)', move('start'));
    await timed('submit (bulk-transition, on behalf)', move('submit', { note: '已调整窗口, 增设自助机', evidence: ['https://evidence.invalid/bench.jpg'] }));
    await timed('verify (bulk-transition)', move('verify', { note: '复查属实, 销号' }));
    await app.close();

    const total = steps.reduce((a, [, s]) => a + s, 0);
    console.log(`problems: ${N} on ${UNITS} units, ${CHUNK} a call`);
    for (const [name, s] of steps) console.log(`${name.padEnd(40)} ${s.toFixed(2)} s = ${Math.round(N / s)} problems/s`);
    console.log(`${'end to end (open + start + submit + verify)'.padEnd(40)} ${total.toFixed(2)} s = ${Math.round(N / total)} problems/s`);
    console.log(`RESULT ${JSON.stringify({ problems: N, endToEndPerSecond: N / total, steps: Object.fromEntries(steps.map(([k, s]) => [k, N / s])) })}`);
  } finally {
    await database.close().catch(() => undefined);
    await admin(`drop database if exists ${dbName} with (force)`);
  }
}

await main();
