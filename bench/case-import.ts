/**
 * Case import throughput: 300,000 cases (办件) through the API (POST /api/v1/case-imports, streamed CSV) on
 * PostgreSQL, through the bulk import runner rating imports use (COPY into a stage, one merge per batch).
 *
 *   npx tsx bench/case-import.ts            (BENCH_ROWS=… to change the size; PG_URL=… for another server)
 *
 * It creates a fresh database, migrates it, starts the app on a real port, uploads with fetch and a streamed body,
 * reports rows/s and drops the database.
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { manyi, serverOptions } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { generateLocalKeyPair, mintToken } from '../src/lib/keys.js';
import { systemContext } from '../src/lib/principal.js';
import { admin as adminOn, writeLines, benchUnits } from './campaign.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 300_000);
const UNITS = 200;
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `manyi_bench_cases_${Date.now()}`;
const admin = (sqlText: string) => adminOn(PG_URL, sqlText);

async function main() {
  await admin(`create database ${dbName}`);
  const url = new URL(PG_URL);
  url.pathname = `/${dbName}`;
  const dir = mkdtempSync(join(tmpdir(), 'manyi-bench-cases-'));
  const database = await openDatabase({ url: url.toString(), dataDir: 'unused', poolMax: 10 });
  try {
    await migrate(database);
    const keys = await generateLocalKeyPair();
    const config = testConfig({ LOG_LEVEL: 'warn' });
    const app = Fastify(serverOptions(config, false));
    await app.register(manyi, { config, database, localKeys: keys });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };

    // Reference data: one prefecture, one department, 200 units offering one item of 5 working days.
    const s = app.services;
    const ctx = systemContext('bench');
    const { departmentId, unitIds } = await benchUnits(s, UNITS);
    const item = await s.serviceItems.create(ctx, { departmentId, code: 'BENCH-1', name: '基准事项', promisedDays: 5, modes: ['time_limited'] });
    await s.serviceItems.setUnits(ctx, item.id, unitIds);

    // Mostly completed cases (some late), some still open, some returned with a reason; a staff code on every 2nd.
    const apiFile = join(dir, 'cases.csv');
    await writeLines(
      apiFile,
      (function* () {
        yield 'caseNumber,itemId,unitId,state,receivedAt,acceptedAt,closedAt,reason,firstResponder\n';
        for (let i = 0; i < ROWS; i++) {
          const day = String(1 + (i % 20)).padStart(2, '0');
          const staff = i % 2 === 0 ? `S${i % 500}` : '';
          const base = `BJ-${i},${item.id},${unitIds[i % UNITS]}`;
          if (i % 10 === 0) yield `${base},returned,2024-06-${day}T09:00:00+08:00,,2024-06-${day}T11:00:00+08:00,材料不全,${staff}\n`;
          else if (i % 10 === 1) yield `${base},accepted,2024-06-${day}T09:00:00+08:00,2024-06-${day}T10:00:00+08:00,,,${staff}\n`;
          else yield `${base},completed,2024-06-${day}T09:00:00+08:00,2024-06-${day}T10:00:00+08:00,2024-07-0${1 + (i % 9)}T16:00:00+08:00,,${staff}\n`;
        }
      })(),
    );

    const token = await mintToken(keys, { role: 'integration', subject: 'bench' }, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${address.port}/api/v1/case-imports?format=csv&source=bench-zwfw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: Readable.toWeb(createReadStream(apiFile)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const job = (await res.json()) as { status: string; accepted: number; rejected: number };
    const seconds = (performance.now() - t0) / 1000;
    if (res.status !== 201 || job.accepted !== ROWS) throw new Error(`import did not complete: ${res.status} ${JSON.stringify(job)}`);
    await app.close();
    const mb = (statSync(apiFile).size / 1024 / 1024).toFixed(1);
    console.log(`rows: ${ROWS} (${UNITS} units, 1 service item)`);
    console.log(`API  POST /api/v1/case-imports (csv, ${mb} MiB, streamed fetch): ${seconds.toFixed(2)} s = ${Math.round(ROWS / seconds)} rows/s`);
    console.log(`RESULT ${JSON.stringify({ rows: ROWS, apiRowsPerSecond: ROWS / seconds })}`);
  } finally {
    await database.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await admin(`drop database if exists ${dbName} with (force)`);
  }
}

await main();
