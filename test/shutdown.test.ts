import t from 'tap';
import Fastify from 'fastify';
import { manyi, serverOptions } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { generateLocalKeyPair } from '../src/lib/keys.js';
import { EVERYONE } from '../src/lib/principal.js';

t.test('closing lets an in-flight request finish, then the database is closed', async (t) => {
  const config = testConfig();
  const database = await openDatabase({ dataDir: 'memory://' });
  await migrate(database);
  const app = Fastify(serverOptions(config, false));
  await app.register(manyi, { config, database, localKeys: await generateLocalKeyPair() });
  let release: () => void = () => undefined;
  let entered: () => void = () => undefined;
  const inHandler = new Promise<void>((r) => (entered = r));
  app.get('/slow', { config: { access: EVERYONE } }, async () => {
    const released = new Promise<void>((r) => (release = r));
    entered();
    await released;
    return { done: true };
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const inFlight = fetch(`${address}/slow`);
  await inHandler;
  const closing = app.close();
  // The listener stops at once; the in-flight request is still being served.
  await new Promise<void>((r) => setImmediate(r));
  await t.rejects(fetch(`${address}/healthz`), 'no new connections once closing');
  release();
  const res = await inFlight;
  t.equal(res.status, 200);
  t.same(await res.json(), { done: true });
  await closing;
  await t.rejects(database.pglite!.query('select 1'), 'the database was closed with the app');
});
