import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { checkPrivateKeyPem, SIGNING_ALGS } from './lib/keys.js';
import { isTimeZone } from './lib/working-days.js';
import { DEFAULT_RATING_BOUNDS, defaultRatingChannels, PUBLIC_RATINGS_PER_MINUTE } from './modules/ratings/rules.js';
import { ratingChannels } from './modules/ratings/tables.js';

/** The only reader of process.env: parsed once at boot, typed everywhere else. */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const csv = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** A PKCS#8 private key in PEM (`\n` escapes allowed). */
const privateKeyPem = z
  .string()
  .min(1)
  .transform((v) => v.replace(/\\n/g, '\n'))
  .refine((pem) => {
    try {
      checkPrivateKeyPem(pem);
      return true;
    } catch {
      return false;
    }
  }, 'expected a PKCS#8 private key in PEM');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** PostgreSQL connection string; when absent the service runs on embedded PGlite in DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Folder for the embedded database and the local signing keys. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Load the demo data set into a NEW embedded database. */
  DEMO_DATA: bool.default(true),
  /** With DATABASE_URL, apply pending migrations at start (otherwise run `npm run db:migrate`). */
  MIGRATE_ON_START: bool.default(false),
  JWT_ISSUER: z.string().min(1).default('manyi'),
  JWT_AUDIENCE: z.string().min(1).default('manyi-api'),
  JWT_ALGORITHMS: csv.pipe(z.array(z.enum(['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'])).min(1)).default(['ES256', 'RS256']),
  /** Remote key set; takes precedence over JWT_PUBLIC_KEY. */
  JWT_JWKS_URL: z.string().url().optional(),
  /** A PEM (SPKI) public key; when neither this nor JWT_JWKS_URL is set, the local key pair in DATA_DIR is used. */
  JWT_PUBLIC_KEY: z.string().min(1).optional(),
  /** A file holding JWT_PUBLIC_KEY (a mounted key or Docker/Kubernetes secret); setting both is an error. */
  JWT_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  JWT_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /**
   * Browser origins allowed to call the API cross-origin (`https://console.example.gov.cn,http://localhost:5173`),
   * exactly as the browser sends them: scheme, host and port, no path. Empty (default): no CORS at all.
   */
  CORS_ORIGINS: csv
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/?#\s]+$/, 'each origin is scheme://host[:port], without a path or a trailing slash')))
    .default([]),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /**
   * Small-cell suppression on GET /api/v1/public/statistics: a figure counted from ratings or complaints below this
   * is published as null (suppressed), so no rater or complainant can be singled out.
   */
  PUBLIC_STATS_MIN_CELL: z.coerce.number().int().min(1).max(1000).default(5),
  /** Anonymous submissions per client IP per minute on POST /api/v1/public/ratings (stricter than the global limit). */
  RATE_LIMIT_PUBLIC_RATINGS_PER_MINUTE: z.coerce.number().int().min(1).default(PUBLIC_RATINGS_PER_MINUTE),
  /**
   * Whole request, headers and body (Fastify `requestTimeout`): one limit for every route, so it is sized for a streamed
   * rating import (the body arrives as fast as the rows are stored; 300,000 rows are well inside 5 minutes).
   */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(300_000),
  /** Request line and headers (Node `server.headersTimeout`): a client that stalls before its headers end is cut off. */
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** An idle keep-alive connection between requests (Fastify `keepAliveTimeout`); below a load balancer's idle timeout. */
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** Socket inactivity, including a stalled body or a handler that writes nothing (Fastify `connectionTimeout`). */
  CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /** Shed load (503 overloaded) before the event loop stalls; false turns it off. */
  LOAD_SHEDDING: bool.default(true),
  /** Mean event-loop delay (ms, sampled each second) above which requests are shed. */
  LOAD_SHEDDING_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(1).default(1_000),
  /** Heap in use (bytes) above which requests are shed; 0 (default) does not look at the heap. */
  LOAD_SHEDDING_MAX_HEAP_USED_BYTES: z.coerce.number().int().min(0).default(0),
  /** Resident set size (bytes) above which requests are shed; 0 (default) does not look at it. */
  LOAD_SHEDDING_MAX_RSS_BYTES: z.coerce.number().int().min(0).default(0),
  /**
   * Redis shared by every copy of the service (redis://[:password@]host:port[/db], rediss:// for TLS): with it the
   * anonymous rate limit is counted across copies and GraphQL subscribers hear changes made by any copy. Without
   * it, both stay in this process (one copy). Periodic jobs never need it (they take PostgreSQL advisory locks).
   */
  REDIS_URL: z.string().url().refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL').optional(),
  /** Prefix of every Redis key and pub/sub channel this service uses, so deployments (and test runs) can share one Redis. */
  REDIS_KEY_PREFIX: z.string().min(1).max(64).regex(/^[A-Za-z0-9:_.-]+$/, 'letters, digits and : _ . - only').default('manyi:'),
  /** Field levels one GraphQL operation may nest; introspection (`__schema`, `__type`) is priced by cost instead. */
  GRAPHQL_DEPTH_LIMIT: z.coerce.number().int().min(2).max(30).default(8),
  /** Cost budget of one GraphQL operation (each field 1, lists × their size, heavy fields their weight), per caller. */
  GRAPHQL_MAX_COST_ANONYMOUS: z.coerce.number().int().min(1).default(2000),
  GRAPHQL_MAX_COST_AUTHENTICATED: z.coerce.number().int().min(1).default(10_000),
  /** How often one selection set may ask for the same field under different aliases. */
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(1).default(30),
  /** Root fields one GraphQL operation may ask for. */
  GRAPHQL_MAX_ROOT_FIELDS: z.coerce.number().int().min(1).default(20),
  /** Answer introspection (`__schema`, `__type`; GraphiQL needs it). Default: on, except with NODE_ENV=production. */
  GRAPHQL_INTROSPECTION: bool.optional(),
  /** How often this process delivers due webhooks (outbox); 0 turns the dispatcher off in this process. */
  WEBHOOK_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(0).default(2000),
  /** How often this process yellow-cards overdue rectifications (逾期未整改自动黄牌, cycles that ask for it); 0 turns the sweep off here. */
  AWARD_ESCALATION_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /** How often this process announces newly overdue rectifications (problem.overdue); 0 turns the sweep off here. */
  PROBLEM_OVERDUE_NOTICE_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /** How often this process fails rating imports whose lease expired (the process running them stopped), and once at start; 0 turns the sweep off here. */
  RATING_IMPORT_LEASE_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
  /** How long a running rating import is presumed alive without a sign of life; renewed by every batch and heartbeat. */
  RATING_IMPORT_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  /** How often a running rating import renews its lease between batches; must be well below RATING_IMPORT_LEASE_MS. */
  RATING_IMPORT_HEARTBEAT_MS: z.coerce.number().int().min(100).default(5_000),
  /** How long an Idempotency-Key is remembered after its first use (IETF httpapi draft); a retry after that runs again. */
  IDEMPOTENCY_KEY_TTL_MS: z.coerce.number().int().min(60_000).default(86_400_000),
  /** How long a request holding an Idempotency-Key is presumed alive without a sign of life; renewed while it runs, so a dead process blocks its key at most this long. */
  IDEMPOTENCY_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  /** How often this process deletes expired Idempotency-Keys; 0 turns the sweep off here. */
  IDEMPOTENCY_KEY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
  /** How often this process links newly committed audit entries into the hash chain (the sealer; one copy at a time seals); 0 turns it off here. */
  AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
  /** How often a signed checkpoint of the audit chain head is taken (also at every ranking publication); 0 turns it off here. */
  AUDIT_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(0).default(600_000),
  /**
   * The private key (PKCS#8 PEM; `\n` escapes allowed) that signs audit checkpoints (JWS). Required in production; otherwise
   * the local key pair in DATA_DIR/keys signs. Its public half is published at /api/v1/public/audit-checkpoints/keys.
   */
  AUDIT_SIGNING_KEY: privateKeyPem.optional(),
  /** A file holding AUDIT_SIGNING_KEY (`npm run keys` creates DATA_DIR/keys/audit-signing.pem); setting both is an error. */
  AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** The JWS algorithm of AUDIT_SIGNING_KEY (ES256 for a P-256 key, RS256/PS256 for RSA, EdDSA for Ed25519). */
  AUDIT_SIGNING_ALG: z.enum(SIGNING_ALGS).default('ES256'),
  /**
   * IANA time zone whose calendar days are the working days every deadline counts (期限, src/lib/working-days.ts):
   * N working days from an instant end at 23:59:59.999 local time on the N-th working day after its local day.
   */
  TIME_ZONE: z
    .string()
    .trim()
    .min(1)
    .refine(isTimeZone, 'must be an IANA time zone name such as Asia/Shanghai')
    .default('Asia/Shanghai'),
  /**
   * How often this copy checks whether another copy changed the holiday calendar (节假日安排) and reloads it; a change
   * is in effect everywhere within this interval (immediately in the copy that made it). 0: only this copy's changes.
   */
  CALENDAR_REFRESH_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
  /**
   * The private key (PKCS#8 PEM) that signs the access tokens POST /oauth/token issues to integration clients. Required in
   * production (every copy must sign with the same key); otherwise a key is generated in memory at start (tokens then
   * die with the process). Its public half is published at /.well-known/jwks.json.
   */
  TOKEN_SIGNING_KEY: privateKeyPem.optional(),
  /** A file holding TOKEN_SIGNING_KEY (`npm run keys` creates DATA_DIR/keys/token-signing.pem); setting both is an error. */
  TOKEN_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** The JWS algorithm of TOKEN_SIGNING_KEY (ES256 for a P-256 key, EdDSA for Ed25519, RS256/PS256 for RSA). */
  TOKEN_SIGNING_ALG: z.enum(SIGNING_ALGS).default('ES256'),
  /** `iss` of the tokens this service issues (audience: JWT_AUDIENCE); must differ from JWT_ISSUER, the identity provider's. */
  TOKEN_ISSUER: z.string().min(1).default('manyi:oauth'),
  /** Lifetime of an integration client's access token (client-credentials grant). */
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(600),
  /** Failed client authentications at POST /oauth/token per client address per minute; past it the endpoint answers 429 (per copy). */
  RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** How long a rotated client secret keeps working beside the new one (0: not at all), so a client can be redeployed. */
  CLIENT_SECRET_GRACE_SECONDS: z.coerce.number().int().min(0).max(7 * 86_400).default(3600),
  /** Working days per complaint stage (投诉 triage, investigation, reply), e.g. "triage=2,investigation=10,reply=5". */
  COMPLAINT_DEADLINE_WORKING_DAYS: z
    .string()
    .transform((v) => Object.fromEntries(v.split(',').map((p) => p.split('=').map((x) => x.trim()))))
    .pipe(z.object({ triage: z.coerce.number().int().min(1).max(90), investigation: z.coerce.number().int().min(1).max(90), reply: z.coerce.number().int().min(1).max(90) }))
    .default({ triage: 2, investigation: 10, reply: 5 }),
  /** Working days to follow up (回访) a bad rating with a comment. */
  FOLLOW_UP_WORKING_DAYS: z.coerce.number().int().min(1).max(60).default(5),
  /** Working days to verify (差评核实) a bad rating: substantiated, not substantiated or malicious. */
  VERIFICATION_WORKING_DAYS: z.coerce.number().int().min(1).max(60).default(3),
  /** Days the rater's signed call-back link (回访) stays valid after the bad rating. */
  CALL_BACK_LINK_DAYS: z.coerce.number().int().min(1).max(365).default(60),
  /** 二维码: seconds between rotations of a unit's on-screen (dynamic) QR code. */
  QR_ROTATION_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(86_400),
  /** 二维码: seconds the previous period's dynamic code is still accepted after it rotated. */
  QR_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(3_600),
  /** 二维码: key version of printed (static) codes; raising it revokes every code printed under an older version. */
  QR_STATIC_KEY_VERSION: z.coerce.number().int().min(1).max(9_999).default(1),
  /** 申诉复核期限: working days from filing to the decision of an appeal. */
  APPEAL_DECISION_WORKING_DAYS: z.coerce.number().int().min(1).max(60).default(10),
  /** Rating integrity: more ratings than this from one respondent key or one client IP within the window are held. */
  RATING_BURST_MAX: z.coerce.number().int().min(2).max(100000).default(20),
  RATING_BURST_WINDOW_MINUTES: z.coerce.number().int().min(1).max(10080).default(60),
  /** 评价防刷: how far back of a cycle's watermark the incremental scan starts again (clock skew, slow requests). */
  RATING_INTEGRITY_SCAN_OVERLAP_SECONDS: z.coerce.number().int().min(0).max(86400).default(120),
  /** How often the integrity signals run over the last 7 days of ratings (0: never; computing a ranking always scans its cycle). */
  RATING_INTEGRITY_SCAN_INTERVAL_MS: z.coerce.number().int().min(0).default(300_000),
  /**
   * 评价防刷, soon after intake: how often this process scans the cycles it took ratings for since its last scan
   * (incrementally, once across copies); a burst is held within about this long. 0: off (the periodic scan and each
   * ranking computation still scan).
   */
  RATING_INTEGRITY_SCAN_DELAY_MS: z.coerce.number().int().min(0).max(3_600_000).default(2_000),
  /**
   * 默认评价 (好差评): calendar days after its completion a case may still be rated; past them an unrated case gets the
   * default rating. Calendar days, the rater's clock (as 一周办结), not the office's working days.
   */
  DEFAULT_RATING_DAYS: z.coerce.number().int().min(DEFAULT_RATING_BOUNDS.days.min).max(DEFAULT_RATING_BOUNDS.days.max).default(15),
  /** The level a default rating carries: 4 满意 by default; at least 3, so a default is never a bad rating (差评). */
  DEFAULT_RATING_LEVEL: z.coerce.number().int().min(DEFAULT_RATING_BOUNDS.level.min).max(DEFAULT_RATING_BOUNDS.level.max).default(4),
  /** The channel a default rating is recorded under (cases record none): the window's rating device by default. */
  DEFAULT_RATING_CHANNEL: z.enum(defaultRatingChannels(ratingChannels)).default('window_device'),
  /** How often the default-rating job runs (0: never in this process; POST /api/v1/cases/default-ratings:run still does). */
  DEFAULT_RATING_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
  /** Ratings one respondent may give one unit per day on the public channels. */
  PUBLIC_RATINGS_PER_RESPONDENT_PER_DAY: z.coerce.number().int().min(1).max(50).default(1),
  /**
   * The service's public base URL as clients reach it (`https://manyi.example.gov.cn`), without a trailing slash;
   * used in links this service publishes (Open311 discovery). Unset: taken from each request's Host.
   */
  PUBLIC_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^?#\s]+[^/?#\s]$/, 'scheme://host[:port][/path], without a trailing slash, query or fragment')
    .optional(),
  /** Open311 jurisdiction_id of this deployment (e.g. `lichuan.gov.cn`); when set, requests naming another one are 404. */
  OPEN311_JURISDICTION_ID: z.string().trim().min(1).max(200).optional(),
  /** Open311 discovery `contact`: who runs the endpoint (name, address, phone or email). */
  OPEN311_CONTACT: z.string().trim().min(1).max(500).default('政风行风评议办公室 (campaign office)'),
  /** Open311 discovery `key_service`: where developers ask for an api_key (issued per integration client, checked on submission). */
  OPEN311_KEY_SERVICE: z.string().trim().min(1).max(500).default('ask the campaign office for an integration client and its api_key (POST /api/v1/integration-clients/{id}/api-keys)'),
  /** Server secret for the respondent key HMAC (群众评价: phone numbers/IDs are never stored). Required in production. */
  RESPONDENT_KEY_SECRET: z.string().min(16).optional(),
  /** A file holding RESPONDENT_KEY_SECRET (a Docker/Kubernetes secret); setting both is an error. */
  RESPONDENT_KEY_SECRET_FILE: z.string().min(1).optional(),
});

/** Secrets that may be read from the file named by `<NAME>_FILE`, so they need not sit in the environment. */
const secretsFromFiles = ['JWT_PUBLIC_KEY', 'RESPONDENT_KEY_SECRET', 'AUDIT_SIGNING_KEY', 'TOKEN_SIGNING_KEY'] as const;

/** The environment with each `<NAME>_FILE` replaced by the file's content (surrounding whitespace trimmed) as `<NAME>`. */
function readSecretFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const resolved = { ...env };
  for (const name of secretsFromFiles) {
    const path = env[`${name}_FILE`];
    if (!path) continue;
    if (env[name]) throw new ConfigError(`invalid configuration:\n  ${name}_FILE: set either ${name} or ${name}_FILE, not both`);
    let content: string;
    try {
      content = readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`invalid configuration:\n  ${name}_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    if (!content) throw new ConfigError(`invalid configuration:\n  ${name}_FILE: ${path} is empty`);
    resolved[name] = content;
  }
  return resolved;
}

export type Config = Omit<z.infer<typeof configSchema>, 'GRAPHQL_INTROSPECTION'> & { GRAPHQL_INTROSPECTION: boolean };

/** The defaults that depend on another variable. */
function derive(parsed: z.infer<typeof configSchema>): Config {
  return { ...parsed, GRAPHQL_INTROSPECTION: parsed.GRAPHQL_INTROSPECTION ?? parsed.NODE_ENV !== 'production' };
}

export class ConfigError extends Error {}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const env = readSecretFiles(environment);
  const picked = Object.fromEntries(
    Object.keys(configSchema.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])),
  );
  const parsed = configSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = derive(parsed.data);
  if (config.NODE_ENV === 'production' && !config.JWT_JWKS_URL && !config.JWT_PUBLIC_KEY) {
    throw new ConfigError('invalid configuration:\n  JWT_PUBLIC_KEY: required in production (or JWT_PUBLIC_KEY_FILE, or JWT_JWKS_URL)');
  }
  if (config.TOKEN_ISSUER === config.JWT_ISSUER) {
    throw new ConfigError('invalid configuration:\n  TOKEN_ISSUER: must differ from JWT_ISSUER (the verifier tells the service\'s own tokens by their issuer)');
  }
  // Node refuses a server whose headers may take longer than the whole request.
  if (config.HEADERS_TIMEOUT_MS > config.REQUEST_TIMEOUT_MS) {
    throw new ConfigError('invalid configuration:\n  HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS');
  }
  if (config.RATING_IMPORT_HEARTBEAT_MS * 2 > config.RATING_IMPORT_LEASE_MS) {
    throw new ConfigError('invalid configuration:\n  RATING_IMPORT_HEARTBEAT_MS: must be at most half of RATING_IMPORT_LEASE_MS, or a live import may lose its lease');
  }
  if (config.NODE_ENV === 'production') {
    const missing = [
      !config.RESPONDENT_KEY_SECRET && '  RESPONDENT_KEY_SECRET: required in production (or RESPONDENT_KEY_SECRET_FILE)',
      !config.AUDIT_SIGNING_KEY && '  AUDIT_SIGNING_KEY: required in production (or AUDIT_SIGNING_KEY_FILE; the private key that signs audit checkpoints)',
      !config.TOKEN_SIGNING_KEY && '  TOKEN_SIGNING_KEY: required in production (or TOKEN_SIGNING_KEY_FILE; the private key that signs integration clients\' access tokens)',
    ].filter(Boolean);
    if (missing.length) throw new ConfigError(`invalid configuration:\n${missing.join('\n')}`);
  }
  return config;
}

/** DATA_DIR alone: for `npm run keys`, which creates the secrets that production then requires. */
export function loadDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const parsed = configSchema.shape.DATA_DIR.safeParse(env.DATA_DIR || undefined);
  if (!parsed.success) throw new ConfigError(`invalid configuration:\n  DATA_DIR: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** A config for tests and tools: defaults plus overrides, no environment. No periodic job runs unless asked for. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...derive(configSchema.parse({})),
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    WEBHOOK_DISPATCH_INTERVAL_MS: 0,
    AWARD_ESCALATION_INTERVAL_MS: 0,
    PROBLEM_OVERDUE_NOTICE_INTERVAL_MS: 0,
    // Shedding stays wired in tests, with a threshold no test reaches (an embedded database can block the loop for a while).
    LOAD_SHEDDING_MAX_EVENT_LOOP_DELAY_MS: 10_000,
    RATING_IMPORT_LEASE_SWEEP_INTERVAL_MS: 0,
    RATING_INTEGRITY_SCAN_INTERVAL_MS: 0,
    // Tests scan when they mean to (POST /rating-holds/scan), unless they test the scan soon after intake.
    RATING_INTEGRITY_SCAN_DELAY_MS: 0,
    IDEMPOTENCY_KEY_SWEEP_INTERVAL_MS: 0,
    // Tests run the default-rating job when they mean to (services.defaultRatings.run).
    DEFAULT_RATING_INTERVAL_MS: 0,
    // The holiday calendar reloads after this copy's own writes; tests that need another copy's ask for polling.
    CALENDAR_REFRESH_INTERVAL_MS: 0,
    // Tests seal explicitly (audit.seal(), or verify, which seals first) and take checkpoints when they ask.
    AUDIT_SEAL_INTERVAL_MS: 0,
    AUDIT_CHECKPOINT_INTERVAL_MS: 0,
    ...overrides,
  };
}
