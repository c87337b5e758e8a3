import { readFileSync } from 'node:fs';
import t from 'tap';
import { renderContracts } from '../src/cli/contracts.js';
import { setup } from './helper.js';

// The committed contracts are what integrators read: they must match the code. `npm run openapi` rewrites them.
t.test('openapi/openapi.json and openapi/schema.graphql are current', async (t) => {
  const { openapi, sdl } = await renderContracts();
  t.equal(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'), openapi, 'openapi.json is stale: run npm run openapi');
  t.equal(readFileSync(new URL('../openapi/schema.graphql', import.meta.url), 'utf8'), sdl, 'schema.graphql is stale: run npm run openapi');
});

t.test('the served document is OpenAPI 3.1 with an operationId on every operation', async (t) => {
  const h = await setup(t);
  const res = await h.as('anonymous', { method: 'GET', url: '/openapi.json' });
  t.equal(res.statusCode, 200);
  const doc = res.json();
  t.match(doc.openapi, /^3\.1/);
  const ops = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((p) => Object.values(p));
  t.ok(ops.length > 10);
  t.same(ops.filter((o) => !o.operationId), []);
  const docs = await h.as('anonymous', { method: 'GET', url: '/docs' });
  t.ok([200, 302].includes(docs.statusCode));
});
