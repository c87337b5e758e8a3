import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { csvTable } from '../lib/csv.js';
import { loadOrCreateLocalKeyPair, mintToken, parseTtl } from '../lib/keys.js';
import type { TokenClaims } from '../lib/keys.js';
import { regionScopedRoles, roleScope, roles } from '../lib/principal.js';
import type { ScopeClaim } from '../lib/principal.js';
import { isScope, parseScopeList, scopes } from '../lib/scopes.js';

// npm run token -- --role admin [--department ID] [--unit ID] [--supervisor ID] [--region ID] [--ttl 8h] [--subject NAME]
// [--scope "ratings:write public:read"] (integration only; without it an integration token holds every scope)
// npm run token -- --file subjects.csv|subjects.ndjson [--output ndjson|csv] [--role R] [--ttl 8h]: many tokens in one
// process (the key is loaded once). Each row: subject, role, department, unit, supervisor, region, ttl, scope (the
// flags' names; `department_id` etc. are accepted too); --role and --ttl give the default of a row that has none. All or
// nothing: if any row is wrong, every wrong row is named (line and field) on stderr and no token is minted (exit 2).
const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    department: { type: 'string' },
    unit: { type: 'string' },
    supervisor: { type: 'string' },
    region: { type: 'string' },
    subject: { type: 'string' },
    ttl: { type: 'string', default: '8h' },
    scope: { type: 'string' },
    file: { type: 'string' },
    output: { type: 'string', default: 'ndjson' },
  },
});

const request = z.object({
  role: z.enum(roles).exclude(['anonymous']),
  department: z.uuid().optional(),
  unit: z.uuid().optional(),
  supervisor: z.uuid().optional(),
  region: z.uuid().optional(),
  subject: z.string().min(1).max(200).optional(),
  ttl: z.string().refine((v) => /^\d+\s*[smhd]$/.test(v.trim()), 'a duration like 30m, 8h or 7d'),
  scope: z
    .string()
    .refine((v) => parseScopeList(v).every(isScope), `space-separated scopes of: ${scopes.join(', ')}`)
    .optional(),
});
type Request = z.infer<typeof request>;

/** The request's problems (flag names), or its claims. The service refuses a token whose claims do not fit (lib/principal.ts). */
function check(input: Record<string, unknown>): { errors: string[] } | { claims: TokenClaims; ttlSeconds: number } {
  const parsed = request.safeParse(input);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`) };
  const a: Request = parsed.data;
  const flags: [ScopeClaim, string, string | undefined][] = [
    ['department_id', '--department', a.department],
    ['unit_id', '--unit', a.unit],
    ['supervisor_id', '--supervisor', a.supervisor],
  ];
  const errors = flags.flatMap(([claim, flag, value]) => {
    if (roleScope[a.role] === claim) return value ? [] : [`${flag}: required for role ${a.role}`];
    return value ? [`${flag}: not allowed for role ${a.role}`] : [];
  });
  if (a.region && !regionScopedRoles.includes(a.role)) errors.push(`--region: only for roles ${regionScopedRoles.join(', ')} (a county office)`);
  if (a.scope !== undefined && a.role !== 'integration') errors.push('--scope: only for role integration (other roles are not scoped)');
  if (errors.length) return { errors };
  return {
    claims: { role: a.role, subject: a.subject, departmentId: a.department, unitId: a.unit, supervisorId: a.supervisor, regionId: a.region, scope: a.scope },
    ttlSeconds: parseTtl(a.ttl),
  };
}

/** A row of a subjects file with the flags' names (`department_id`, `unit_id`, … accepted as well); empty cells are absent. */
function rowInput(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === '' || v === null || v === undefined) continue;
    out[k.trim().replace(/_id$/, '')] = typeof v === 'string' ? v.trim() : v;
  }
  return { role: values.role, ttl: values.ttl, ...out };
}

function readRows(path: string): { line: number; row: Record<string, unknown> | null; error?: string }[] {
  const text = readFileSync(path, 'utf8');
  if (/\.(nd)?jsonl?$/i.test(path)) {
    return text.split('\n').flatMap((l, i) => {
      if (!l.trim()) return [];
      try {
        const v: unknown = JSON.parse(l);
        return [v && typeof v === 'object' && !Array.isArray(v) ? { line: i + 1, row: v as Record<string, unknown> } : { line: i + 1, row: null, error: 'not a JSON object' }];
      } catch {
        return [{ line: i + 1, row: null, error: 'not valid JSON' }];
      }
    });
  }
  const records = parseCsv(text, { columns: true, skip_empty_lines: true, bom: true, info: true }) as { record: Record<string, string>; info: { lines: number } }[];
  return records.map((r) => ({ line: r.info.lines, row: r.record }));
}

const fail = (lines: string[]) => {
  console.error(lines.join('\n'));
  process.exit(2);
};

if (values.file) {
  if (values.output !== 'ndjson' && values.output !== 'csv') fail(['--output: ndjson or csv']);
  let rows: ReturnType<typeof readRows> = [];
  try {
    rows = readRows(values.file);
  } catch (e) {
    fail([`--file: ${(e as Error).message}`]);
  }
  const checked = rows.map((r) => ({ line: r.line, result: r.row ? check(rowInput(r.row)) : { errors: [r.error ?? 'unreadable'] } }));
  const errors = checked.flatMap((c) => ('errors' in c.result ? c.result.errors.map((e) => `line ${c.line}: ${e}`) : []));
  if (!rows.length) errors.push('--file: no rows');
  if (errors.length) fail([...errors, 'no token was minted']);
  const config = loadConfig();
  const keys = await loadOrCreateLocalKeyPair(config.DATA_DIR);
  const now = Date.now();
  const out: { line: number; subject: string; role: string; expiresAt: string; token: string }[] = [];
  for (const c of checked) {
    if ('errors' in c.result) continue;
    const { claims, ttlSeconds } = c.result;
    const token = await mintToken(keys, claims, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds, now });
    out.push({ line: c.line, subject: claims.subject ?? `${claims.role}:local`, role: claims.role, expiresAt: new Date(Math.floor(now / 1000) * 1000 + ttlSeconds * 1000).toISOString(), token });
  }
  if (values.output === 'csv') {
    process.stdout.write(csvTable([['line', (r) => r.line], ['subject', (r) => r.subject], ['role', (r) => r.role], ['expiresAt', (r) => r.expiresAt], ['token', (r) => r.token]], out));
  } else {
    process.stdout.write(out.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
} else {
  const c = check({ ...values, file: undefined, output: undefined });
  if ('errors' in c) fail(c.errors);
  else {
    const config = loadConfig();
    const keys = await loadOrCreateLocalKeyPair(config.DATA_DIR);
    const token = await mintToken(keys, c.claims, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: c.ttlSeconds });
    process.stdout.write(`${token}\n`);
  }
}
