/**
 * Unit import throughput (issue 11): units created, then the same units updated by id, through the API
 * (POST /api/v1/unit-imports, streamed CSV, policy partial) on PostgreSQL, for 2,135 and 21,350 units by default.
 *
 *   npx tsx bench/units-import.ts            (BENCH_SIZES=2135,21350 to change the sizes; PG_URL=… for another server)
 *
 * It creates a fresh database, migrates it, starts the app on a real port, uploads with fetch and a streamed body,
 * reports units/s and drops the database.
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { sql } from 'drizzle-orm';
import { manyi, serverOptions } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { generateLocalKeyPair, mintToken } from '../src/lib/keys.js';
import { systemContext } from '../src/lib/principal.js';
import { admin as adminOn, writeLines } from './campaign.js';

const SIZES = (process.env.BENCH_SIZES ?? '2135,21350').split(',').map(Number);
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `manyi_bench_units_${Date.now()}`;
const admin = (sqlText: string) => adminOn(PG_URL, sqlText);

async function main() {
  await admin(`create database ${dbName}`);
  const url = new URL(PG_URL);
  url.pathname = `/${dbName}`;
  const dir = mkdtempSync(join(tmpdir(), 'manyi-bench-units-'));
  const database = await openDatabase({ url: url.toString(), dataDir: 'unused', poolMax: 10 });
  try {
    await migrate(database);
    const keys = await generateLocalKeyPair();
    const config = testConfig({ LOG_LEVEL: 'warn' });
    const app = Fastify(serverOptions(config, false));
    await app.register(manyi, { config, database, localKeys: keys });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    const s = app.services;
    const ctx = systemContext('bench');
    const region = await s.regions.create(ctx, { parentId: null, level: 'prefecture', code: 'B1', nameZh: '基准州' });
    const county = await s.regions.create(ctx, { parentId: region.id, level: 'county', code: 'B2', nameZh: '基准县' });
    const dept = await s.departments.create(ctx, { name: '基准局', sector: 'bench', level: 'prefecture', regionId: region.id });
    const token = await mintToken(keys, { role: 'admin', subject: 'bench' }, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });

    const upload = async (file: string, expected: { created?: number; updated?: number }) => {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${address.port}/api/v1/unit-imports?format=csv&source=bench`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: Readable.toWeb(createReadStream(file)) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      const job = (await res.json()) as { status: string; created: number; updated: number; rejected: number };
      const seconds = (performance.now() - t0) / 1000;
      if (res.status !== 201 || job.rejected || (expected.created ?? 0) !== job.created || (expected.updated ?? 0) !== job.updated) {
        throw new Error(`import did not complete: ${res.status} ${JSON.stringify(job)}`);
      }
      return seconds;
    };

    const results: Record<string, number>[] = [];
    for (const [k, n] of SIZES.entries()) {
      const createFile = join(dir, `create-${n}.csv`);
      await writeLines(
        createFile,
        (function* () {
          yield 'departmentId,regionId,category,name,headName,address,phone\n';
          for (let i = 0; i < n; i++) yield `${dept.id},${i % 2 ? county.id : region.id},public_service,基准站所 ${k}-${i},负责人 ${i},基准路 ${i} 号,0718-${100000 + i}\n`;
        })(),
      );
      const created = await upload(createFile, { created: n });
      const ids = ((await database.db.execute(sql`select id from units where name like ${`基准站所 ${k}-%`}`)) as unknown as { rows: { id: string }[] }).rows.map((r) => r.id);
      const updateFile = join(dir, `update-${n}.csv`);
      await writeLines(
        updateFile,
        (function* () {
          yield 'id,phone,category\n';
          for (const [i, id] of ids.entries()) yield `${id},0719-${100000 + i},law_enforcement\n`;
        })(),
      );
      const updated = await upload(updateFile, { updated: n });
      const mb = (statSync(createFile).size / 1024 / 1024).toFixed(2);
      console.log(`units: ${n}  create (csv ${mb} MiB): ${created.toFixed(2)} s = ${Math.round(n / created)} units/s;  update by id: ${updated.toFixed(2)} s = ${Math.round(n / updated)} units/s`);
      results.push({ units: n, createUnitsPerSecond: n / created, updateUnitsPerSecond: n / updated });
    }
    await app.close();
    console.log(`RESULT ${JSON.stringify(results)}`);
  } finally {
    await database.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await admin(`drop database if exists ${dbName} with (force)`);
  }
}

await main();
