import Fastify from 'fastify';
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './config.js';
import { manyi, serverOptions } from './app.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { loadOrCreateLocalKeyPair, mintToken } from './lib/keys.js';
import { loggerOptions } from './lib/logger.js';
import { loadDemoData } from './demo/seed.js';
import { STOP_SIGNALS, stopOn } from './lib/signals.js';

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

// SIGTERM and SIGINT are handled below: close-with-grace would take the echo of a signal for a second one.
const closer = closeWithGrace({ delay: 10_000, skip: [...STOP_SIGNALS] }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  await app.close();
});
stopOn(STOP_SIGNALS, (signal) => {
  app.log.info({ signal }, 'shutting down: finishing in-flight requests');
  void closer.close();
});

if (embedded && database.created && config.DEMO_DATA) {
  const started = Date.now();
  const counts = await loadDemoData(app.services);
  app.log.info({ ...counts, durationMs: Date.now() - started }, 'demo data loaded into the new embedded database (DEMO_DATA=false to skip)');
}

const address = await app.listen({ host: config.HOST, port: config.PORT });
// The local key pair verifies tokens only without JWT_JWKS_URL and JWT_PUBLIC_KEY: otherwise its token would be refused.
if (embedded && !config.JWT_JWKS_URL && !config.JWT_PUBLIC_KEY) {
  const token = await mintToken(localKeys, { role: 'admin', subject: 'admin:local' }, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: 8 * 3600 });
  // Printed for local use only: this is the embedded, single-user mode.
  process.stdout.write(
    `\nmanyi is running on the embedded database in ${config.DATA_DIR}\n  docs:    ${address}/docs\n  graphql: ${address}/graphiql\n  admin token (8h): ${token}\n\n`,
  );
}
