import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { entityLoader, guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { ALL_AUTHENTICATED } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';
import { createDepartmentBody, listDepartmentsQuery, updateDepartmentBody } from './schemas.js';
import type { DepartmentDto } from './schemas.js';
import { regionById } from '../regions/graphql.js';

export const departmentTypeDefs = /* GraphQL */ `
  "部门/行业: a department or sector"
  type Department {
    id: ID!
    name: String!
    nameEn: String
    sector: String!
    level: RegionLevel!
    regionId: ID!
    "统一社会信用代码 or 组织机构代码"
    orgCode: String
    active: Boolean!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    region: Region!
  }
  type DepartmentPage { items: [Department!]! nextCursor: String }
  "A bulk create/update of departments and its progress (the upload itself is REST: POST /api/v1/department-imports)"
  type DepartmentImport {
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
  input CreateDepartmentInput { name: String!, nameEn: String, sector: String!, level: RegionLevel!, regionId: ID!, orgCode: String }
  input UpdateDepartmentInput { name: String, nameEn: String, sector: String, orgCode: String, active: Boolean }

  extend type Query {
    departments(sector: String, regionId: ID, active: Boolean, q: String, orgCode: String, limit: Int, cursor: String): DepartmentPage!
    department(id: ID!): Department
    "A department import (prefecture office only)"
    departmentImport(id: ID!): DepartmentImport
  }
  extend type Mutation {
    createDepartment(input: CreateDepartmentInput!): Department!
    updateDepartment(id: ID!, version: Int!, input: UpdateDepartmentInput!): Department!
  }
`;

export const departmentResolvers: IResolvers = {
  Query: {
    departments: guard({ roles: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.departments.list(ctx, parseArgs(listDepartmentsQuery, args), { limit, cursor });
    }),
    department: guard({ roles: ALL_AUTHENTICATED, scopes: ['reference:read'], regionScoped: true }, ({ id }: { id: string }, { ctx, services }) => services.departments.get(ctx, id)),
    departmentImport: guard(['admin'], ({ id }: { id: string }, { ctx, services }) => services.departmentImports.get(ctx, id)),
  },
  Mutation: {
    createDepartment: guard(['admin'], ({ input }: { input: unknown }, { ctx, services }) =>
      services.departments.create(ctx, parseArgs(createDepartmentBody, input, 'input')),
    ),
    updateDepartment: guard(['admin'], ({ id, version, input }: { id: string; version: number; input: unknown }, { ctx, services }) =>
      services.departments.update(ctx, id, version, parseArgs(updateDepartmentBody, input, 'input')),
    ),
  },
};

/** Departments by id for every field that returns a Department. */
export const departmentById = entityLoader<DepartmentDto>((ids, { services }) => services.departments.byIds(ids));

export const departmentLoaders: MercuriusLoaders = {
  Department: {
    region: regionById.by((d: DepartmentDto) => d.regionId),
  },
};
