/**
 * Typed domain errors. One handler (plugins/errors.ts) turns them into RFC 9457 problem+json for REST
 * and into `extensions.code` for GraphQL.
 *
 * Every code is declared once: the shared ones below, a module's own in `src/modules/<noun>/errors.ts`
 * (built with `defineErrors`), all merged in `src/error-catalogue.ts`. The helpers accept only declared
 * codes, and only those declared with the status the helper answers with.
 */
import type { ErrorCatalogue } from '../error-catalogue.js';

export interface FieldError {
  field: string;
  message: string;
}

/** What a code means: the HTTP status it answers with (a few codes have two), a title and one line for clients. */
export interface ErrorSpec {
  readonly status: number | readonly number[];
  readonly title: string;
  readonly description: string;
  /** The same in Chinese (简体中文), for callers whose Accept-Language prefers it; every code has one (test/errors.test.ts). */
  readonly zh?: { readonly title: string; readonly description: string };
}

/** Declares a module's codes; `const` keeps each status a literal so helpers can check it. */
export function defineErrors<const C extends Record<string, ErrorSpec>>(catalogue: C): C {
  return catalogue;
}

/** Codes that plugins (errors, auth, rate limit, GraphQL) and the shared helpers emit. */
export const sharedErrors = defineErrors({
  duplicate_org_code: {
    status: 409,
    title: 'Duplicate Organisation Code',
    description: 'another department (or unit) already carries this 统一社会信用代码 / 组织机构代码',
    zh: { title: '机构代码重复', description: '已有其他部门（或单位）使用该统一社会信用代码/组织机构代码' },
  },
  bad_request: { status: 400, title: 'Bad Request', description: 'the HTTP layer refused the request (malformed body, URL or header)', zh: { title: '请求有误', description: 'HTTP 层拒绝了该请求（请求体、URL 或请求头格式不正确）' } },
  validation_failed: {
    status: [400, 422],
    title: 'Validation Failed',
    description: '400: the request does not match its schema; 422: it does, but a field breaks a rule (see `errors`)',
    zh: { title: '校验未通过', description: '400：请求不符合接口格式；422：格式正确，但某个字段违反业务规则（见 errors）' },
  },
  invalid_characters: {
    status: 400,
    title: 'Invalid Characters',
    description: 'the URL, query string, body or a GraphQL string holds a NUL character, malformed percent-encoding or text that is not valid Unicode',
    zh: { title: '字符无效', description: 'URL、查询串、请求体或 GraphQL 字符串中含有 NUL 字符、错误的百分号编码或无效的 Unicode 文本' },
  },
  credentials_in_query: {
    status: 400,
    title: 'Credentials in Query String',
    description: 'tokens go in the Authorization header, never in the URL (`access_token`, `token`, `jwt` are refused)',
    zh: { title: '查询串中含凭证', description: '令牌只能放在 Authorization 请求头中，不能放在 URL 里（access_token、token、jwt 一律拒绝）' },
  },
  invalid_value: { status: 400, title: 'Invalid Value', description: 'a value is not in the expected form (for ids: a UUID)', zh: { title: '取值无效', description: '某个值的形式不对（标识须为 UUID）' } },
  invalid_cursor: { status: 400, title: 'Invalid Cursor', description: 'the cursor was not issued by this API', zh: { title: '游标无效', description: '该游标不是本接口签发的' } },
  invalid_if_match: { status: 400, title: 'Invalid If-Match', description: 'If-Match is not an ETag this API issued', zh: { title: 'If-Match 无效', description: 'If-Match 不是本接口签发的 ETag' } },
  unauthorized: { status: 401, title: 'Unauthorized', description: 'a valid bearer token is required', zh: { title: '未认证', description: '需要有效的 Bearer 令牌' } },
  forbidden: { status: 403, title: 'Forbidden', description: 'the caller\'s role or scope may not do this', zh: { title: '无权操作', description: '调用者的角色或范围不允许此操作' } },
  not_found: { status: 404, title: 'Not Found', description: 'the record does not exist or is not visible to the caller', zh: { title: '未找到', description: '记录不存在，或调用者无权查看' } },
  route_not_found: { status: 404, title: 'Not Found', description: 'no route has this method and path', zh: { title: '未找到', description: '没有与该方法和路径对应的接口' } },
  method_not_allowed: { status: 405, title: 'Method Not Allowed', description: 'the path exists but not with this method (see Allow)', zh: { title: '方法不允许', description: '该路径存在，但不支持此方法（见 Allow 响应头）' } },
  illegal_transition: {
    status: 409,
    title: 'Illegal Transition',
    description: 'the record\'s state machine does not allow this move; `from`, `to` and `allowed` say what it can do',
    zh: { title: '状态变更不允许', description: '该记录的状态流转不允许这一步；from、to 和 allowed 说明可以怎样变更' },
  },
  import_lease_lost: {
    status: 409,
    title: 'Import Lease Lost',
    description: 'the import stalled past its lease and the sweep failed it as orphaned while it still ran; the job says what it had committed',
    zh: { title: '导入租约已失效', description: '导入停滞超过租约期限，已被清理任务判定为中断并置为失败；已提交的内容见该导入任务' },
  },
  duplicate: { status: 409, title: 'Duplicate', description: 'a record with the same key already exists', zh: { title: '记录重复', description: '已存在键相同的记录' } },
  concurrent_update: { status: 409, title: 'Concurrent Update', description: 'a concurrent change won; retry', zh: { title: '并发修改', description: '另一个并发修改已先生效，请重试' } },
  request_timeout: { status: 408, title: 'Request Timeout', description: 'the request did not arrive in time; the connection is closed', zh: { title: '请求超时', description: '请求未能按时到达，连接已关闭' } },
  version_mismatch: { status: 412, title: 'Precondition Failed', description: 'the record changed since it was read (see `currentVersion`)', zh: { title: '前提条件不满足', description: '记录在读取之后已被修改（见 currentVersion）' } },
  payload_too_large: { status: 413, title: 'Content Too Large', description: 'the request body or uploaded file is too large', zh: { title: '内容过大', description: '请求体或上传文件过大' } },
  uri_too_long: { status: 414, title: 'URI Too Long', description: 'a path segment is longer than the router accepts (100 characters)', zh: { title: 'URI 过长', description: '路径中某一段超过路由接受的长度（100 个字符）' } },
  unsupported_media_type: { status: 415, title: 'Unsupported Media Type', description: 'the body is not in a media type this route takes', zh: { title: '媒体类型不支持', description: '请求体的媒体类型不是该接口接受的类型' } },
  version_required: { status: 428, title: 'Precondition Required', description: 'an update needs If-Match (or `version` in the body)', zh: { title: '需要前提条件', description: '修改需要 If-Match（或在请求体中提供 version）' } },
  rate_limited: { status: 429, title: 'Too Many Requests', description: 'anonymous callers are limited per minute; retry later', zh: { title: '请求过多', description: '匿名调用按分钟限流，请稍后重试' } },
  headers_too_large: {
    status: 431,
    title: 'Request Header Fields Too Large',
    description: 'the request headers exceed 16 KB; the connection is closed',
    zh: { title: '请求头过大', description: '请求头超过 16 KB，连接已关闭' },
  },
  internal_error: { status: 500, title: 'Internal Server Error', description: 'an unexpected error; it is logged with the request id', zh: { title: '服务器内部错误', description: '发生意外错误，已按请求编号记录日志' } },
  database_unavailable: {
    status: 503,
    title: 'Service Unavailable',
    description: 'the database connection was lost or refused mid-request (restart, failover); only a 2xx acknowledges a write; retry after Retry-After',
    zh: { title: '服务暂不可用', description: '数据库连接在请求过程中断开或被拒绝（重启、切换）；只有 2xx 才表示写入成功；请在 Retry-After 之后重试' },
  },
  overloaded: {
    status: 503,
    title: 'Service Unavailable',
    description: 'this instance is overloaded (event loop delay or memory over its limit) and sheds requests; retry after Retry-After',
    zh: { title: '服务暂不可用', description: '本实例负载过高（事件循环延迟或内存超限），正在拒绝请求；请在 Retry-After 之后重试' },
  },
  shutting_down: { status: 503, title: 'Service Unavailable', description: 'this instance is shutting down; retry (another instance will answer)', zh: { title: '服务暂不可用', description: '本实例正在关闭，请重试（其他实例会响应）' } },
  database_unreachable: { status: 503, title: 'Service Unavailable', description: 'readiness: the database does not answer', zh: { title: '服务暂不可用', description: '就绪检查：数据库没有响应' } },
  migrations_pending: { status: 503, title: 'Service Unavailable', description: 'readiness: migrations are not all applied', zh: { title: '服务暂不可用', description: '就绪检查：数据库迁移尚未全部执行' } },
  graphql_validation_failed: { status: 400, title: 'GraphQL Validation Failed', description: 'the GraphQL document does not parse or validate', zh: { title: 'GraphQL 校验未通过', description: 'GraphQL 文档无法解析或未通过校验' } },
  graphql_query_too_deep: { status: 400, title: 'GraphQL Query Too Deep', description: 'the GraphQL document nests deeper than allowed', zh: { title: 'GraphQL 查询层级过深', description: 'GraphQL 文档的嵌套层级超过允许值' } },
  graphql_cost_exceeded: {
    status: 400,
    title: 'GraphQL Cost Exceeded',
    description: 'the GraphQL operation would cost more than the caller\'s budget (fields, list sizes, heavy fields); ask for less or page',
    zh: { title: 'GraphQL 查询代价超限', description: '该 GraphQL 操作的代价（字段、列表长度、重字段）超过调用者的额度；请少取一些或分页' },
  },
  graphql_too_many_aliases: { status: 400, title: 'GraphQL Too Many Aliases', description: 'one selection set asks for the same field under more aliases than allowed', zh: { title: 'GraphQL 别名过多', description: '同一选择集中以别名重复请求同一字段的次数超过允许值' } },
  graphql_too_many_root_fields: { status: 400, title: 'GraphQL Too Many Root Fields', description: 'the GraphQL operation asks for more root fields than allowed', zh: { title: 'GraphQL 根字段过多', description: '该 GraphQL 操作请求的根字段数超过允许值' } },
  graphql_introspection_disabled: { status: 400, title: 'GraphQL Introspection Disabled', description: 'this deployment does not answer introspection (`__schema`, `__type`)', zh: { title: 'GraphQL 内省已关闭', description: '本部署不响应内省查询（__schema、__type）' } },
});

/** Every declared code. */
export type ErrorCode = keyof ErrorCatalogue & string;
type StatusOf<K extends ErrorCode> = ErrorCatalogue[K]['status'] extends readonly (infer N)[] ? N : ErrorCatalogue[K]['status'];
/** The declared codes that answer with status `S`. */
export type CodeWithStatus<S extends number> = { [K in ErrorCode]: S extends StatusOf<K> ? K : never }[ErrorCode];

export class DomainError extends Error {
  /** The detail in Chinese, where the thrower wrote one; otherwise a zh-CN reader gets the code's description and this detail. */
  detailZh?: string;

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly title: string,
    detail: string,
    readonly extra: { errors?: FieldError[]; [k: string]: unknown } = {},
  ) {
    super(detail);
  }

  /** The same error with a Chinese detail. */
  zh(detail: string): this {
    this.detailZh = detail;
    return this;
  }
}

export const badRequest = (code: CodeWithStatus<400>, detail: string) => new DomainError(400, code, 'Bad Request', detail);

export const notFound = (entity: string, id: string) =>
  new DomainError(404, 'not_found', 'Not Found', `${entity} ${id} does not exist or is not visible to you`).zh(`${entity} ${id} 不存在，或您无权查看`);

export const forbidden = (detail?: string, extra: { errors?: FieldError[] } = {}) =>
  detail ? new DomainError(403, 'forbidden', 'Forbidden', detail, extra) : new DomainError(403, 'forbidden', 'Forbidden', 'your role may not do this', extra).zh('您的角色无权执行此操作');

export const unauthorized = (detail?: string) =>
  detail ? new DomainError(401, 'unauthorized', 'Unauthorized', detail) : new DomainError(401, 'unauthorized', 'Unauthorized', 'a valid bearer token is required').zh('需要有效的 Bearer 令牌');

export const conflict = (code: CodeWithStatus<409>, detail: string, extra: Record<string, unknown> = {}) =>
  new DomainError(409, code, 'Conflict', detail, extra);

/** 409 illegal_transition with the one shape every state machine answers with: `{ from, to, allowed }`. */
export function illegalTransition(entity: string, id: string, from: string, to: string, allowed: readonly string[], detail?: string): DomainError {
  const e = conflict(
    'illegal_transition',
    detail ?? `${entity} ${id} is ${from}; it cannot move to ${to}: ${allowed.length ? `it can move to ${allowed.join(' or ')}` : `${from} is final`}`,
    { from, to, allowed: [...allowed] },
  );
  return detail ? e : e.zh(`${entity} ${id} 当前为 ${from}，不能变更为 ${to}：${allowed.length ? `可变更为 ${allowed.join(' 或 ')}` : `${from} 为终态`}`);
}

export const invalid = (field: string, message: string, code: CodeWithStatus<422> = 'validation_failed') =>
  new DomainError(422, code, 'Unprocessable Content', `${field}: ${message}`, { errors: [{ field, message }] });

export const invalidMany = (errors: FieldError[], code: CodeWithStatus<422> = 'validation_failed') =>
  new DomainError(422, code, 'Unprocessable Content', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });

export const versionMismatch = (entity: string, expected: number, actual: number) =>
  new DomainError(412, 'version_mismatch', 'Precondition Failed', `${entity} is at version ${actual}, not ${expected}: reload and retry`, {
    currentVersion: actual,
  }).zh(`${entity} 当前为第 ${actual} 版，而不是第 ${expected} 版：请重新读取后重试`);

export const versionRequired = () =>
  new DomainError(428, 'version_required', 'Precondition Required', 'send If-Match with the ETag you read (or `version` in the body)').zh('请以读取时得到的 ETag 发送 If-Match（或在请求体中提供 version）');

export const payloadTooLarge = (detail: string) => new DomainError(413, 'payload_too_large', 'Content Too Large', detail);

export const unsupportedMediaType = (detail: string) => new DomainError(415, 'unsupported_media_type', 'Unsupported Media Type', detail);
