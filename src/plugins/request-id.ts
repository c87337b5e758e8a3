import fp from 'fastify-plugin';

/**
 * Every response names its request id (given by the caller or minted, see serverOptions' genReqId). Set when the
 * request arrives, so error answers and 404s carry it too; synchronous (done-style): no promise per request.
 */
export default fp(
  async (app) => {
    app.addHook('onRequest', (request, reply, done) => {
      void reply.header('x-request-id', request.id);
      done();
    });
  },
  { name: 'request-id' },
);
