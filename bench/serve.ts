/**
 * manyi on a loopback port over the bench database (BENCH_DATABASE), for bench/run.ts: production settings except
 * that the anonymous rate limit is out of the way and the periodic jobs are off. Prints its port and tokens.
 */
import Fastify from 'fastify';
import { manyi, serverOptions } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { generateLocalKeyPair, mintToken } from '../src/lib/keys.js';

const url = process.env.BENCH_DATABASE;
if (!url) throw new Error('BENCH_DATABASE is required');
const config = {
  ...testConfig(),
  NODE_ENV: 'production' as const,
  GRAPHQL_INTROSPECTION: false,
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: 1_000_000_000,
  RATE_LIMIT_PUBLIC_RATINGS_PER_MINUTE: 1_000_000_000,
  AUDIT_SEAL_INTERVAL_MS: 1000,
};
const database = await openDatabase({ url, dataDir: 'unused', poolMax: config.DATABASE_POOL_MAX });
const keys = await generateLocalKeyPair();
const app = Fastify(serverOptions(config, false));
await app.register(manyi, { config, database, localKeys: keys });
await app.listen({ host: '127.0.0.1', port: 0 });
const sign = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: 3600 };
console.log(JSON.stringify({ port: (app.server.address() as { port: number }).port, adminToken: await mintToken(keys, { role: 'admin' }, sign) }));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
