import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { entityLoader, guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { ALL_AUTHENTICATED, EVERYONE } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';
import { categories, categoryLabels, createUnitBody, deactivateUnitBody, listUnitsQuery, updateUnitBody } from './schemas.js';
import type { UnitDto } from './schemas.js';
import { departmentById } from '../departments/graphql.js';
import { regionById } from '../regions/graphql.js';

export const unitTypeDefs = /* GraphQL */ `
  "行政执法 / 公共服务 / 经济和社会管理"
  enum Category { law_enforcement public_service economic_social_management }
  type Label { zhCN: String! en: String! }
  type CategoryInfo { code: Category! label: Label! }
  enum ServiceMode { full_process first_contact_responsibility committed time_limited by_appointment }
  type ServiceItem { name: String! timeLimitDays: Int modes: [ServiceMode!]! }
  input ServiceItemInput { name: String!, timeLimitDays: Int, modes: [ServiceMode!] }

  "基层站所/窗口: a grassroots service station or window"
  type Unit {
    id: ID!
    departmentId: ID!
    regionId: ID!
    category: Category!
    name: String!
    nameEn: String
    "统一社会信用代码 or 组织机构代码"
    orgCode: String
    headName: String
    headTitle: String
    address: String
    phone: String
    commitments: [String!]!
    serviceItems: [ServiceItem!]!
    active: Boolean!
    deactivatedAt: DateTime
    deactivationReason: String
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    department: Department!
    region: Region!
  }
  type UnitPage { items: [Unit!]! nextCursor: String }
  input CreateUnitInput {
    departmentId: ID!, regionId: ID!, category: Category!, name: String!, nameEn: String, orgCode: String, headName: String, headTitle: String,
    address: String, phone: String, commitments: [String!], serviceItems: [ServiceItemInput!]
  }
  input UpdateUnitInput {
    departmentId: ID, regionId: ID, category: Category, name: String, nameEn: String, orgCode: String, headName: String, headTitle: String,
    address: String, phone: String, commitments: [String!], serviceItems: [ServiceItemInput!]
  }

  "A bulk create/update of units and its progress (the upload itself is REST: POST /api/v1/unit-imports)"
  type UnitImport {
    id: ID!
    status: String!
    format: String!
    source: String!
    policy: String!
    rowsRead: Int!
    accepted: Int!
    created: Int!
    updated: Int!
    duplicates: Int!
    rejected: Int!
    failureReason: String
    startedAt: DateTime!
    finishedAt: DateTime
    createdBy: String!
  }

  extend type Query {
    "A unit import (prefecture office only)"
    unitImport(id: ID!): UnitImport
    categories: [CategoryInfo!]!
    units(category: Category, regionId: ID, departmentId: ID, q: String, active: Boolean, orgCode: String, limit: Int, cursor: String): UnitPage!
    unit(id: ID!): Unit
  }
  extend type Mutation {
    createUnit(input: CreateUnitInput!): Unit!
    updateUnit(id: ID!, version: Int!, input: UpdateUnitInput!): Unit!
    deactivateUnit(id: ID!, version: Int!, reason: String!): Unit!
    reactivateUnit(id: ID!, version: Int!): Unit!
  }
`;

export const unitResolvers: IResolvers = {
  Query: {
    categories: guard(EVERYONE, () => categories.map((code) => ({ code, label: categoryLabels[code] }))),
    units: guard({ roles: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.units.list(ctx, parseArgs(listUnitsQuery, args), { limit, cursor });
    }),
    unitImport: guard(['admin'], ({ id }: { id: string }, { ctx, services }) => services.unitImports.get(ctx, id)),
    unit: guard({ roles: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true }, ({ id }: { id: string }, { ctx, services }) => services.units.get(ctx, id)),
  },
  Mutation: {
    createUnit: guard({ roles: ['admin'], regionScoped: true }, ({ input }: { input: unknown }, { ctx, services }) => services.units.create(ctx, parseArgs(createUnitBody, input, 'input'))),
    updateUnit: guard({ roles: ['admin'], regionScoped: true }, ({ id, version, input }: { id: string; version: number; input: unknown }, { ctx, services }) =>
      services.units.update(ctx, id, version, parseArgs(updateUnitBody, input, 'input')),
    ),
    deactivateUnit: guard({ roles: ['admin'], regionScoped: true }, ({ id, version, reason }: { id: string; version: number; reason: string }, { ctx, services }) =>
      services.units.deactivate(ctx, id, version, parseArgs(deactivateUnitBody, { reason }).reason),
    ),
    reactivateUnit: guard({ roles: ['admin'], regionScoped: true }, ({ id, version }: { id: string; version: number }, { ctx, services }) => services.units.reactivate(ctx, id, version)),
  },
};

/** Units by id for every field that returns a Unit (only those the caller may see; null for the others). */
export const unitById = entityLoader<UnitDto>((ids, { ctx, services }) => services.units.byIds(ctx, ids));

export const unitLoaders: MercuriusLoaders = {
  Unit: {
    department: departmentById.by((u: UnitDto) => u.departmentId),
    region: regionById.by((u: UnitDto) => u.regionId),
  },
};
