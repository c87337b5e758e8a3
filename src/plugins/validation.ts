import fp from 'fastify-plugin';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

const isZod = (schema: unknown) => schema instanceof z.ZodType;
/** Plugins' JSON-schema routes (mercurius) are validated by the resolvers/GraphQL itself. */
const ajvFallback = (_route: unknown) => (data: unknown) => ({ value: data });

/** Our routes carry zod schemas; plugins (mercurius) bring plain JSON schemas and keep fastify's defaults. */
export default fp(
  async (app) => {
    app.setValidatorCompiler((route) => (isZod(route.schema) ? validatorCompiler(route as never) : ajvFallback(route)));
    app.setSerializerCompiler((route) => (isZod(route.schema) ? serializerCompiler(route as never) : (data: unknown) => JSON.stringify(data)));
  },
  { name: 'validation' },
);
