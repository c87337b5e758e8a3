import t from 'tap';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../src/app.js';
import { loadConfig, testConfig } from '../src/config.js';
import { setup } from './helper.js';

// The browser front ends, in a real browser: Debian's chromium driven by playwright-core. A console page on another
// loopback origin calls the API cross-origin; GraphiQL runs from the API's own origin with nothing fetched elsewhere.
const CHROMIUM = '/usr/bin/chromium';
const noBrowser = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (bash .ci/run installs chromium and fonts-noto-cjk)`;
const BOUND_MS = 15_000;

/** A tiny site on its own loopback port: the office's console (or a stranger's page), with nothing but a blank page. */
async function site(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>控制台</title></head><body><p>控制台</p></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { origin: `http://127.0.0.1:${address.port}`, server };
}

const consoleSite = await site();
const strangerSite = await site();
const h = await setup(t, { config: { CORS_ORIGINS: [consoleSite.origin] } });
const api = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
const apiOrigin = new URL(api).origin;

let browser: Browser | null = null;
if (!noBrowser) {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
t.teardown(async () => {
  await browser?.close();
  for (const s of [consoleSite, strangerSite]) await new Promise((r) => s.server.close(r));
});

/**
 * A page whose functions passed to `evaluate` run as written: tsx (which runs the tests) compiles with esbuild's
 * keepNames, so a function's text calls esbuild's `__name` helper, which the page does not have.
 */
async function newPage(): Promise<Page> {
  const page = await browser!.newPage({ locale: 'zh-CN' });
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  return page;
}

async function open(url: string): Promise<Page> {
  const page = await newPage();
  page.setDefaultTimeout(BOUND_MS);
  page.setDefaultNavigationTimeout(BOUND_MS);
  await page.goto(url);
  return page;
}

const createRegion = async (code: string, nameZh: string) =>
  (await h.as('admin', { method: 'POST', url: '/api/v1/regions', payload: { level: 'prefecture', code, nameZh } })).json() as { id: string };
const region = await createRegion('BR1', '恩施州');
const shownRegion = await createRegion('BR2', '恩施土家族苗族自治州');
const adminToken = await h.token('admin');

t.test('a console on another origin reads the ETag, updates with If-Match, and reads the 412 of a stale one', { skip: noBrowser }, async (t) => {
  const page = await open(`${consoleSite.origin}/`);
  const seen = await page.evaluate(
    async ({ api, auth, id }) => {
      const url = `${api}/api/v1/regions/${id}`;
      const read = await fetch(url, { headers: { authorization: auth } });
      const etag = read.headers.get('etag') ?? '';
      const write = (ifMatch: string, nameZh: string, requestId: string) =>
        fetch(url, {
          method: 'PATCH',
          headers: { authorization: auth, 'content-type': 'application/json', 'if-match': ifMatch, 'idempotency-key': requestId, 'x-request-id': requestId, 'accept-language': 'zh-CN' },
          body: JSON.stringify({ nameZh }),
        });
      const updated = await write(etag, '恩施土家族苗族自治州', 'console-1');
      const stale = await write(etag, '过时的修改', 'console-2');
      return {
        read: { status: read.status, etag },
        updated: { status: updated.status, etag: updated.headers.get('etag'), requestId: updated.headers.get('x-request-id'), body: await updated.json() },
        stale: { status: stale.status, type: stale.headers.get('content-type'), body: await stale.json() },
      };
    },
    { api, auth: `Bearer ${adminToken}`, id: region.id },
  );
  t.same(seen.read, { status: 200, etag: '"1"' }, 'the ETag is exposed to the page');
  t.match(seen.updated, { status: 200, etag: '"2"', requestId: 'console-1', body: { nameZh: '恩施土家族苗族自治州', version: 2 } }, 'PATCH with If-Match passes the preflight');
  t.match(seen.stale, { status: 412, type: /^application\/problem\+json/, body: { code: 'version_mismatch', currentVersion: 2 } }, 'the page reads the 412 problem');
  await page.close();
});

t.test('a page on an origin not in CORS_ORIGINS cannot call the API', { skip: noBrowser }, async (t) => {
  const before = (await h.as('admin', { method: 'GET', url: `/api/v1/regions/${region.id}` })).json();
  const page = await open(`${strangerSite.origin}/`);
  const seen = await page.evaluate(
    async ({ api, auth, id, ifMatch }) => {
      const attempt = (init: RequestInit) =>
        fetch(`${api}/api/v1/regions/${id}`, init).then(
          (res) => `answered ${res.status}`,
          (err: Error) => `blocked: ${err.name}`,
        );
      return {
        read: await attempt({ headers: { authorization: auth } }),
        write: await attempt({ method: 'PATCH', headers: { authorization: auth, 'content-type': 'application/json', 'if-match': ifMatch }, body: JSON.stringify({ nameZh: '陌生人' }) }),
      };
    },
    { api, auth: `Bearer ${adminToken}`, id: region.id, ifMatch: `"${before.version}"` },
  );
  t.same(seen, { read: 'blocked: TypeError', write: 'blocked: TypeError' });
  const now = (await h.as('admin', { method: 'GET', url: `/api/v1/regions/${region.id}` })).json();
  t.same(now, before, 'the refused preflight kept the PATCH from being sent');
  await page.close();
});

t.test('GraphiQL runs from this origin alone: a query with a pasted token, Chinese text, the schema docs', { skip: noBrowser }, async (t) => {
  const requests: string[] = [];
  const problems: string[] = [];
  const page = await newPage();
  page.setDefaultTimeout(BOUND_MS);
  page.setDefaultNavigationTimeout(BOUND_MS);
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // A CSP violation shows up here too ("Refused to load …").
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));

  await page.goto(`${api}/graphiql?query=${encodeURIComponent('{ categories { code label { zhCN } } }')}`);
  const result = page.locator('.result-window');
  await page.click('.graphiql-execute-button');
  await result.getByText('行政执法').waitFor();
  t.match(await result.innerText(), /"zhCN": "公共服务"/, 'the anonymous query ran');

  // A signed-in query: the token goes into the headers editor, the query replaces the editor's text.
  await page.click('section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror');
  await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${adminToken}` }));
  await page.click('.graphiql-query-editor .CodeMirror');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(`{ region(id: "${shownRegion.id}") { code nameZh version } }`);
  await page.click('.graphiql-execute-button');
  await result.getByText('恩施土家族苗族自治州').waitFor();
  t.match(await result.innerText(), /"code": "BR2"/, 'a query for signed-in callers ran with the pasted token');

  // The result's Chinese is drawn with real glyphs: in the result's own font, 行 and 政 look unlike each other and
  // unlike a code point no font has (which every font draws as the same box).
  const glyphs = await page.evaluate(() => {
    // The page's own globals (the tests compile without the DOM library).
    interface Canvas {
      width: number;
      height: number;
      getContext(kind: '2d'): { font: string; fillText(text: string, x: number, y: number): void };
      toDataURL(): string;
    }
    const { document, getComputedStyle } = globalThis as unknown as {
      document: { querySelector(selector: string): object; createElement(tag: 'canvas'): Canvas };
      getComputedStyle(element: object): { fontFamily: string };
    };
    const font = getComputedStyle(document.querySelector('.result-window .CodeMirror')).fontFamily;
    const draw = (text: string) => {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 40;
      const g = canvas.getContext('2d');
      g.font = `32px ${font}`;
      g.fillText(text, 2, 34);
      return canvas.toDataURL();
    };
    return { font, xing: draw('行'), zheng: draw('政'), missing: draw('\u{10FFFD}') };
  });
  t.not(glyphs.xing, glyphs.missing, `行 has a glyph in ${glyphs.font}`);
  t.not(glyphs.xing, glyphs.zheng, '行 and 政 are different glyphs, not two boxes');
  const shot = join(mkdtempSync(join(tmpdir(), 'manyi-graphiql-')), 'graphiql.png');
  await page.screenshot({ path: shot });
  t.comment(`screenshot: ${shot}`);

  // The docs come from introspection, within the anonymous cost budget.
  await page.click('[aria-label="Show Documentation Explorer"]');
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.getByText('Query', { exact: true }).click();
  await docs.getByText('CategoryInfo', { exact: true }).first().waitFor();
  t.ok(await docs.getByText('awardRoll').count(), 'the Query type lists its fields');

  t.same(problems, [], 'no script error, no CSP violation, no failed load');
  const elsewhere = requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== apiOrigin);
  t.same(elsewhere, [], `all ${requests.length} requests stayed on ${apiOrigin}`);
  t.ok(requests.some((u) => u.endsWith('/graphql')), 'queries went to /graphql');
  await page.close();
});

t.test('the GraphiQL page and its assets: our own files, long-lived caching, exact content types, a strict CSP', async (t) => {
  const res = await h.app.inject({ method: 'GET', url: '/graphiql' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  t.equal(res.headers['cache-control'], 'no-cache');
  t.match(res.headers['content-security-policy'], /default-src 'none'; script-src 'self'; style-src 'self'/);
  t.match(res.body, /<meta charset="utf-8">/);
  t.notMatch(res.body, /https?:\/\//, 'the page names no other origin');
  const urls = [...res.body.matchAll(/(?:href|src)="(\/graphiql\/assets\/[^"]+)"/g)].map((m) => m[1]);
  t.equal(urls.length, 6, 'React, ReactDOM, GraphiQL (JS and CSS), the page CSS and the boot script');
  const require = createRequire(import.meta.url);
  const onDisk = dirname(require.resolve('graphiql/package.json'));
  for (const url of urls) {
    const asset = await h.app.inject({ method: 'GET', url });
    t.equal(asset.statusCode, 200, url);
    t.equal(asset.headers['content-type'], url.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8', url);
    t.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable', url);
    if (/graphiql-[\d.]+\.umd\.js$/.test(url)) t.equal(asset.rawPayload.length, statSync(join(onDisk, 'dist/index.umd.js')).size, 'streamed from node_modules');
  }
  const unknown = await h.app.inject({ method: 'GET', url: '/graphiql/assets/graphiql-0.0.0.umd.js' });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().code, 'not_found');
});

t.test('CORS: the preflight allows the methods and headers the API uses; nothing for other origins, nothing when unset', async (t) => {
  const preflight = (app: typeof h.app, origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: `/api/v1/regions/${region.id}`,
      headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type,if-match,idempotency-key' },
    });
  const ok = await preflight(h.app, consoleSite.origin);
  t.equal(ok.statusCode, 204);
  t.equal(ok.headers['access-control-allow-origin'], consoleSite.origin);
  t.same(String(ok.headers['access-control-allow-methods']).split(', '), ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
  t.same(String(ok.headers['access-control-allow-headers']).split(', '), ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'X-Request-Id', 'Accept-Language']);
  t.equal(ok.headers['access-control-max-age'], '600');
  t.notOk(ok.headers['access-control-allow-credentials'], 'tokens, not cookies');
  const read = await h.as('admin', { method: 'GET', url: `/api/v1/regions/${region.id}`, headers: { origin: consoleSite.origin } });
  t.same(String(read.headers['access-control-expose-headers']).split(', '), ['ETag', 'Location', 'X-Request-Id', 'Retry-After', 'Idempotent-Replayed', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']);
  t.notOk((await preflight(h.app, strangerSite.origin)).headers['access-control-allow-origin']);
  t.same(loadConfig({ CORS_ORIGINS: 'https://console.example.test, http://127.0.0.1:5173' }).CORS_ORIGINS, ['https://console.example.test', 'http://127.0.0.1:5173']);
  t.throws(() => loadConfig({ CORS_ORIGINS: 'https://console.example.test/' }), /CORS_ORIGINS\.0: each origin is scheme:\/\/host\[:port\]/, 'a path never matches an Origin header');

  // Production defaults: no CORS_ORIGINS, no introspection; also no GraphiQL.
  // Same database; closing this app must not close it under the main one.
  const database = { ...h.database, close: async () => {} };
  const production = await buildApp({ config: testConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: false }), database, localKeys: h.keys });
  t.teardown(() => production.close());
  const off = await preflight(production, consoleSite.origin);
  t.notOk(off.headers['access-control-allow-origin'], 'CORS is off without CORS_ORIGINS');
  t.notOk(off.headers['access-control-allow-methods']);
  t.equal((await production.inject({ method: 'GET', url: '/graphiql' })).statusCode, 404, 'no GraphiQL in production');
});
