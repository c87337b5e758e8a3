/**
 * What bench/run.ts and bench/graphql-page.ts share: wrk, and the GraphQL ranking pages beside their REST equivalents
 * (issue 9 goal 3: the GraphQL ranking page ≥ 0.6× its REST equivalent).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

export const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));

export interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

const toMs = (v: string, unit: string) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit];

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** wrk -t2 against one URL (`script`: a Lua file, for a POST body). */
export function wrk(run: { duration: number; connections: number }, url: string, headers: Record<string, string> = {}, script?: string): WrkResult {
  const h = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const s = script ? ['-s', script] : [];
  const out = execFileSync(WRK!, ['-t2', `-c${run.connections}`, `-d${run.duration}s`, '--latency', ...h, ...s, url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const pct = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50: pct('50'), p99: pct('99'), non2xx };
}

/**
 * POST /graphql on a connection of its own (node:http, no agent): fetch would take a keep-alive socket from its pool,
 * and one pooled minutes earlier (the warm-up, before wrk held this process in execFileSync) has been closed by the
 * service since while its close event still waits for this event loop, so the request fails (EPIPE, UND_ERR_SOCKET), twice in a row
 * (the first GraphQL probe of a full `npm run bench` reported "connection closed (EPIPE)" for one alias). A service
 * that answers and closes before a huge body is sent has refused it all the same: `closed` names the socket error.
 */
export function postGraphql(port: number, query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown } | { closed: string }> {
  const payload = JSON.stringify({ query });
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ closed: err.code ?? 'error' }));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
          } catch {
            resolve({ closed: `status ${res.statusCode} without a JSON body` });
          }
        });
      },
    );
    // after an answer, a reset while the rest of a huge body was still being written changes nothing (resolved once)
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ closed: err.code ?? 'error' }));
    req.end(payload);
  });
}

export interface PagePair {
  rest: { label: string; url: string; headers?: Record<string, string> };
  graphql: { label: string; url: string; headers?: Record<string, string>; script: string };
}

const ENTRY_FIELDS = 'unitId unitName departmentId departmentName regionId regionName category categoryLabel { zhCN en } rank rankInFilter position score assessment inspection publicSatisfaction deductions bonus flags samples { ratings scorecards inspectionReports } publicSatisfactionInterval { low high }';

/**
 * The GraphQL ranking pages and their REST equivalents, each checked once (same entries as REST, no errors):
 * the public 50-entry page, and the authenticated entries page with entries → unit → department, region.
 * Writes the wrk Lua scripts (POST bodies) into `scratch`.
 */
export async function graphqlPages(o: { port: number; base: string; auth: Record<string, string>; rankingId: string; scratch: string }): Promise<PagePair[]> {
  const publicQuery = `{ publicRankingPage(id: "${o.rankingId}", limit: 50) { total nextCursor ranking { id publicationVersion formulaVersion publishedAt } entries { ${ENTRY_FIELDS} } } }`;
  const entriesQuery = `{ rankingEntries(rankingId: "${o.rankingId}", limit: 50) { nextCursor items { ${ENTRY_FIELDS} unit { id name department { id name } region { id nameZh } } } } }`;
  const pairs: (PagePair & { query: string; entries: (body: unknown) => { unitId: string }[] | undefined })[] = [
    {
      rest: { label: 'GET /public/rankings/:id?limit=50', url: `${o.base}/public/rankings/${o.rankingId}?limit=50` },
      graphql: { label: 'POST /graphql publicRankingPage(limit: 50)', url: `http://127.0.0.1:${o.port}/graphql`, script: join(o.scratch, 'graphql-public-page.lua') },
      query: publicQuery,
      entries: (b) => (b as { data?: { publicRankingPage?: { entries: { unitId: string }[] } } }).data?.publicRankingPage?.entries,
    },
    {
      rest: { label: 'GET /rankings/:id/entries?limit=50', url: `${o.base}/rankings/${o.rankingId}/entries?limit=50`, headers: o.auth },
      graphql: {
        label: 'POST /graphql rankingEntries(limit: 50) → unit → dept, region',
        url: `http://127.0.0.1:${o.port}/graphql`,
        headers: o.auth,
        script: join(o.scratch, 'graphql-entries-page.lua'),
      },
      query: entriesQuery,
      entries: (b) => (b as { data?: { rankingEntries?: { items: { unitId: string }[] } } }).data?.rankingEntries?.items,
    },
  ];
  for (const p of pairs) {
    writeFileSync(p.graphql.script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(JSON.stringify({ query: p.query }))}\nwrk.headers["content-type"] = "application/json"\n`);
    const rest = await fetch(p.rest.url, { headers: { connection: 'close', ...p.rest.headers } });
    if (!rest.ok) throw new Error(`${p.rest.label}: ${rest.status} ${await rest.text()}`);
    const restBody = (await rest.json()) as { entries?: { unitId: string }[]; items?: { unitId: string }[] };
    const g = await postGraphql(o.port, p.query, p.graphql.headers);
    if ('closed' in g) throw new Error(`${p.graphql.label}: connection closed (${g.closed})`);
    const got = p.entries(g.body);
    if (g.status !== 200 || (g.body as { errors?: unknown }).errors || !got) throw new Error(`${p.graphql.label}: ${g.status} ${JSON.stringify(g.body).slice(0, 500)}`);
    const want = restBody.entries ?? restBody.items ?? [];
    if (got.map((e) => e.unitId).join() !== want.map((e) => e.unitId).join()) throw new Error(`${p.graphql.label}: not the entries REST returns`);
  }
  return pairs.map(({ rest, graphql }) => ({ rest, graphql }));
}
