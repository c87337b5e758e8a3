import { STATUS_CODES } from 'node:http';
import { catalogues } from '../error-catalogue.js';
import type { ErrorSpec } from '../lib/errors.js';
import type { Role } from '../lib/principal.js';
import { requestExample } from './docs-examples.js';

/**
 * The finishing pass over the generated OpenAPI document (plugins/docs.ts): what @fastify/swagger cannot derive
 * from one route's zod schemas — tags in domain order, servers, contact, error bodies as problem+json with their
 * codes, the rate-limit headers, integer formats and the bounds the server holds on every string and array.
 * Generic over every route, so a new route is documented the same way without touching this file.
 */

type Json = Record<string, unknown>;
type Schema = Json & { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema };

/** Tags in the order a reader meets the campaign: its structure, the year's work, the outcome, then the platform. */
const TAGS: [name: string, zhCN: string, en: string][] = [
  ['regions', '区域（县、乡镇、街道）', 'Regions: county, townships and streets, as a tree'],
  ['departments', '主管部门（县直部门、垂管单位）', 'Departments: the county bodies and vertically managed offices units belong to'],
  ['units', '基层站所（窗口）：负责人、公开服务承诺、服务事项', 'Units (service windows): head, public service commitments, service items'],
  ['cycles', '创建周期：阶段、权重、名额、最低样本量', 'Cycles: phases, scoring weights, award quotas, minimum sample sizes'],
  ['criteria', '创建标准与考核实施办法（按类别、按周期、带版本）', 'Criteria sets per category and cycle, versioned and frozen once used'],
  ['enrollments', '参评报名与取消评比资格', 'Enrollments: a unit takes part in a cycle, or is disqualified'],
  ['service-items', '政务服务事项目录：事项编码、承诺时限、服务方式', 'Service items: the catalogue of 事项 with codes, promised working days and service modes'],
  ['cases', '办件：受理、办结、退回、不予受理；限时办结与一周办结', 'Cases: received, accepted, completed, returned or refused; on time and within a week'],
  ['assessments', '考评打分：扣分、加分与反馈', 'Assessments: scorecards with deductions, bonuses and feedback'],
  ['supervision', '义务监督员、拉网式/点对点暗访与暗访反馈', 'Supervision: volunteer supervisors, inspection rounds, tasks and reports'],
  ['ratings', '群众评价（好差评）：逐条提交与批量导入', 'Ratings: public satisfaction responses, one by one or imported in bulk'],
  ['qr-codes', '二维码评价：单位与窗口的签名二维码', 'QR codes: signed codes per unit and window that lead to a rating'],
  ['complaints', '投诉举报：分办、调查、答复', 'Complaints: triage, investigation and reply'],
  ['problems', '问题整改：责任书、整改措施、核查', 'Problems: rectification with responsibility letter, measures and verification'],
  ['deeds', '为群众办实事', 'Deeds: practical things done for the public'],
  ['appeals', '申诉复核：对差评、扣分、暗访问题、取消资格、命名变更与投诉的申诉', 'Appeals against a bad rating, a deduction, a finding, a disqualification, an award transition or a complaint'],
  ['accountability', '问责：约谈、通报批评、处分', 'Accountability actions: interviews, notices of criticism, discipline'],
  ['persons', '人员及其档案：处分、表彰（仅限纠风办）', 'Persons and their record: sanctions and honours (campaign office only)'],
  ['rankings', '综合得分与排名公示（不可变快照）', 'Scores and rankings: immutable published snapshots'],
  ['awards', '命名表彰：十佳、百佳、黄牌警告、摘牌', 'Awards: top 10 and top 100, yellow cards and revocation'],
  ['scoreboard', '部门行风考核挂钩', 'Department scoreboard: what named units add to their departments'],
  ['exchange', '省级好差评平台对接：按省平台字段导入导出评价与办件', 'Provincial exchange: ratings and cases in the provincial 好差评 platform\'s field layout, both ways'],
  ['statistics', '统计：参评单位、问题、评价、投诉', 'Statistics: the figures the campaign reports'],
  ['outreach', '群众评价机制：征求意见、走访、座谈、问卷、电话询访、短信与意见建议', 'Outreach: opinion forms, household visits, forums, questionnaires, phone inquiries, messages and suggestions'],
  ['media', '媒体参与：专版、消息、专题、电视问政、编发短信', 'Media: newspaper columns, news items, TV specials, TV inquiries and publicity messages'],
  ['power-list', '行政权力清理：登记、保留、合并、取消', 'Power-list cleanup: powers and items registered, kept, merged and abolished'],
  ['investments', '硬件建设投入：金额、资金来源与建设内容', 'Investments: amounts, sources of funds and what was built'],
  ['public', '公开查询：无需令牌', 'Public: what anyone may read or submit without a token'],
  ['open311', 'Open311 GeoReport v2 适配接口', 'Open311 GeoReport v2 adapter for complaint intake and tracking'],
  ['calendar', '工作日历：法定节假日与调休', 'Calendar: public holidays and make-up working days that deadlines count on'],
  ['webhooks', '事件推送（签名、至少一次）', 'Webhooks: signed events, delivered at least once'],
  ['integration-clients', '接入客户端：OAuth 2.0 客户端凭据、授权范围与 Open311 API 密钥', 'Integration clients: OAuth 2.0 client credentials, scopes and Open311 API keys'],
  ['oauth', '令牌端点（RFC 6749 客户端凭据模式）', 'Token endpoint: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4)'],
  ['audit', '审计日志（只追加、防篡改）', 'Audit log: append-only and tamper-evident'],
  ['health', '存活与就绪检查', 'Health: liveness and readiness'],
  ['index', '入口：文档、GraphQL 与公开入口的链接', 'Index: links to the documentation, GraphQL and the public entry points'],
  ['docs', '接口文档', 'Documentation: this document and its pages'],
];

export interface DocumentLimits {
  /** BODY_LIMIT_BYTES: no string or array in a request body can be longer. */
  bodyLimit: number;
  /** The router's maxParamLength: a longer path segment is 414. */
  maxParamLength: number;
  /** Node's maxHeaderSize: the request line (with its query string) and headers together. */
  maxHeaderSize: number;
  /** PUBLIC_BASE_URL, when this deployment knows where it is published. */
  publicBaseUrl?: string;
}

/** What the route transform records on an operation for this pass. */
export const ACCESS = 'x-manyi-access';
/** Set where @fastify/rate-limit counts anonymous callers: the headers and 429 it answers with are declared. */
export const RATE_LIMITED = 'x-manyi-rate-limit';

export function accessNote(roles: readonly Role[]): string {
  const named = roles.filter((r) => r !== 'anonymous');
  const who = named.length ? `roles ${named.map((r) => `\`${r}\``).join(', ')}` : 'no role';
  return roles.includes('anonymous') ? `Who may call: anyone without a token, and ${who}.` : `Who may call: ${who} (bearer token).`;
}

const headerSchema = (description: string, schema: Json) => ({ description, schema });
const INT = { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 };
function rateLimitHeaders(perMinute: number): Json {
  const when = 'Sent to anonymous callers, whose requests are limited';
  return {
    'X-RateLimit-Limit': headerSchema(`${when}: requests allowed per minute (${perMinute} as configured here)`, INT),
    'X-RateLimit-Remaining': headerSchema(`${when}: requests left in this window`, INT),
    'X-RateLimit-Reset': headerSchema(`${when}: seconds until the window resets`, INT),
  };
}
const corsHeader = {
  'Access-Control-Allow-Origin': headerSchema('Sent when the request has an Origin listed in CORS_ORIGINS (none by default)', { type: 'string', format: 'uri', maxLength: 2000 }),
};

type Catalogue = keyof typeof catalogues;

/**
 * The codes an answer of this status may carry: the shared ones (GraphQL's aside), those of the operation's module
 * (its first tag) and of the plugins it passes through (Idempotency-Key).
 */
function codesFor(status: number, owners: Catalogue[]): string[] {
  const has = (spec: ErrorSpec) => [spec.status].flat().includes(status);
  const pick = (catalogue: Record<string, ErrorSpec>) => Object.entries(catalogue).filter(([code, spec]) => has(spec) && !code.startsWith('graphql_')).map(([code]) => code);
  return [...new Set(['shared' as const, ...owners].flatMap((owner) => pick(catalogues[owner])))].sort();
}

const PROBLEM_REF = '#/components/schemas/ProblemDetails';
function problemResponse(status: number, owners: Catalogue[], headers?: Json): Json {
  const codes = codesFor(status, owners);
  const schema = codes.length
    ? { allOf: [{ $ref: PROBLEM_REF }, { type: 'object', properties: { code: { type: 'string', enum: codes } } }] }
    : { $ref: PROBLEM_REF };
  return {
    description: `${STATUS_CODES[status] ?? 'Error'}: a problem document (RFC 9457)${codes.length ? `; code is one of ${codes.map((c) => `\`${c}\``).join(', ')}` : ''}`,
    ...(headers ? { headers } : {}),
    content: { 'application/problem+json': { schema } },
  };
}

const isProblemContent = (content: unknown) => JSON.stringify(content ?? {}).includes(PROBLEM_REF);

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Json[];
  requestBody?: { content: Record<string, { schema?: Schema; example?: unknown }> };
  parameters?: { in: string; name: string; schema?: Schema }[];
  responses?: Record<string, Json & { description?: string; content?: Json; headers?: Json }>;
  [ACCESS]?: { roles: Role[] };
  [RATE_LIMITED]?: { callers: 'anonymous'; perMinute: number };
}

type Resolve = (ref: string) => Schema | undefined;

function polishOperation(op: Operation, path: string, limits: DocumentLimits, resolve: Resolve): void {
  const owners = [op.tags?.[0], op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key') ? 'idempotency' : undefined].filter(
    (owner): owner is Catalogue => owner !== undefined && owner in catalogues,
  );
  // GeoReport answers errors in its own format (Open311Errors, JSON or XML), the token endpoint in RFC 6749's
  // (§5.2: { error, error_description }); everything else speaks problem+json.
  const ownErrors = path.startsWith('/open311/') || path.startsWith('/oauth/');
  const responses = (op.responses ??= {});
  const limit = op[RATE_LIMITED];
  const limited = limit !== undefined;
  const limitHeaders = limit ? rateLimitHeaders(limit.perMinute) : {};

  if (!ownErrors) {
    // Any request can be refused by the HTTP layer (400), carry a token that does not verify (401), or fail (500).
    for (const status of [400, 401, 500]) responses[status] ??= problemResponse(status, owners);
    if (limited) responses[429] ??= problemResponse(429, owners);
  } else {
    // The same statuses, in GeoReport's error list (the route's own 400 shows its shape).
    const own = (status: number) => ({ description: `${STATUS_CODES[status]}: a GeoReport error list`, content: structuredClone(responses['400']?.content ?? {}) });
    responses[500] ??= own(500);
    if (limited) responses[429] ??= own(429);
  }
  for (const [key, response] of Object.entries(responses)) {
    const status = Number(key);
    if (!ownErrors && status >= 400 && (isProblemContent(response.content) || !response.content)) {
      responses[key] = { ...problemResponse(status, owners), ...(response.headers ? { headers: response.headers } : {}) };
    } else if (!response.description || response.description === 'Default Response') {
      response.description = status < 300 ? `${STATUS_CODES[status] ?? 'Success'}: ${op.summary ?? op.operationId ?? ''}`.trim() : (STATUS_CODES[status] ?? 'Error');
    }
    const r = responses[key];
    if (status === 429) r.headers = { ...(r.headers as Json), 'Retry-After': headerSchema('seconds to wait before trying again', INT) };
    if (limited && /^[24]/.test(key)) r.headers = { ...(r.headers as Json), ...limitHeaders };
    if (r.headers) r.headers = { ...(r.headers as Json), ...corsHeader };
  }

  const body = op.requestBody?.content['application/json'];
  if (body?.schema && body.example === undefined && op.operationId) body.example = requestExample(op.operationId, body.schema, resolve);
}

/** int32 when the bounds fit in 32 bits, else int64 (JavaScript's safe integers). */
function integerFormat(schema: Schema): string {
  const min = typeof schema.minimum === 'number' ? schema.minimum : -Infinity;
  const max = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
  return min >= -2147483648 && max <= 2147483647 ? 'int32' : 'int64';
}

const hasType = (schema: Schema, type: string) => schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));

/**
 * Walks every schema. `cap` is the longest string or array the server can take or give in this place: a path
 * segment is at most maxParamLength, a query or header value at most maxHeaderSize, anything in a body at most the
 * body limit. Answers hold only what the service generated (ids, times, labels) or stored after validating it
 * against bounded input, so the body limit bounds their strings too; for arrays in answers it is only a ceiling
 * (info.description says so). A schema's own tighter bound always wins.
 */
function bound(node: unknown, cap: number): void {
  if (Array.isArray(node)) {
    for (const item of node) bound(item, cap);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const schema = node as Schema;
  if (hasType(schema, 'integer') && schema.format === undefined) schema.format = integerFormat(schema);
  if (hasType(schema, 'string') && schema.maxLength === undefined && schema.enum === undefined && schema.const === undefined) {
    schema.maxLength = schema.format === 'uuid' ? 36 : cap;
  }
  if (hasType(schema, 'array') && schema.maxItems === undefined) schema.maxItems = cap;
  // `anyOf: [{}, …]` admits anything: say so plainly rather than with a composition that constrains nothing.
  if (Array.isArray(schema.anyOf) && schema.anyOf.some((s) => s && typeof s === 'object' && Object.keys(s).length === 0)) delete schema.anyOf;
  // A map with required keys (a record over an enum): name the keys as properties.
  if (Array.isArray(schema.required) && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    const properties = (schema.properties ??= {});
    for (const key of schema.required as string[]) properties[key] ??= structuredClone(schema.additionalProperties) as Schema;
  }
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'example' || key === 'examples' || key === 'enum' || key === 'const' || key === 'default') continue;
    bound(value, cap);
  }
}

/** Components no operation reaches (the input twins of answer-only schemas) only clutter the document. */
function dropUnreferenced(doc: Json): void {
  const schemas = ((doc.components as Json).schemas ?? {}) as Record<string, unknown>;
  const reached = new Set<string>();
  const visit = (node: unknown) => {
    const text = JSON.stringify(node);
    for (const m of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (!reached.has(m[1])) {
        reached.add(m[1]);
        visit(schemas[m[1]]);
      }
    }
  };
  visit(doc.paths);
  for (const name of Object.keys(schemas)) if (!reached.has(name)) delete schemas[name];
}

export function polishDocument(doc: Json, limits: DocumentLimits): Json {
  const info = doc.info as Json;
  info.description = `${String(info.description ?? '')} Bounds: every string and array says how long it can be. Where a field has no tighter bound of its own, that is what the server holds everywhere: a path segment is at most ${limits.maxParamLength} characters (longer is 414), a query string or header at most ${limits.maxHeaderSize} bytes with the request line (longer is 431), a request body at most ${limits.bodyLimit} bytes (BODY_LIMIT_BYTES; longer is 413); a string in an answer is one the service generated or stored after checking it against such bounded input (rating import rows included), so the same bound holds for it. A list answers a page of at most 200 items; any other array in an answer without a bound of its own (a record's evidence or history, the entries of one ranking) carries the body limit as its ceiling, which the service does not otherwise enforce.`.trim();
  info.contact = { name: 'manyi maintainers, for the campaign office (纠风办)' };
  info.license = { name: 'Proprietary', identifier: 'LicenseRef-manyi-proprietary' };
  doc.servers = [
    {
      url: limits.publicBaseUrl ?? '/',
      description: limits.publicBaseUrl ? 'this deployment (production, PUBLIC_BASE_URL)' : 'the host serving this document (local, test or production alike)',
      'x-internal': false,
    },
  ];
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const schemas = ((doc.components as Json).schemas ?? {}) as Record<string, Schema>;
  const resolve: Resolve = (ref) => schemas[ref.replace('#/components/schemas/', '')];
  for (const [path, item] of Object.entries(paths)) {
    for (const op of Object.values(item)) {
      polishOperation(op, path, limits, resolve);
      for (const p of op.parameters ?? []) bound(p.schema, p.in === 'path' ? limits.maxParamLength : limits.maxHeaderSize);
      if (op.requestBody) bound(op.requestBody, limits.bodyLimit);
      if (op.responses) bound(op.responses, limits.bodyLimit);
    }
  }
  dropUnreferenced(doc);
  bound((doc.components as Json).schemas, limits.bodyLimit);
  const used = new Set(Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])));
  doc.tags = TAGS.filter(([name]) => used.has(name)).map(([name, zhCN, en]) => ({ name, description: `${zhCN}\n\n${en}`, 'x-displayName': `${zhCN.split(/[：（]/)[0]} ${name}` }));
  const unknown = [...used].filter((t) => !TAGS.some(([name]) => name === t));
  if (unknown.length) throw new Error(`OpenAPI tags without a description in plugins/docs-document.ts: ${unknown.join(', ')}`);
  return doc;
}
