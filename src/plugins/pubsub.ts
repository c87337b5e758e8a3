import fp from 'fastify-plugin';
import type { Services } from '../modules/services.js';

/** A GraphQL subscription topic a module feeds from its committed domain events. */
export interface Publication {
  topic: string;
  /** Starts listening to the module's events, handing each payload to `publish`; returns the way to stop. */
  listen(services: Services, publish: (payload: Record<string, unknown>) => void): () => void;
}

/**
 * Hands the modules' committed events to the GraphQL subscriptions' pubsub. Mercurius' default pubsub is in
 * memory: subscribers hear the changes made by THIS process only (with N copies, a shared pubsub — e.g.
 * mercurius-redis or PostgreSQL LISTEN/NOTIFY — would plug in here).
 */
export default fp<{ publications: readonly Publication[] }>(
  async (app, { publications }) => {
    const stops = publications.map((p) =>
      p.listen(app.services, (payload) => {
        app.graphql.pubsub.publish({ topic: p.topic, payload });
      }),
    );
    app.addHook('onClose', async () => {
      for (const stop of stops) stop();
    });
  },
  { name: 'pubsub', dependencies: ['services', 'graphql'] },
);
