import type { IResolvers } from 'mercurius';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { POWER_LIST_READERS, POWER_LIST_WRITERS, correctCleanupBody, createCleanupBody, listCleanupsQuery } from './schemas.js';
import { versionRequired } from '../../lib/errors.js';

export const powerListTypeDefs = /* GraphQL */ `
  "行政权力 / 政务服务事项"
  enum PowerItemKind { administrative_power service_item }
  "保留 / 合并 / 取消"
  enum CleanupOutcome { kept merged abolished }
  "州直 / 县市 / 乡镇"
  enum PowerLevel { prefecture county township }
  type PowerListItem { id: ID! name: String! outcome: CleanupOutcome! outcomeLabel: Label! serviceItemCode: String }
  "行政权力清理: a department's registered powers or service items and the cleanup outcome"
  type PowerListCleanup {
    id: ID!
    departmentId: ID!
    cycleId: ID
    itemKind: PowerItemKind!
    itemKindLabel: Label!
    level: PowerLevel!
    levelLabel: Label!
    registered: Int!
    kept: Int!
    merged: Int!
    abolished: Int!
    pending: Int!
    notes: String
    items: [PowerListItem!]!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type PowerListCleanupPage { items: [PowerListCleanup!]! nextCursor: String }
  input PowerListItemInput { name: String!, outcome: CleanupOutcome!, serviceItemCode: String }
  input RecordPowerListCleanupInput {
    departmentId: ID!, cycleId: ID, itemKind: PowerItemKind!, registered: Int!, kept: Int!, merged: Int!, abolished: Int!, notes: String, items: [PowerListItemInput!]
  }

  input CorrectPowerListCleanupInput { registered: Int, kept: Int, merged: Int, abolished: Int, notes: String, version: Int! }

  extend type Query {
    powerListCleanups(departmentId: ID, cycleId: ID, itemKind: PowerItemKind, level: PowerLevel, limit: Int, cursor: String): PowerListCleanupPage!
    powerListCleanup(id: ID!): PowerListCleanup
  }
  extend type Mutation {
    recordPowerListCleanup(input: RecordPowerListCleanupInput!): PowerListCleanup!
    correctPowerListCleanup(id: ID!, input: CorrectPowerListCleanupInput!): PowerListCleanup!
  }
`;

export const powerListResolvers: IResolvers = {
  Query: {
    powerListCleanups: guard({ roles: POWER_LIST_READERS, scopes: ['statistics:read'] }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.powerList.list(ctx, parseArgs(listCleanupsQuery, args), { limit, cursor });
    }),
    powerListCleanup: guard({ roles: POWER_LIST_READERS, scopes: ['statistics:read'] }, ({ id }: { id: string }, { ctx, services }) => services.powerList.get(ctx, id)),
  },
  Mutation: {
    recordPowerListCleanup: guard(POWER_LIST_WRITERS, ({ input }: { input: unknown }, { ctx, services }) =>
      services.powerList.create(ctx, parseArgs(createCleanupBody, input, 'input')),
    ),
    correctPowerListCleanup: guard(POWER_LIST_WRITERS, ({ id, input }: { id: string; input: unknown }, { ctx, services }) => {
      const body = parseArgs(correctCleanupBody, input, 'input');
      if (body.version === undefined) throw versionRequired();
      return services.powerList.correct(ctx, id, body.version, body);
    }),
  },
};
