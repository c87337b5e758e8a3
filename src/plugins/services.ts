import fp from 'fastify-plugin';
import type { KeyPair } from '../lib/keys.js';
import { createServices } from '../modules/services.js';
import type { Services } from '../modules/services.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

/** Every domain service over the app's database; REST routes, resolvers and scheduled jobs all use these. */
export default fp<{ localKeys?: KeyPair }>(
  async (app, { localKeys }) => {
    app.decorate('services', createServices(app.database, { config: app.config, keys: localKeys }));
  },
  { name: 'services', dependencies: ['config', 'database'] },
);
