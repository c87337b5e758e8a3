import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { ITEM_EDITORS, ITEM_READERS, createServiceItemBody, listServiceItemsQuery, setItemUnitsBody, updateServiceItemBody } from './schemas.js';
import type { ServiceItemDto } from './schemas.js';

export const serviceItemTypeDefs = /* GraphQL */ `
  enum ServiceItemStatus { active retired }
  "政务服务事项: an item of a department's service catalogue"
  type CatalogueServiceItem {
    id: ID!
    departmentId: ID!
    "事项编码"
    code: String!
    name: String!
    nameEn: String
    "承诺时限 in working days; 0 = 即办"
    promisedDays: Int!
    modes: [ServiceMode!]!
    modeLabels: [Label!]!
    status: ServiceItemStatus!
    statusLabel: Label!
    retiredAt: DateTime
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    department: Department!
  }
  type CatalogueServiceItemPage { items: [CatalogueServiceItem!]! nextCursor: String }
  type ServiceItemUnits { itemId: ID! unitIds: [ID!]! }
  input CreateServiceItemInput { departmentId: ID!, code: String!, name: String!, nameEn: String, promisedDays: Int!, modes: [ServiceMode!] }
  input UpdateServiceItemInput { name: String, nameEn: String, promisedDays: Int, modes: [ServiceMode!], status: ServiceItemStatus }

  extend type Query {
    serviceItems(departmentId: ID, unitId: ID, status: ServiceItemStatus, mode: ServiceMode, code: String, q: String, limit: Int, cursor: String): CatalogueServiceItemPage!
    serviceItem(id: ID!): CatalogueServiceItem
  }
  extend type Mutation {
    createServiceItem(input: CreateServiceItemInput!): CatalogueServiceItem!
    updateServiceItem(id: ID!, version: Int!, input: UpdateServiceItemInput!): CatalogueServiceItem!
    setServiceItemUnits(id: ID!, unitIds: [ID!]!): ServiceItemUnits!
  }
`;

export const serviceItemResolvers: IResolvers = {
  Query: {
    serviceItems: guard({ roles: ITEM_READERS, scopes: ['reference:read'] }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.serviceItems.list(ctx, parseArgs(listServiceItemsQuery, args), { limit, cursor });
    }),
    serviceItem: guard({ roles: ITEM_READERS, scopes: ['reference:read'] }, ({ id }: { id: string }, { ctx, services }) => services.serviceItems.get(ctx, id)),
  },
  Mutation: {
    createServiceItem: guard(ITEM_EDITORS, ({ input }: { input: unknown }, { ctx, services }) => services.serviceItems.create(ctx, parseArgs(createServiceItemBody, input, 'input'))),
    updateServiceItem: guard(ITEM_EDITORS, ({ id, version, input }: { id: string; version: number; input: unknown }, { ctx, services }) =>
      services.serviceItems.update(ctx, id, version, parseArgs(updateServiceItemBody, input, 'input')),
    ),
    setServiceItemUnits: guard(ITEM_EDITORS, ({ id, unitIds }: { id: string; unitIds: unknown }, { ctx, services }) =>
      services.serviceItems.setUnits(ctx, id, parseArgs(setItemUnitsBody, { unitIds }).unitIds),
    ),
  },
};

export const serviceItemLoaders: MercuriusLoaders = {
  CatalogueServiceItem: {
    department: (queries: { obj: ServiceItemDto }[], { services }) => loadBy(queries, (i) => i.departmentId, services.departments.byIds),
  },
};
