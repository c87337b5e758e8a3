import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { loadOrCreateLocalKeyPair, mintToken, parseTtl } from '../lib/keys.js';
import { roleScope, roles } from '../lib/principal.js';
import type { ScopeClaim } from '../lib/principal.js';
import { isScope, parseScopeList, scopes } from '../lib/scopes.js';

// npm run token -- --role admin [--department ID] [--unit ID] [--supervisor ID] [--ttl 8h] [--subject NAME]
// [--scope "ratings:write public:read"] (integration only; without it an integration token holds every scope)
const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    department: { type: 'string' },
    unit: { type: 'string' },
    supervisor: { type: 'string' },
    subject: { type: 'string' },
    ttl: { type: 'string', default: '8h' },
    scope: { type: 'string' },
  },
});
const args = z
  .object({
    role: z.enum(roles).exclude(['anonymous']),
    department: z.uuid().optional(),
    unit: z.uuid().optional(),
    supervisor: z.uuid().optional(),
    subject: z.string().min(1).optional(),
    ttl: z.string(),
    scope: z
      .string()
      .refine((v) => parseScopeList(v).every(isScope), `space-separated scopes of: ${scopes.join(', ')}`)
      .optional(),
  })
  .safeParse(values);
if (!args.success) {
  console.error(args.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  process.exit(2);
}
const a = args.data;
// The service refuses a token whose scoping claims do not fit its role (lib/principal.ts): refuse to mint one.
const flags: [ScopeClaim, string, string | undefined][] = [
  ['department_id', '--department', a.department],
  ['unit_id', '--unit', a.unit],
  ['supervisor_id', '--supervisor', a.supervisor],
];
const misfits = flags.flatMap(([claim, flag, value]) => {
  if (roleScope[a.role] === claim) return value ? [] : [`${flag}: required for role ${a.role}`];
  return value ? [`${flag}: not allowed for role ${a.role}`] : [];
});
if (a.scope !== undefined && a.role !== 'integration') misfits.push('--scope: only for role integration (other roles are not scoped)');
if (misfits.length) {
  console.error(misfits.join('\n'));
  process.exit(2);
}
const config = loadConfig();
const keys = await loadOrCreateLocalKeyPair(config.DATA_DIR);
const token = await mintToken(
  keys,
  { role: a.role, subject: a.subject, departmentId: a.department, unitId: a.unit, supervisorId: a.supervisor, scope: a.scope },
  { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: parseTtl(a.ttl) },
);
process.stdout.write(`${token}\n`);
