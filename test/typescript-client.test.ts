import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import t from 'tap';
import { scoredWorld } from './fixtures-scores.js';
import { setup } from './helper.js';

const run = promisify(execFile);
const client = new URL('../clients/typescript/', import.meta.url);

t.test('the committed client types are generated from the committed OpenAPI document', async (t) => {
  const doc = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'));
  const types = astToString(await openapiTS(doc));
  t.ok(readFileSync(new URL('schema.d.ts', client), 'utf8').endsWith(types), 'clients/typescript/schema.d.ts is fresh: run npm run openapi');
});

t.test('the typed client compiles and round-trips against the app: list, create, If-Match update, a ranking page', async (t) => {
  const h = await setup(t);
  const w = await scoredWorld(h);
  const draft = (await h.as('admin', { method: 'POST', url: `/api/v1/cycles/${w.cycle.id}/rankings` })).json();
  t.equal((await h.as('admin', { method: 'POST', url: `/api/v1/rankings/${draft.id}/publish` })).statusCode, 200);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as { port: number };

  await run(process.execPath, [new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', new URL('tsconfig.json', client).pathname], { timeout: 120_000 });
  const { stdout } = await run(process.execPath, [new URL('.build/example.js', client).pathname, `http://127.0.0.1:${port}`, await h.token('admin'), draft.id], { timeout: 30_000 });
  const out = JSON.parse(stdout);
  t.ok(out.listed > 0);
  t.equal(out.createdName, '客户端示例窗口');
  t.equal(out.updatedName, '客户端示例窗口（已改名）');
  t.equal(out.updatedVersion, 2);
  t.equal(out.staleStatus, 412, 'a stale If-Match is refused');
  t.equal(out.staleTitle, '前提条件不满足', 'in the language the client asked for');
  t.equal(out.rankingTotal, 5);
  t.equal(out.rankingEntries.length, 2);
  t.equal(out.rankingEntries[0][1], 1);
});
