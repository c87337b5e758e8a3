import fp from 'fastify-plugin';
import type { Services } from '../modules/services.js';

/** A GraphQL subscription topic a module feeds from its committed domain events. */
export interface Publication {
  topic: string;
  /** Starts listening to the module's events, handing each payload to `publish`; returns the way to stop. */
  listen(services: Services, publish: (payload: Record<string, unknown>) => void): () => void;
}

/**
 * Hands the modules' committed events to the GraphQL subscriptions' pubsub. Without REDIS_URL it is mercurius' own
 * in-memory emitter: subscribers hear the changes made by THIS process only (one copy). With REDIS_URL it is the
 * shared mqemitter-redis emitter of the redis plugin: each copy publishes only the changes it committed, and Redis
 * hands every event to every copy's subscribers, once each (the publishing copy hears its own events back through
 * Redis, never also locally). While Redis is away, events are queued to be published on reconnect; subscribers on a
 * copy whose subscribe connection is down miss what is published meanwhile (pub/sub keeps no history).
 */
export default fp<{ publications: readonly Publication[] }>(
  async (app, { publications }) => {
    const stops = publications.map((p) =>
      p.listen(app.services, (payload) => {
        app.graphql.pubsub.publish({ topic: p.topic, payload }, (err?: Error) => {
          // The change is committed (and its webhook event is in the outbox); only the live notice is lost.
          if (err) app.log.warn({ err, topic: p.topic }, 'GraphQL subscription event not published');
        });
      }),
    );
    app.addHook('onClose', async () => {
      for (const stop of stops) stop();
    });
  },
  { name: 'pubsub', dependencies: ['services', 'graphql'] },
);
