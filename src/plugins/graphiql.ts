import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fp from 'fastify-plugin';
import { notFound } from '../lib/errors.js';
import { EVERYONE } from '../lib/principal.js';

/*
 * GraphiQL at /graphiql, entirely from this origin: React, ReactDOM and GraphiQL are streamed from the project's own
 * node_modules (a government intranet reaches no CDN), and the page's CSP allows nothing else. Resolved through
 * createRequire, so the paths hold from src/ under tsx and from a compiled dist/ alike.
 */

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
const versionOf = (name: string) => (require(`${name}/package.json`) as { version: string }).version;

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
/** Asset URLs carry the package version or a content hash, so a browser may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Starts the IDE: the fetcher posts to /graphql with the headers of GraphiQL's headers editor (paste the token there). */
const BOOT_JS = `'use strict';
(function () {
  var params = new URLSearchParams(window.location.search);
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
  var props = {
    fetcher: fetcher,
    defaultQuery: ${JSON.stringify(
      [
        '# manyi (满意) GraphQL. Anonymous callers see public data only: to act as a role, open Headers below and paste',
        '#   {"Authorization": "Bearer <token>"}   (npm run token -- --role admin). Headers are not stored.',
        '{',
        '  categories { code label { zhCN en } }',
        '}',
        '',
      ].join('\n'),
    )},
    defaultEditorToolsVisibility: 'headers',
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
  };
  if (params.get('query')) props.query = params.get('query');
  if (params.get('variables')) props.variables = params.get('variables');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props));
})();
`;

const PAGE_CSS = `html, body { height: 100%; margin: 0; }
#graphiql { height: 100vh; }
#graphiql > .loading { font: 16px system-ui, sans-serif; padding: 2rem; }
`;

interface Asset {
  type: string;
  /** A file in node_modules, streamed on each request… */
  path?: string;
  /** …or text of this plugin. */
  text?: string;
  bytes: number;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

function assets(): Map<string, Asset> {
  const file = (pkg: string, rel: string, type: string): Asset => {
    const path = join(packageDir(pkg), rel);
    // A missing file stops the start, naming it, rather than serving a blank page.
    return { type, path, bytes: statSync(path).size };
  };
  const own = (text: string, type: string): Asset => ({ type, text, bytes: Buffer.byteLength(text) });
  const react = versionOf('react');
  const reactDom = versionOf('react-dom');
  const graphiql = versionOf('graphiql');
  return new Map([
    [`react-${react}.production.min.js`, file('react', 'umd/react.production.min.js', JS)],
    [`react-dom-${reactDom}.production.min.js`, file('react-dom', 'umd/react-dom.production.min.js', JS)],
    [`graphiql-${graphiql}.umd.js`, file('graphiql', 'dist/index.umd.js', JS)],
    [`graphiql-${graphiql}.css`, file('graphiql', 'dist/style.css', CSS)],
    [`page-${hash(PAGE_CSS)}.css`, own(PAGE_CSS, CSS)],
    [`boot-${hash(BOOT_JS)}.js`, own(BOOT_JS, JS)],
  ]);
}

/**
 * Nothing but this origin; GraphiQL's CSS embeds its fonts and icons as data: URLs. Styles stay strict too: React
 * and CodeMirror set element styles through the DOM, which a CSP does not govern.
 */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function page(names: string[]): string {
  const url = (name: string) => `/graphiql/assets/${name}`;
  const css = names.filter((n) => n.endsWith('.css')).map((n) => `    <link rel="stylesheet" href="${url(n)}">`);
  const js = names.filter((n) => n.endsWith('.js')).map((n) => `    <script src="${url(n)}" defer></script>`);
  return `<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <link rel="icon" href="data:,">
    <title>manyi (满意) GraphiQL</title>
${css.join('\n')}
${js.join('\n')}
  </head>
  <body>
    <div id="graphiql"><p class="loading">GraphiQL 正在加载… (loading)</p></div>
  </body>
</html>
`;
}

export default fp(
  async (app) => {
    const files = assets();
    // Scripts in dependency order: React, ReactDOM, GraphiQL, then the boot script (all `defer`, so in document order).
    const html = page([...files.keys()]);

    app.get('/graphiql', {
      config: { access: EVERYONE, rateLimit: false },
      schema: { hide: true },
      handler: async (_req, reply) =>
        reply
          .type('text/html; charset=utf-8')
          // The page names the current asset URLs: always revalidate it.
          .header('cache-control', 'no-cache')
          .header('content-security-policy', GRAPHIQL_CSP)
          .send(html),
    });

    app.get<{ Params: { file: string } }>('/graphiql/assets/:file', {
      config: { access: EVERYONE, rateLimit: false },
      schema: { hide: true },
      handler: async (req, reply) => {
        const asset = files.get(req.params.file);
        if (!asset) throw notFound('GraphiQL asset', req.params.file);
        reply.type(asset.type).header('cache-control', IMMUTABLE).header('content-length', asset.bytes);
        return reply.send(asset.path ? createReadStream(asset.path) : asset.text);
      },
    });
  },
  { name: 'graphiql', dependencies: ['auth', 'graphql'] },
);
