import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { guard, loadBy } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { PERSON_READERS, createPersonBody, createRecordItemBody, listPersonsQuery } from './schemas.js';
import type { PersonDto } from './schemas.js';

export const personTypeDefs = /* GraphQL */ `
  "站所负责人 / 工作人员 / 部门领导 / 乡镇领导"
  enum PersonRole { unit_head unit_staff department_leader township_leader }
  "人员 (admin only)"
  type Person {
    id: ID! name: String! role: PersonRole! roleLabel: Label! post: String unitId: ID departmentId: ID regionId: ID
    version: Int! createdAt: DateTime! updatedAt: DateTime!
    unit: Unit
    department: Department
  }
  type PersonPage { items: [Person!]! nextCursor: String }
  enum PersonRecordSource { record_item accountability_action }
  enum PersonRecordEntryKind { sanction honour accountability }
  type PersonRecordEntry {
    id: ID! source: PersonRecordSource! kind: PersonRecordEntryKind! type: String! typeLabel: Label! description: String!
    decidedAt: DateTime! decidedBy: String awardId: ID accountabilityActionId: ID
  }
  "个人档案: the basis for 晋职晋级 (admin only, never public)"
  type PersonRecord { person: Person! sanctions: Int! honours: Int! entries: [PersonRecordEntry!]! }
  input CreatePersonInput { name: String!, role: PersonRole!, post: String, unitId: ID, departmentId: ID, regionId: ID }
  enum PersonRecordItemKind { sanction honour }
  input PersonRecordItemInput { kind: PersonRecordItemKind!, type: String!, description: String!, decidedAt: String!, decidedBy: String, awardId: ID }

  extend type Query {
    persons(role: PersonRole, unitId: ID, departmentId: ID, regionId: ID, q: String, limit: Int, cursor: String): PersonPage!
    person(id: ID!): Person
    personRecord(id: ID!): PersonRecord
  }
  extend type Mutation {
    createPerson(input: CreatePersonInput!): Person!
    addPersonRecordItem(personId: ID!, input: PersonRecordItemInput!): PersonRecordEntry!
  }
`;

/** GraphQL sends explicit nulls; zod optional() wants them absent. */
const withoutNulls = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

export const personResolvers: IResolvers = {
  Query: {
    persons: guard(PERSON_READERS, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, { limit: args.limit, cursor: args.cursor });
      const { limit: _l, cursor: _c, ...filter } = args;
      return services.persons.list(ctx, parseArgs(listPersonsQuery, withoutNulls(filter)), { limit, cursor });
    }),
    person: guard(PERSON_READERS, ({ id }: { id: string }, { ctx, services }) => services.persons.get(ctx, id)),
    personRecord: guard(PERSON_READERS, ({ id }: { id: string }, { ctx, services }) => services.persons.record(ctx, id)),
  },
  Mutation: {
    createPerson: guard(['admin'], ({ input }: { input: object }, { ctx, services }) => services.persons.create(ctx, parseArgs(createPersonBody, withoutNulls(input), 'input'))),
    addPersonRecordItem: guard(['admin'], ({ personId, input }: { personId: string; input: object }, { ctx, services }) =>
      services.persons.addRecordItem(ctx, personId, parseArgs(createRecordItemBody, withoutNulls(input), 'input')),
    ),
  },
};

export const personLoaders: MercuriusLoaders = {
  Person: {
    unit: (queries: { obj: PersonDto }[], { ctx, services }) => loadBy(queries, (x) => x.unitId, (ids) => services.units.byIds(ctx, ids)),
    department: (queries: { obj: PersonDto }[], { services }) => loadBy(queries, (x) => x.departmentId, (ids) => services.departments.byIds(ids)),
  },
};
