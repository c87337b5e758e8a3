import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { GraphqlModule } from '../plugins/graphql.js';
import { auditRoutes } from './audit/routes.js';
import { departmentLoaders, departmentResolvers, departmentTypeDefs } from './departments/graphql.js';
import { departmentRoutes } from './departments/routes.js';
import { regionLoaders, regionResolvers, regionTypeDefs } from './regions/graphql.js';
import { regionRoutes } from './regions/routes.js';
import { unitLoaders, unitResolvers, unitTypeDefs } from './units/graphql.js';
import { unitRoutes } from './units/routes.js';

/** Every module's REST routes, mounted under /api/v1. */
export const restModules: FastifyPluginAsyncZod[] = [auditRoutes, regionRoutes, departmentRoutes, unitRoutes];

/** Every module's GraphQL part, merged into one schema. */
export const graphqlModules: GraphqlModule[] = [
  { typeDefs: regionTypeDefs, resolvers: regionResolvers, loaders: regionLoaders },
  { typeDefs: departmentTypeDefs, resolvers: departmentResolvers, loaders: departmentLoaders },
  { typeDefs: unitTypeDefs, resolvers: unitResolvers, loaders: unitLoaders },
];
