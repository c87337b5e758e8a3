import type { IResolvers } from 'mercurius';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { versionRequired } from '../../lib/errors.js';
import { OUTREACH_READERS, OUTREACH_WRITERS, bulkSuggestionsBody, correctOutreachBody, createOutreachBody, listOutreachQuery, listSuggestionsQuery, replySuggestionBody, suggestionInput } from './schemas.js';

export const outreachTypeDefs = /* GraphQL */ `
  "征求意见表 / 走访 / 座谈会 / 问卷测评表 / 电话询访 / 短信"
  enum OutreachKind { opinion_forms household_visits forums questionnaires phone_inquiries sms }
  "已收集 → 已答复 / 已采纳"
  enum SuggestionStatus { received answered adopted }
  enum SuggestionReplyStatus { answered adopted }

  "群众评价机制: an outreach activity (or an aggregate of many) with its counts; only its kind's counts are set"
  type OutreachActivity {
    id: ID!
    kind: OutreachKind!
    kindLabel: Label!
    heldOn: String!
    cycleId: ID
    unitId: ID
    departmentId: ID
    regionId: ID
    distributed: Int
    returned: Int
    households: Int
    sessions: Int
    participants: Int
    messages: Int
    notes: String
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type OutreachActivityPage { items: [OutreachActivity!]! nextCursor: String }
  input RecordOutreachActivityInput {
    kind: OutreachKind!, heldOn: String!, cycleId: ID, unitId: ID, departmentId: ID, regionId: ID,
    distributed: Int, returned: Int, households: Int, sessions: Int, participants: Int, messages: Int, notes: String
  }

  input CorrectOutreachActivityInput { heldOn: String, notes: String, distributed: Int, returned: Int, households: Int, sessions: Int, participants: Int, messages: Int, version: Int! }

  "意见建议: a suggestion from the public and the reply to it"
  type Suggestion {
    id: ID!
    text: String!
    activityId: ID
    cycleId: ID
    unitId: ID
    departmentId: ID
    receivedOn: String!
    status: SuggestionStatus!
    statusLabel: Label!
    reply: String
    repliedBy: String
    repliedAt: DateTime
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type SuggestionPage { items: [Suggestion!]! nextCursor: String }
  input RecordSuggestionInput { text: String!, activityId: ID, cycleId: ID, unitId: ID, departmentId: ID, receivedOn: String! }
  input ReplySuggestionInput { status: SuggestionReplyStatus!, reply: String!, version: Int }

  extend type Query {
    outreachActivities(kind: OutreachKind, cycleId: ID, unitId: ID, departmentId: ID, regionId: ID, from: String, to: String, limit: Int, cursor: String): OutreachActivityPage!
    outreachActivity(id: ID!): OutreachActivity
    suggestions(status: SuggestionStatus, activityId: ID, cycleId: ID, unitId: ID, departmentId: ID, from: String, to: String, limit: Int, cursor: String): SuggestionPage!
    suggestion(id: ID!): Suggestion
  }
  extend type Mutation {
    recordOutreachActivity(input: RecordOutreachActivityInput!): OutreachActivity!
    correctOutreachActivity(id: ID!, input: CorrectOutreachActivityInput!): OutreachActivity!
    recordSuggestion(input: RecordSuggestionInput!): Suggestion!
    "up to 1000 in one transaction: all or none; errors name items.<index>.<field>"
    recordSuggestions(items: [RecordSuggestionInput!]!): [Suggestion!]!
    replySuggestion(id: ID!, input: ReplySuggestionInput!): Suggestion!
  }
`;

/** parseArgs drops the nulls of one input object; a list of them needs the same per item. */
const withoutNulls = (o: unknown) => (o && typeof o === 'object' ? Object.fromEntries(Object.entries(o as Record<string, unknown>).filter(([, v]) => v !== null)) : o);

export const outreachResolvers: IResolvers = {
  Query: {
    outreachActivities: guard(OUTREACH_READERS, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.outreach.listActivities(ctx, parseArgs(listOutreachQuery, args), { limit, cursor });
    }),
    outreachActivity: guard(OUTREACH_READERS, ({ id }: { id: string }, { ctx, services }) => services.outreach.getActivity(ctx, id)),
    suggestions: guard(OUTREACH_READERS, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.outreach.listSuggestions(ctx, parseArgs(listSuggestionsQuery, args), { limit, cursor });
    }),
    suggestion: guard(OUTREACH_READERS, ({ id }: { id: string }, { ctx, services }) => services.outreach.getSuggestion(ctx, id)),
  },
  Mutation: {
    recordOutreachActivity: guard(OUTREACH_WRITERS, ({ input }: { input: unknown }, { ctx, services }) =>
      services.outreach.createActivity(ctx, parseArgs(createOutreachBody, input, 'input')),
    ),
    correctOutreachActivity: guard(OUTREACH_WRITERS, ({ id, input }: { id: string; input: unknown }, { ctx, services }) => {
      const body = parseArgs(correctOutreachBody, input, 'input');
      if (body.version === undefined) throw versionRequired();
      return services.outreach.correctActivity(ctx, id, body.version, body);
    }),
    recordSuggestion: guard(OUTREACH_WRITERS, ({ input }: { input: unknown }, { ctx, services }) =>
      services.outreach.createSuggestion(ctx, parseArgs(suggestionInput, input, 'input')),
    ),
    recordSuggestions: guard(OUTREACH_WRITERS, ({ items }: { items: unknown[] }, { ctx, services }) =>
      services.outreach.createSuggestions(ctx, parseArgs(bulkSuggestionsBody, { items: items.map(withoutNulls) }).items),
    ),
    replySuggestion: guard(OUTREACH_WRITERS, ({ id, input }: { id: string; input: unknown }, { ctx, services }) => {
      const body = parseArgs(replySuggestionBody, input, 'input');
      return services.outreach.reply(ctx, id, body, body.version);
    }),
  },
};
