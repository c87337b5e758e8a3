import fp from 'fastify-plugin';

/** Every response names its request id (given by the caller or minted, see serverOptions' genReqId). */
export default fp(
  async (app) => {
    app.addHook('onSend', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
  },
  { name: 'request-id' },
);
