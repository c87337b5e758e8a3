import type { IResolvers } from 'mercurius';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { parseArgs } from '../../plugins/graphql.js';
import { MEDIA_READERS, MEDIA_WRITERS, createMediaItemBody, listMediaQuery } from './schemas.js';

export const mediaTypeDefs = /* GraphQL */ `
  "专版 / 消息 / 专题 / 电视问政 / 编发短信"
  enum MediaKind { newspaper_column news_item tv_special tv_inquiry sms_publicity }
  "测评: a satisfaction percentage or a score"
  enum InquiryResultKind { satisfaction_percent score }
  "电视问政: a head who faced the public; personName is null unless the caller is the office or an assessor"
  type InquiryAppearance { personName: String personTitle: String departmentId: ID! resultKind: InquiryResultKind resultLabel: Label result: Float }
  "媒体参与: a newspaper column, news item, TV special, TV inquiry session or publicity texts (quantity: how many alike items it stands for)"
  type MediaItem {
    id: ID!
    kind: MediaKind!
    kindLabel: Label!
    outlet: String!
    title: String!
    publishedOn: String!
    cycleId: ID
    quantity: Int!
    wordCount: Int
    episodes: Int
    messages: Int
    departmentIds: [ID!]!
    unitIds: [ID!]!
    appearances: [InquiryAppearance!]!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type MediaItemPage { items: [MediaItem!]! nextCursor: String }
  input InquiryAppearanceInput { personName: String!, personTitle: String, departmentId: ID!, resultKind: InquiryResultKind, result: Float }
  input RecordMediaItemInput {
    kind: MediaKind!, outlet: String!, title: String!, publishedOn: String!, cycleId: ID, quantity: Int, wordCount: Int, episodes: Int, messages: Int,
    departmentIds: [ID!], unitIds: [ID!], appearances: [InquiryAppearanceInput!]
  }

  extend type Query {
    mediaItems(kind: MediaKind, outlet: String, cycleId: ID, departmentId: ID, unitId: ID, from: String, to: String, limit: Int, cursor: String): MediaItemPage!
    mediaItem(id: ID!): MediaItem
  }
  extend type Mutation {
    recordMediaItem(input: RecordMediaItemInput!): MediaItem!
  }
`;

const withoutNulls = (o: unknown) => (o && typeof o === 'object' ? Object.fromEntries(Object.entries(o as Record<string, unknown>).filter(([, v]) => v !== null)) : o);

export const mediaResolvers: IResolvers = {
  Query: {
    mediaItems: guard({ roles: MEDIA_READERS, scopes: ['statistics:read'] }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.media.list(ctx, parseArgs(listMediaQuery, args), { limit, cursor });
    }),
    mediaItem: guard({ roles: MEDIA_READERS, scopes: ['statistics:read'] }, ({ id }: { id: string }, { ctx, services }) => services.media.get(ctx, id)),
  },
  Mutation: {
    recordMediaItem: guard(MEDIA_WRITERS, ({ input }: { input: Record<string, unknown> }, { ctx, services }) => {
      const appearances = Array.isArray(input.appearances) ? input.appearances.map(withoutNulls) : input.appearances;
      return services.media.create(ctx, parseArgs(createMediaItemBody, { ...input, appearances }, 'input'));
    }),
  },
};
