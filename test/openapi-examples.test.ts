import { readFileSync } from 'node:fs';
import t from 'tap';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { TokenClaims } from '../src/lib/keys.js';
import type { Role } from '../src/lib/principal.js';
import { setup } from './helper.js';

// Every request body in the committed OpenAPI document carries an example a client can copy: it validates against
// the operation's JSON schema, and the running service accepts its shape (it never answers it with a 400).
type Schema = Record<string, unknown>;
interface Operation {
  operationId: string;
  requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> };
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  'x-manyi-access'?: { roles: Role[] };
}
const doc = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
const withBodies = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).flatMap(([method, op]) => {
    const json = op.requestBody?.content['application/json'];
    return json ? [{ path, method, op, schema: json.schema, example: json.example }] : [];
  }),
);

t.test('every JSON request body has an example that validates against its schema', async (t) => {
  t.ok(withBodies.length > 50, `${withBodies.length} operations take a JSON body`);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  // OpenAPI's references point into the document: register it once and resolve them there.
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const rebase = (schema: Schema) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as Schema;
  for (const { op, schema, example } of withBodies) {
    if (example === undefined) {
      t.fail(`${op.operationId}: no example`);
      continue;
    }
    const validate = ajv.compile(rebase(schema));
    t.ok(validate(example), `${op.operationId}: ${ajv.errorsText(validate.errors)}`);
  }
});

t.test('examples read as the campaign writes: Chinese domain values with English beside them', async (t) => {
  const text = JSON.stringify(withBodies.map((b) => b.example));
  t.match(text, /城关镇便民服务中心/);
  t.match(text, /Chengguan Town Citizen Service Centre/);
  const unit = withBodies.find((b) => b.op.operationId === 'createUnit')?.example as Record<string, unknown>;
  t.match(unit, { name: '城关镇便民服务中心', nameEn: 'Chengguan Town Citizen Service Centre' });
});

const sampleId = '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7aff';
const claimsFor = (role: Role): TokenClaims | 'anonymous' =>
  role === 'anonymous'
    ? 'anonymous'
    : { role, ...(role === 'unit' ? { unitId: sampleId } : role === 'department' ? { departmentId: sampleId } : role === 'supervisor' ? { supervisorId: sampleId } : {}) };

t.test('the service accepts every example as the shape its operation takes', async (t) => {
  const h = await setup(t);
  for (const { path, method, op, example } of withBodies) {
    // Creating a webhook subscription resolves its target's host name: that would leave the loopback.
    if (path.startsWith('/api/v1/webhook-subscriptions')) continue;
    const roles = op['x-manyi-access']?.roles ?? [];
    const role = roles.includes('admin') ? 'admin' : (roles[0] ?? 'admin');
    const url = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const param = op.parameters?.find((p) => p.in === 'path' && p.name === name);
      const values = param?.schema.enum as string[] | undefined;
      return values?.[0] ?? (/^\d+$|revision/i.test(name) ? '1' : sampleId);
    });
    const res = await h.as(claimsFor(role), { method: method.toUpperCase(), url, payload: example as object, headers: { 'if-match': '"1"' } });
    const body = res.headers['content-type']?.toString().includes('json') ? (res.json() as { code?: string; errors?: { field: string }[] }) : {};
    const bodyFields = (body.errors ?? []).filter((e) => e.field.startsWith('body'));
    t.notOk(res.statusCode === 400 && bodyFields.length > 0, `${op.operationId} (${method.toUpperCase()} ${url}) as ${role}: ${res.statusCode} ${JSON.stringify(body).slice(0, 300)}`);
  }
});
