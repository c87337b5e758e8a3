import { entityLoader, guard } from '../../lib/graphql.js';
import { ALL_AUTHENTICATED } from '../../lib/principal.js';
import type { IResolvers, MercuriusLoaders } from 'mercurius';
import type { RegionDto } from './schemas.js';
import { createRegionBody, listRegionsQuery, updateRegionBody } from './schemas.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';

export const regionTypeDefs = /* GraphQL */ `
  "行政区: prefecture → county/city → township"
  type Region {
    id: ID!
    parentId: ID
    level: RegionLevel!
    levelLabel: Label!
    code: String!
    "行政区划代码 (GB/T 2260, 6 digits)"
    divisionCode: String
    nameZh: String!
    nameEn: String
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    parent: Region
  }
  enum RegionLevel { prefecture county township }
  type RegionPage { items: [Region!]! nextCursor: String }
  input CreateRegionInput { parentId: ID, level: RegionLevel!, code: String!, divisionCode: String, nameZh: String!, nameEn: String }
  input UpdateRegionInput { code: String, divisionCode: String, nameZh: String, nameEn: String }

  extend type Query {
    regions(parentId: ID, level: RegionLevel, within: ID, q: String, divisionCode: String, limit: Int, cursor: String): RegionPage!
    region(id: ID!): Region
  }
  extend type Mutation {
    createRegion(input: CreateRegionInput!): Region!
    updateRegion(id: ID!, version: Int!, input: UpdateRegionInput!): Region!
  }
`;

export const regionResolvers: IResolvers = {
  Query: {
    regions: guard({ roles: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.regions.list(ctx, parseArgs(listRegionsQuery, args), { limit, cursor });
    }),
    region: guard({ roles: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true }, ({ id }: { id: string }, { ctx, services }) => services.regions.get(ctx, id)),
  },
  Mutation: {
    createRegion: guard(['admin'], ({ input }: { input: unknown }, { ctx, services }) =>
      services.regions.create(ctx, parseArgs(createRegionBody, input, 'input')),
    ),
    updateRegion: guard(['admin'], ({ id, version, input }: { id: string; version: number; input: unknown }, { ctx, services }) =>
      services.regions.update(ctx, id, version, parseArgs(updateRegionBody, input, 'input')),
    ),
  },
};

/** Regions by id for every field that returns a Region (a unit's, a department's, a region's parent). */
export const regionById = entityLoader<RegionDto>((ids, { services }) => services.regions.byIds(ids));

export const regionLoaders: MercuriusLoaders = {
  Region: {
    parent: regionById.by((r: RegionDto) => r.parentId),
  },
};
