import { readFileSync } from 'node:fs';
import t from 'tap';
import { buildSchema, isEnumType, isListType, isNonNullType, isObjectType } from 'graphql';
import type { GraphQLOutputType } from 'graphql';

// One shape per entity: a REST component and the GraphQL type of the same name describe the same thing. Both
// contracts are read as committed (test/contracts.test.ts proves they are what the code produces).
type JsonSchema = { $ref?: string; type?: string | string[]; format?: string; enum?: unknown[]; const?: unknown; anyOf?: JsonSchema[]; items?: JsonSchema; properties?: Record<string, JsonSchema>; required?: string[] };
const openapi = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')) as { components: { schemas: Record<string, JsonSchema> } };
const sdl = buildSchema(readFileSync(new URL('../openapi/schema.graphql', import.meta.url), 'utf8'));
const components = openapi.components.schemas;

/**
 * Every deliberate difference between a REST component and its GraphQL type. Anything not listed here fails.
 * graphqlOnly: fields only GraphQL has; restOnly: fields only REST has; reshaped: fields both have in another form.
 */
const deliberate: Record<string, { graphqlOnly?: string[]; restOnly?: string[]; reshaped?: string[] }> = {
  // Relations: GraphQL resolves the related record through a batched loader; REST carries only its id.
  AccountabilityAction: { graphqlOnly: ['unit', 'department'] },
  Person: { graphqlOnly: ['unit', 'department'] },
  Appeal: { graphqlOnly: ['unit', 'department'] },
  AssessmentFeedback: { graphqlOnly: ['unit'] },
  Award: { graphqlOnly: ['unit', 'department', 'transitions'] }, // REST: AwardWithTransitions on GET /awards/:id
  Commendation: { graphqlOnly: ['unit'] },
  Complaint: { graphqlOnly: ['unit', 'department', 'events'] }, // REST: ComplaintDetail on GET /complaints/:id
  ComplaintReceipt: { graphqlOnly: ['complaint'] },
  CriteriaSet: { graphqlOnly: ['cycle'] },
  Deed: { graphqlOnly: ['unit'] },
  Department: { graphqlOnly: ['region'] },
  DepartmentScore: { graphqlOnly: ['department'] },
  Enrollment: { graphqlOnly: ['unit', 'cycle'] },
  FollowUp: { graphqlOnly: ['unit', 'department'] },
  InspectionTask: { graphqlOnly: ['supervisor', 'unit', 'round'] },
  NominationCandidate: { graphqlOnly: ['unit'] },
  Problem: { graphqlOnly: ['unit', 'events'] }, // REST: ProblemWithHistory on GET /problems/:id
  RankingEntry: { graphqlOnly: ['unit', 'department', 'explanation'] }, // REST: GET .../entries/:unitId/explanation
  Rating: { graphqlOnly: ['unit', 'department'] },
  RatingCounts: { graphqlOnly: ['unit'] },
  Region: { graphqlOnly: ['parent'] },
  Supervisor: { graphqlOnly: ['department'] },
  Unit: { graphqlOnly: ['department', 'region'] },
  CatalogueServiceItem: { graphqlOnly: ['department'] },
  Case: { graphqlOnly: ['unit', 'item'] },
  // GraphQL's Scorecard is REST's ScorecardDetail: the sections and bonuses are fields a client asks for.
  Scorecard: { graphqlOnly: ['unit', 'sections', 'bonuses', 'bonusCap'] },
  // The label of the item's check method, which REST spells out in the criteria document's checkMethods.
  CriteriaItem: { graphqlOnly: ['checkMethodLabel'] },
  // The signing secret is shown once: REST answers creation with CreatedWebhookSubscription, GraphQL with a nullable field.
  WebhookSubscription: { graphqlOnly: ['secret'], reshaped: ['signing'] },
  // GraphQL has no map type: REST objects keyed by level/status/tier are GraphQL lists of { key, count } entries,
  // and REST's separate label maps are a label on each entry.
  ScoringSettings: { reshaped: ['levelPoints'] },
  RankingParameters: { reshaped: ['categoryMeans'] },
  Statistics: { restOnly: ['labels'] },
  StatisticsAwards: { reshaped: ['byTier', 'byStatus'] },
  StatisticsComplaints: { reshaped: ['byStatus', 'bySource'] },
  StatisticsFigures: { reshaped: ['commendations', 'inspectionRounds', 'inspectionReportsByOrigin', 'accountabilityActions', 'monthly'] },
  StatisticsOutreach: { reshaped: ['activitiesByKind'] },
  StatisticsSuggestions: { reshaped: ['byStatus'] },
  StatisticsMedia: { reshaped: ['itemsByKind'] },
  StatisticsPowerList: { reshaped: ['byLevel', 'byItemKind'] },
  // Amounts in fen exceed GraphQL's 32-bit Int: a Float there, an integer in REST.
  StatisticsInvestments: { reshaped: ['totalFen', 'byFundSourceFen'] },
  StatisticsMonth: { graphqlOnly: ['month'], reshaped: ['investmentsFen'] },
  // 好差评: appeals by kind carry their statuses and decision time in one GraphQL list (REST: two maps beside byKind).
  StatisticsAppeals: { reshaped: ['byKind', 'byStatus'], restOnly: ['byKindAndStatus', 'decisionTimeByKind'] },
  StatisticsHaocha: { reshaped: ['monthly'] },
  StatisticsHaochaMonth: { graphqlOnly: ['month'] },
  Investment: { reshaped: ['amountFen', 'currency'] },
  StatisticsDeeds: { reshaped: ['byStatus'] },
  StatisticsMeasures: { reshaped: ['byStatus'] },
  StatisticsInspectionTasks: { reshaped: ['byRoundKind'] },
  StatisticsFindings: { reshaped: ['bySeverity', 'byStatus'] },
  StatisticsFollowUps: { reshaped: ['byStatus'] },
  StatisticsProblems: { reshaped: ['byStatus'] },
  StatisticsRatingChannel: { graphqlOnly: ['channel', 'label'], reshaped: ['byLevel'] },
  StatisticsRatings: { reshaped: ['byLevel', 'byChannel'] },
  // Closed sets that REST documents as enums and GraphQL still types as String (no GraphQL enum declared yet).
  ProblemEvent: { reshaped: ['action'] },
  RatingImport: { reshaped: ['status', 'format', 'policy'] },
  UnitImport: { reshaped: ['status', 'format', 'policy'] },
  DepartmentImport: { reshaped: ['status', 'format', 'policy'] },
  UnassignedUnit: { reshaped: ['reason'] },
  WebhookDelivery: { reshaped: ['status'] },
  // Secrets are shown once: REST answers with IntegrationClientWithSecret / IntegrationApiKeyWithKey, GraphQL with a nullable field.
  IntegrationClient: { graphqlOnly: ['clientSecret'], reshaped: ['status', 'scopes'] },
  IntegrationApiKey: { graphqlOnly: ['apiKey'], reshaped: ['status'] },
};

/** REST components with no GraphQL type of that name, and why; a REST schema named unlike its GraphQL twin fails. */
const restOnly = [
  'ProblemDetails', // RFC 9457 error body; GraphQL reports errors with extensions.code
  // Composites of one GET, where GraphQL asks for the nested field instead:
  'ScorecardDetail', // Scorecard { sections bonuses }
  'ComplaintDetail', // Complaint { events }
  'ProblemWithHistory', // Problem { events }
  'AwardWithTransitions', // Award { transitions }
  'CreatedWebhookSubscription', // WebhookSubscription { secret }
  // Redacted or public views served only over REST:
  'PublicUnit',
  'AssessmentFeedbackScorecardForStaff',
  'AssessmentFeedbackForStaff',
  // Reference data and maps that GraphQL lists as entries (see reshaped fields above):
  'RatingChannelInfo',
  'RatingLevelInfo',
  'StatisticsCommendations',
  'StatisticsInspectionRounds',
  'StatisticsInspectionReports',
  // The codes of import row errors (GET /import-row-error-codes), like the import jobs' error CSV: REST only.
  'ImportRowErrorCode',
  'ImportRowErrorCodeInfo',
  // Bulk results, where GraphQL returns the list itself ([Deed!]!):
  'DeedBulkResult',
  // 整改措施 records are REST-only for now (problems/:id/measures, improvement-measures, measures):
  'Measure',
  'StatisticsAccountability',
  'StatisticsLabels',
  // GET /public/statistics (公开统计): a REST-only public view with suppressed cells.
  'PublicStatistics',
  'PublicStatisticsFigures',
  'PublicRatings',
  'PublicRatingChannel',
  'PublicComplaints',
  'PublicFollowUps',
  'PublicHaocha',
  'PublicHaochaMonth',
  'PublicCaseRatings',
  'PublicRatingHolds',
  'SuppressibleCount',
  // REST-only endpoints: the audit log, bulk file imports and the Open311 GeoReport v2 adapter.
  'CaseImport',
  'AuditEntry',
  'AuditVerification',
  'Open311Errors',
  'Open311Service',
  'Open311RequestReceipt',
  'Open311Request',
  'Open311Discovery',
  'Open311ServiceDefinition',
  // GET /: the service's front door, a list of links.
  'ServiceIndex',
  // The audit checkpoints' signing keys (RFC 7517), for verifiers outside the service.
  'JsonWebKeySet',
  // 二维码 (images and their public, rate-limited rating endpoint) and the rater's call-back link are REST only, like the public ratings.
  'QrCodeKind',
  'QrCodeLink',
  'QrCodeTarget',
  'CallBackReceipt',
  // Shown-once secrets (IntegrationClient { clientSecret }, IntegrationApiKey { apiKey }) and the OAuth token endpoint (RFC 6749).
  'IntegrationClientWithSecret',
  'IntegrationApiKeyWithKey',
  'OAuthTokenResponse',
  'OAuthError',
];

interface FieldShape {
  kind: string;
  list: boolean;
  nullable: boolean;
}

function restShape(schema: JsonSchema, required: boolean): FieldShape {
  let s = schema;
  let nullable = !required;
  if (s.anyOf) {
    const branches = s.anyOf.filter((b) => b.type !== 'null');
    nullable ||= branches.length < s.anyOf.length;
    s = branches.length === 1 ? branches[0] : { anyOf: branches };
  }
  if (Array.isArray(s.type)) {
    nullable ||= s.type.includes('null');
    s = { ...s, type: s.type.find((x) => x !== 'null') };
  }
  if (s.$ref) {
    const target = components[s.$ref.split('/').pop() ?? ''];
    return { kind: target?.enum ? 'enum' : 'object', list: false, nullable };
  }
  if (s.type === 'array' && s.items) return { kind: restShape(s.items, true).kind, list: true, nullable };
  if (s.format === 'date-time') return { kind: 'date-time', list: false, nullable };
  if (s.enum || s.const !== undefined) return { kind: 'enum', list: false, nullable };
  return { kind: typeof s.type === 'string' ? s.type : 'mixed', list: false, nullable };
}

const graphqlScalars: Record<string, string> = { ID: 'string', String: 'string', Int: 'integer', Float: 'number', Boolean: 'boolean', DateTime: 'date-time' };

function graphqlShape(type: GraphQLOutputType): FieldShape {
  const nullable = !isNonNullType(type);
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return { ...graphqlShape(inner.ofType), list: true, nullable };
  return { kind: graphqlScalars[inner.name] ?? (isEnumType(inner) ? 'enum' : 'object'), list: false, nullable };
}

const pairs = Object.values(sdl.getTypeMap()).filter((type) => isObjectType(type) && components[type.name]?.properties);

t.test('every entity in both contracts is paired by name', async (t) => {
  t.ok(pairs.length > 80, `${pairs.length} REST components have a GraphQL type of the same name`);
  t.same(Object.keys(deliberate).filter((name) => !pairs.some((p) => p.name === name)), [], 'every listed difference names a paired type');
});

t.test('every REST component is named as its GraphQL type, unless it is REST-only on purpose', async (t) => {
  // zod-type-provider documents request bodies as `<Name>Input` copies of the response schemas; those are not entities.
  const entities = Object.keys(components).filter((name) => !(name.endsWith('Input') && components[name.slice(0, -'Input'.length)]));
  t.same(entities.filter((name) => !sdl.getType(name)).sort(), [...restOnly].sort());
});

for (const type of pairs) {
  if (!isObjectType(type)) continue;
  t.test(`${type.name}: the same fields in REST and GraphQL`, async (t) => {
    const rest = components[type.name];
    const restFields = rest.properties ?? {};
    const required = new Set(rest.required ?? []);
    const gqlFields = type.getFields();
    const allowed = deliberate[type.name] ?? {};

    t.same(Object.keys(gqlFields).filter((f) => !(f in restFields)).sort(), [...(allowed.graphqlOnly ?? [])].sort(), 'fields only GraphQL has');
    t.same(Object.keys(restFields).filter((f) => !(f in gqlFields)).sort(), [...(allowed.restOnly ?? [])].sort(), 'fields only REST has');

    const differing = Object.keys(restFields)
      .filter((f) => f in gqlFields)
      .filter((f) => JSON.stringify(restShape(restFields[f], required.has(f))) !== JSON.stringify(graphqlShape(gqlFields[f].type)));
    t.same(differing.sort(), [...(allowed.reshaped ?? [])].sort(), 'fields typed differently (kind, list or nullability)');
  });
}

t.test('timestamps are date-time in REST and DateTime in GraphQL, on every type', async (t) => {
  const stringTimestamps: string[] = [];
  for (const type of Object.values(sdl.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const rest = components[type.name]?.properties ?? {};
    for (const [name, field] of Object.entries(type.getFields())) {
      const timestamp = rest[name] ? restShape(rest[name], true).kind === 'date-time' : /At$/.test(name);
      if (timestamp && graphqlShape(field.type).kind !== 'date-time') stringTimestamps.push(`${type.name}.${name}`);
    }
  }
  t.same(stringTimestamps, [], 'timestamp fields typed String in GraphQL');
  t.ok(sdl.getType('DateTime'), 'the SDL declares scalar DateTime');
});
