import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { forbidden, invalid } from '../../lib/errors.js';
import { guard } from '../../lib/graphql.js';
import { pageQuery } from '../../lib/http.js';
import { EVERYONE, prefectureOnly } from '../../lib/principal.js';
import { prefectureWide } from '../regions/scope.js';
import type { Role } from '../../lib/principal.js';
import { parseArgs } from '../../plugins/graphql.js';
import { closeBody, complaintCategoryList, createComplaintBody, decideBody, listComplaintsQuery, publicComplaintBody, startInvestigationBody, triageBody } from './schemas.js';
import type { ComplaintDto } from './schemas.js';
import { departmentById } from '../departments/graphql.js';
import { unitById } from '../units/graphql.js';

const READERS: Role[] = ['admin', 'department', 'unit'];

export const complaintTypeDefs = /* GraphQL */ `
  enum ComplaintCategory { service_attitude efficiency discipline dress_and_conduct fees integrity environment other }
  enum ComplaintSource { portal hotline mailbox sms media integration walk_in }
  "已受理 → 已分办 → 调查中 → 属实/不属实 → 已办结"
  enum ComplaintStatus { received triaged investigating substantiated unsubstantiated closed }
  enum ComplaintSeverity { minor major serious }
  enum ComplaintEventKind { received status_changed response }

  type ComplaintCategoryInfo { code: ComplaintCategory! label: Label! description: String! group: String! groupLabel: Label! keywords: [String!]! }
  "The complainant's contact: admins only"
  type ComplaintContact { name: String phone: String email: String deviceId: String accountId: String }
  type ComplaintEvent {
    id: ID!
    kind: ComplaintEventKind!
    fromStatus: ComplaintStatus
    toStatus: ComplaintStatus
    note: String
    actor: String!
    actorRole: String!
    at: DateTime!
  }
  "投诉举报"
  type Complaint {
    id: ID!
    trackingCode: String!
    source: ComplaintSource!
    externalId: String
    category: ComplaintCategory!
    categoryLabel: Label!
    status: ComplaintStatus!
    statusLabel: Label!
    subject: String!
    description: String!
    unitId: ID
    departmentId: ID
    cycleId: ID
    receivedAt: DateTime!
    stageDeadline: DateTime
    overdue: Boolean!
    substantiated: Boolean
    severity: ComplaintSeverity
    findings: String
    reply: String
    decidedAt: DateTime
    closedAt: DateTime
    address: String
    "the sender's own id for the place (Open311 address_id)"
    addressId: String
    "a link to a photo or other media (Open311 media_url)"
    mediaUrl: String
    lat: Float
    long: Float
    contact: ComplaintContact
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    unit: Unit
    department: Department
    events: [ComplaintEvent!]!
  }
  type ComplaintPage { items: [Complaint!]! nextCursor: String }
  type PublicComplaintStage { stage: ComplaintStatus! stageLabel: Label! at: DateTime! }
  "A complaint as its tracking code shows it: no personal data, no internal notes"
  type PublicComplaint {
    trackingCode: String!
    category: ComplaintCategory!
    categoryLabel: Label!
    status: ComplaintStatus!
    statusLabel: Label!
    receivedAt: DateTime!
    stageDeadline: DateTime
    history: [PublicComplaintStage!]!
    reply: String
    closedAt: DateTime
  }
  "complaint is set for admins and integrations only"
  type ComplaintReceipt { trackingCode: String! status: ComplaintStatus! complaint: Complaint }
  input ComplaintContactInput { name: String, phone: String, email: String }
  input SubmitComplaintInput {
    category: ComplaintCategory!, subject: String!, description: String!, unitId: ID, contact: ComplaintContactInput,
    address: String, lat: Float, long: Float,
    "admins and integrations only"
    source: ComplaintSource,
    "admins and integrations only"
    externalId: String,
    "admins and integrations only"
    receivedAt: String
  }

  extend type Query {
    complaintCategories: [ComplaintCategoryInfo!]!
    complaints(status: ComplaintStatus, unitId: ID, departmentId: ID, cycleId: ID, category: ComplaintCategory, source: ComplaintSource,
      overdue: Boolean, from: String, to: String, limit: Int, cursor: String): ComplaintPage!
    complaint(id: ID!): Complaint
    complaintByTrackingCode(trackingCode: String!): PublicComplaint
  }
  extend type Mutation {
    submitComplaint(input: SubmitComplaintInput!): ComplaintReceipt!
    triageComplaint(id: ID!, unitId: ID, note: String, version: Int): Complaint!
    startComplaintInvestigation(id: ID!, note: String, version: Int): Complaint!
    decideComplaint(id: ID!, substantiated: Boolean!, findings: String!, severity: ComplaintSeverity, version: Int): Complaint!
    closeComplaint(id: ID!, reply: String!, version: Int): Complaint!
  }
`;

type Args = Record<string, unknown> & { id: string };
const INTAKE_ROLES: Role[] = ['admin', 'integration'];

export const complaintResolvers: IResolvers = {
  Query: {
    complaintCategories: guard(EVERYONE, () => complaintCategoryList()),
    complaints: guard({ roles: READERS, regionScoped: true }, (args: Record<string, unknown>, { ctx, services }) => {
      const { limit, cursor } = parseArgs(pageQuery, args);
      return services.complaints.list(ctx, parseArgs(listComplaintsQuery, args), { limit, cursor });
    }),
    complaint: guard({ roles: READERS, regionScoped: true }, ({ id }: { id: string }, { ctx, services }) => services.complaints.get(ctx, id)),
    complaintByTrackingCode: guard(EVERYONE, ({ trackingCode }: { trackingCode: string }, { services }) => services.complaints.publicByTrackingCode(trackingCode)),
  },
  Mutation: {
    submitComplaint: guard({ roles: EVERYONE, scopes: ['complaints:write'] }, async ({ input }: { input: Record<string, unknown> }, { ctx, services }) => {
      if (INTAKE_ROLES.includes(ctx.principal.role)) {
        // The office's intake (REST POST /complaints) is the prefecture office's; a county token is refused as there.
        if (!prefectureWide(ctx.principal)) throw forbidden(prefectureOnly('complaint intake'));
        const { complaint, created: _ } = await services.complaints.intake(ctx, parseArgs(createComplaintBody, input, 'input'));
        return { trackingCode: complaint.trackingCode, status: complaint.status, complaint };
      }
      for (const field of ['source', 'externalId', 'receivedAt']) {
        if (input[field] !== null && input[field] !== undefined) throw invalid(`input.${field}`, 'only admins and integrations set this');
      }
      return { ...(await services.complaints.submitPublic(ctx, parseArgs(publicComplaintBody, input, 'input'))), complaint: null };
    }),
    triageComplaint: guard(['admin'], ({ id, ...args }: Args, { ctx, services }) => {
      const { version, ...input } = parseArgs(triageBody, args);
      return services.complaints.triage(ctx, id, version, input);
    }),
    startComplaintInvestigation: guard(['admin'], ({ id, ...args }: Args, { ctx, services }) => {
      const { version, note } = parseArgs(startInvestigationBody, args);
      return services.complaints.startInvestigation(ctx, id, version, note);
    }),
    decideComplaint: guard(['admin'], ({ id, ...args }: Args, { ctx, services }) => {
      const { version, ...input } = parseArgs(decideBody, args);
      return services.complaints.decide(ctx, id, version, input);
    }),
    closeComplaint: guard(['admin'], ({ id, ...args }: Args, { ctx, services }) => {
      const { version, reply } = parseArgs(closeBody, args);
      return services.complaints.close(ctx, id, version, reply);
    }),
  },
};

export const complaintLoaders: MercuriusLoaders = {
  Complaint: {
    unit: unitById.by((c: ComplaintDto) => c.unitId),
    department: departmentById.by((c: ComplaintDto) => c.departmentId),
    events: (queries: { obj: ComplaintDto }[], { services }) => services.complaints.eventsOf(queries.map((q) => q.obj.id)),
  },
};
