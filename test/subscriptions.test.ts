import t from 'tap';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { generateLocalKeyPair, mintToken } from '../src/lib/keys.js';
import type { TokenClaims } from '../src/lib/keys.js';
import { namedCycle } from './fixtures-awards.js';
import { setup } from './helper.js';

// graphql-ws, the client a browser uses: a browser's WebSocket cannot set headers, so the token travels in
// connectionParams. The app listens on a loopback port; `ws` (mercurius' own dependency) stands in for the browser's
// WebSocket, imported by name so the test needs no extra types.
const h = await setup(t);
const x = await namedCycle(h, { year: 2051, top10: 1, top100: 2, lawCount: 2, pubCount: 1 });
const url = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws') + '/graphql';
const wsModule = 'ws';
type WsClass = new (url: string, protocols?: string | string[], opts?: { headers: Record<string, string> }) => object;
const { WebSocket } = (await import(wsModule)) as { WebSocket: WsClass };
const opts = { issuer: h.config.JWT_ISSUER, audience: h.config.JWT_AUDIENCE };
const token = (claims: TokenClaims) => mintToken(h.keys, claims, opts);

const QUERY = `subscription($c: ID!) { awardStatusChanged(cycleId: $c) { awardId cycleId to reason } }`;
const award = x.awards[0];
const BOUND_MS = 10_000;

const clients: Client[] = [];
t.teardown(async () => {
  for (const c of clients) await c.dispose();
});

/** A graphql-ws client; `upgradeHeaders` are what a non-browser client may also send on the upgrade request. */
function connect(connectionParams?: Record<string, unknown>, upgradeHeaders?: Record<string, string>) {
  const webSocketImpl = upgradeHeaders
    ? class extends WebSocket {
        constructor(u: string, protocols?: string | string[]) {
          super(u, protocols, { headers: upgradeHeaders! });
        }
      }
    : WebSocket;
  const client = createClient({ url, webSocketImpl, connectionParams, retryAttempts: 0, lazy: true });
  clients.push(client);
  return client;
}

interface Outcome {
  events: { awardId: string; cycleId: string; to: string; reason: string }[];
  /** What ended the subscription: a CloseEvent ({ code, reason }) or the GraphQL errors of an `error` message. */
  error?: unknown;
}

/** Subscribes to the award's cycle; `done` settles with the first event or the end, whichever comes first (bounded). */
function subscribe(client: Client) {
  const outcome: Outcome = { events: [] };
  const done = new Promise<Outcome>((resolve) => {
    const stop = setTimeout(() => resolve(outcome), BOUND_MS);
    const end = () => {
      clearTimeout(stop);
      resolve(outcome);
    };
    client.subscribe(
      { query: QUERY, variables: { c: x.cycleId } },
      {
        next: (value) => {
          outcome.events.push((value.data as { awardStatusChanged: Outcome['events'][number] }).awardStatusChanged);
          end();
        },
        error: (err) => {
          outcome.error = err;
          end();
        },
        complete: end,
      },
    );
  });
  return { outcome, done };
}

const move = (to: 'active' | 'rectification_ordered', reason: string) =>
  h.as('admin', {
    method: 'POST',
    url: `/api/v1/awards/${award.id}/transitions`,
    payload: to === 'active' ? { to, reason } : { to, reason, deadline: new Date(Date.now() + 10 * 86400_000).toISOString() },
  });

/**
 * Moves the award back and forth until every subscription heard a change (a subscription registers with the pubsub
 * a moment after the client sent it, with no message to say so), at most a few times.
 */
async function untilHeard(subs: { outcome: Outcome }[]) {
  let status: 'active' | 'rectification_ordered' = 'active';
  for (let attempt = 0; attempt < 20 && subs.some((s) => !s.outcome.events.length && !s.outcome.error); attempt++) {
    status = status === 'active' ? 'rectification_ordered' : 'active';
    const moved = await move(status, '订阅');
    if (moved.statusCode !== 200) throw new Error(moved.body);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (status !== 'active') await move('active', '复位');
}

t.test('a browser client sends its token in connectionParams and hears the award status changes', async (t) => {
  const asHeader = subscribe(connect({ authorization: `Bearer ${await token({ role: 'inspector' })}` }));
  const asToken = subscribe(connect({ token: await token({ role: 'department', departmentId: award.departmentId }) }));
  const asMercuriusHeaders = subscribe(connect({ headers: { Authorization: `Bearer ${await token({ role: 'admin' })}` } }));
  await untilHeard([asHeader, asToken, asMercuriusHeaders]);
  for (const [name, s] of [['authorization', asHeader], ['token', asToken], ['headers.Authorization', asMercuriusHeaders]] as const) {
    const { events, error } = await s.done;
    t.equal(error, undefined, `${name}: no error`);
    t.match(events[0], { awardId: award.id, cycleId: x.cycleId, reason: '订阅' }, name);
  }
});

t.test('a bad token in connectionParams closes the connection with 4403 Forbidden, saying why', async (t) => {
  const foreign = await mintToken(await generateLocalKeyPair(), { role: 'admin' }, opts);
  const expired = await mintToken(h.keys, { role: 'admin' }, { ...opts, ttlSeconds: 60, now: Date.now() - 3600_000 });
  const misfit = await token({ role: 'unit' });
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['signed by another key', { authorization: `Bearer ${foreign}` }, /invalid token/],
    ['expired', { token: expired }, /invalid token: ERR_JWT_EXPIRED/],
    ['claims that do not fit the role', { authorization: `Bearer ${misfit}` }, /unit_id is required for role unit/],
    ['not a bearer token', { authorization: 'Basic YWRtaW46YWRtaW4=' }, /Bearer <token>/],
  ];
  for (const [name, params, reason] of cases) {
    const { events, error } = await subscribe(connect(params)).done;
    t.same(events, [], name);
    t.match(error, { code: 4403, reason }, name);
  }
});

t.test('without a token the connection stays anonymous: the subscription is refused as before', async (t) => {
  const { events, error } = await subscribe(connect()).done;
  t.same(events, []);
  t.match(error, [{ message: /bearer token is required/, path: ['awardStatusChanged'] }]);
});

t.test('a token on the upgrade request still works; a different one in connectionParams is refused', async (t) => {
  const inspector = `Bearer ${await token({ role: 'inspector' })}`;
  const upgraded = subscribe(connect(undefined, { authorization: inspector }));
  const same = subscribe(connect({ authorization: inspector }, { authorization: inspector }));
  await untilHeard([upgraded, same]);
  t.match((await upgraded.done).events[0], { awardId: award.id });
  t.match((await same.done).events[0], { awardId: award.id }, 'the same token in both places is fine');
  const other = await subscribe(connect({ authorization: `Bearer ${await token({ role: 'admin' })}` }, { authorization: inspector })).done;
  t.match(other.error, { code: 4403, reason: /different tokens/ });
});
