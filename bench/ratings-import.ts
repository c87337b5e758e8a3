/**
 * Rating import throughput: 300,000 ratings through the API (POST /api/v1/rating-imports, streamed CSV) on
 * PostgreSQL, beside `psql \copy` of the same rows into the same (emptied) table.
 *
 *   npx tsx bench/ratings-import.ts            (BENCH_ROWS=… to change the size; PG_URL=… for another server)
 *
 * It creates a fresh database, migrates it, starts the app on a real port, uploads with fetch and a streamed
 * body, then truncates `ratings` and loads the same rows (ids and respondent hashes precomputed) with psql.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import Fastify from 'fastify';
import { manyi, serverOptions } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { ratingChannels as allChannels } from '../src/db/schema/index.js';

/** Channels a file may carry (qr_code ratings come only through a QR code). */
const ratingChannels = allChannels.filter((c) => c !== 'qr_code');
import { uuidv7 } from '../src/lib/ids.js';
import { generateLocalKeyPair, mintToken } from '../src/lib/keys.js';
import { DEVELOPMENT_RESPONDENT_KEY_SECRET, respondentHasher } from '../src/modules/ratings/rules.js';
import { admin as adminOn, writeLines, benchUnits } from './campaign.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 300_000);
const UNITS = 200;
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `manyi_bench_${Date.now()}`;

const admin = (sqlText: string) => adminOn(PG_URL, sqlText);

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

async function main() {
  await admin(`create database ${dbName}`);
  const url = new URL(PG_URL);
  url.pathname = `/${dbName}`;
  const dir = mkdtempSync(join(tmpdir(), 'manyi-bench-'));
  const database = await openDatabase({ url: url.toString(), dataDir: 'unused', poolMax: 10 });
  try {
    await migrate(database);
    const keys = await generateLocalKeyPair();
    const config = testConfig({ LOG_LEVEL: 'warn' });
    const app = Fastify(serverOptions(config, false));
    await app.register(manyi, { config, database, localKeys: keys });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };

    // Reference data: one prefecture, one department, 200 units.
    const { unitIds } = await benchUnits(app.services, UNITS);

    // The survey file: every channel and level, a comment on every 7th row, a phone number on every 3rd.
    const rows = (function* () {
      for (let i = 0; i < ROWS; i++) {
        yield {
          unitId: unitIds[i % UNITS],
          channel: ratingChannels[i % ratingChannels.length],
          level: (i % 5) + 1,
          comment: i % 7 === 0 ? `意见 ${i}: 办事效率, "服务态度"` : '',
          collectedAt: '2024-06-01T10:00:00+08:00',
          externalId: `bench-${i}`,
          respondentKey: i % 3 === 0 ? `139${String(i).padStart(8, '0')}` : '',
        };
      }
    })();
    const apiFile = join(dir, 'ratings.csv');
    await writeLines(
      apiFile,
      (function* () {
        yield 'unitId,channel,level,comment,collectedAt,externalId,respondentKey\n';
        for (const r of rows) yield `${r.unitId},${r.channel},${r.level},${csvCell(r.comment)},${r.collectedAt},${r.externalId},${r.respondentKey}\n`;
      })(),
    );

    const token = await mintToken(keys, { role: 'integration', subject: 'bench' }, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${address.port}/api/v1/rating-imports?format=csv&source=bench-survey`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: Readable.toWeb(createReadStream(apiFile)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const job = (await res.json()) as { status: string; accepted: number; rejected: number; followUpsOpened: number };
    const apiSeconds = (performance.now() - t0) / 1000;
    if (res.status !== 201 || job.accepted !== ROWS) throw new Error(`import did not complete: ${res.status} ${JSON.stringify(job)}`);
    await app.close();

    // The same rows in the table's own layout for \copy (ids and respondent hashes precomputed, as the API makes them).
    const hash = respondentHasher(DEVELOPMENT_RESPONDENT_KEY_SECRET);
    const copyFile = join(dir, 'ratings-table.csv');
    const copyColumns = 'id,unit_id,channel,level,comment,collected_at,source,external_id,respondent_hash,submitted_by';
    await writeLines(
      copyFile,
      (function* () {
        yield `${copyColumns}\n`;
        for (let i = 0; i < ROWS; i++) {
          const comment = i % 7 === 0 ? `意见 ${i}: 办事效率, "服务态度"` : '';
          const key = i % 3 === 0 ? hash(`139${String(i).padStart(8, '0')}`) : '';
          yield `${uuidv7()},${unitIds[i % UNITS]},${ratingChannels[i % ratingChannels.length]},${(i % 5) + 1},${csvCell(comment)},2024-06-01T10:00:00+08:00,bench-survey,bench-${i},${key},bench\n`;
        }
      })(),
    );
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    await c.query('truncate rating_follow_ups, ratings');
    await c.end();
    const psqlArgs = ['-h', '127.0.0.1', '-U', 'postgres', '-d', dbName, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy ratings(${copyColumns}) from '${copyFile}' csv header`];
    const t1 = performance.now();
    const out = execFileSync('psql', psqlArgs, { encoding: 'utf8' });
    const copySeconds = (performance.now() - t1) / 1000;

    const mb = (f: string) => (statSync(f).size / 1024 / 1024).toFixed(1);
    console.log(`rows: ${ROWS} (${UNITS} units; ${job.followUpsOpened} follow-ups opened by the API import)`);
    console.log(`API  POST /api/v1/rating-imports (csv, ${mb(apiFile)} MiB, streamed fetch): ${apiSeconds.toFixed(2)} s = ${Math.round(ROWS / apiSeconds)} rows/s`);
    console.log(`psql ${psqlArgs.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}`);
    console.log(`     (${mb(copyFile)} MiB, into the emptied ratings table with all its indexes and FKs): ${copySeconds.toFixed(2)} s = ${Math.round(ROWS / copySeconds)} rows/s  [${out.trim()}]`);
    // One machine-readable line for bench/run.ts.
    console.log(`RESULT ${JSON.stringify({ rows: ROWS, apiRowsPerSecond: ROWS / apiSeconds, copyRowsPerSecond: ROWS / copySeconds })}`);
  } finally {
    await database.close().catch(() => undefined); // app.close() already closed it on success
    rmSync(dir, { recursive: true, force: true });
    await admin(`drop database if exists ${dbName} with (force)`);
  }
}

await main();
