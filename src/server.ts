import Fastify from 'fastify';
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './config.js';
import { manyi, serverOptions } from './app.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { loadOrCreateLocalKeyPair, mintToken } from './lib/keys.js';
import { loggerOptions } from './lib/logger.js';
import { loadDemoData } from './demo/seed.js';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}

const embedded = !config.DATABASE_URL;
const app = Fastify(serverOptions(config, loggerOptions(config)));
const database = await openDatabase({
  url: config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  poolMax: config.DATABASE_POOL_MAX,
  onConnectionError: (err) => app.log.warn({ err }, 'database connection lost; the pool will reconnect'),
});
if (embedded || config.MIGRATE_ON_START) await migrate(database);
// The local key pair verifies tokens only when no JWKS URL or public key is configured; it always signs webhooks (JWS).
const localKeys = await loadOrCreateLocalKeyPair(config.DATA_DIR);

await app.register(manyi, { config, database, localKeys });

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down: finishing in-flight requests');
  await app.close();
});

if (embedded && database.created && config.DEMO_DATA) {
  const started = Date.now();
  const counts = await loadDemoData(app.services);
  app.log.info({ ...counts, durationMs: Date.now() - started }, 'demo data loaded into the new embedded database (DEMO_DATA=false to skip)');
}

const address = await app.listen({ host: config.HOST, port: config.PORT });
if (embedded && localKeys) {
  const token = await mintToken(localKeys, { role: 'admin', subject: 'admin:local' }, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: 8 * 3600 });
  // Printed for local use only: this is the embedded, single-user mode.
  process.stdout.write(
    `\nmanyi is running on the embedded database in ${config.DATA_DIR}\n  docs:    ${address}/docs\n  graphql: ${address}/graphiql\n  admin token (8h): ${token}\n\n`,
  );
}
