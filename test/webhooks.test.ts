import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { compactVerify, createLocalJWKSet } from 'jose';
import { systemContext } from '../src/lib/principal.js';
import { gql, setup } from './helper.js';

const h = await setup(t);
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
let answer = 200;
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    received.push({ headers: req.headers, body });
    res.statusCode = answer;
    res.end();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
t.teardown(() => receiver.close());
const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const emit = (type: 'award.status_changed' | 'ranking.published', payload: Record<string, unknown>) =>
  h.app.services.db.transaction((tx) => h.app.services.webhooks.emit(tx, systemContext('test'), type, payload));

t.test('a subscriber receives each event once, HMAC-signed, with an event id to de-duplicate on', async (t) => {
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/webhook-subscriptions', payload: { url: target, events: ['award.status_changed'], signing: 'hmac' } });
  t.equal(res.statusCode, 201);
  const { secret, id: subscriptionId } = res.json();
  t.match(secret, /^whsec_/);
  t.notOk((await h.as('admin', { method: 'GET', url: `/api/v1/webhook-subscriptions/${subscriptionId}` })).json().secret, 'the secret is shown only once');

  const eventId = await emit('award.status_changed', { awardId: 'a1', from: 'active', to: 'revoked' });
  await emit('ranking.published', { rankingId: 'r1' }); // not subscribed
  t.equal(await h.app.services.webhooks.dispatchDue(), 1);
  t.equal(received.length, 1);
  const got = received[0];
  t.equal(got.headers['manyi-event-id'], eventId);
  const body = JSON.parse(got.body);
  t.same(body, { id: eventId, type: 'award.status_changed', occurredAt: body.occurredAt, data: { awardId: 'a1', from: 'active', to: 'revoked' } });
  const [tPart, vPart] = String(got.headers['manyi-signature']).split(',');
  const expected = createHmac('sha256', secret).update(`${tPart.slice(2)}.${got.body}`).digest('hex');
  t.equal(vPart, `v1=${expected}`);
  t.equal(await h.app.services.webhooks.dispatchDue(), 0, 'nothing left to deliver');

  const log = await h.as('admin', { method: 'GET', url: `/api/v1/webhook-subscriptions/${subscriptionId}/deliveries` });
  t.equal(log.json().items[0].status, 'delivered');
  t.equal(log.json().items[0].attempts, 1);
});

t.test('a JWS-signed delivery verifies against the published key set', async (t) => {
  received.length = 0;
  await h.as('admin', { method: 'POST', url: '/api/v1/webhook-subscriptions', payload: { url: target, events: ['ranking.published'], signing: 'jws' } });
  await emit('ranking.published', { rankingId: 'r2' });
  await h.app.services.webhooks.dispatchDue();
  const got = received.find((r) => r.body.includes('r2'))!;
  const sig = String(got.headers['manyi-signature']).replace(/^jws=/, '');
  const [header, , signature] = sig.split('.');
  const compact = `${header}.${Buffer.from(got.body).toString('base64url')}.${signature}`;
  const jwks = (await h.as('anonymous', { method: 'GET', url: '/.well-known/jwks.json' })).json();
  const { payload } = await compactVerify(compact, createLocalJWKSet(jwks));
  t.equal(new TextDecoder().decode(payload), got.body);
});

t.test('failed deliveries are retried with backoff, then given up and can be queued again', async (t) => {
  received.length = 0;
  answer = 500;
  const sub = (await h.as('admin', { method: 'POST', url: '/api/v1/webhook-subscriptions', payload: { url: target, events: ['*'] } })).json();
  await emit('award.status_changed', { awardId: 'a2' });
  await h.app.services.webhooks.dispatchDue();
  let log = (await h.as('admin', { method: 'GET', url: `/api/v1/webhook-subscriptions/${sub.id}/deliveries` })).json().items[0];
  t.equal(log.status, 'pending');
  t.equal(log.lastStatusCode, 500);
  t.ok(new Date(log.nextAttemptAt).getTime() > Date.now() + 5000, 'next attempt is backed off');
  t.equal(await h.app.services.webhooks.dispatchDue(), 0, 'not due yet');
  await h.sql(`update webhook_deliveries set attempts = 8, next_attempt_at = now() where id = $1`, [log.id]);
  await h.app.services.webhooks.dispatchDue();
  log = (await h.as('admin', { method: 'GET', url: `/api/v1/webhook-subscriptions/${sub.id}/deliveries?status=failed` })).json().items[0];
  t.equal(log.status, 'failed');
  answer = 200;
  t.equal((await h.as('admin', { method: 'POST', url: `/api/v1/webhook-deliveries/${log.id}/retry` })).statusCode, 204);
  const [{ attempts }] = await h.sql<{ attempts: number }>(`select attempts from webhook_deliveries where id = $1`, [log.id]);
  t.equal(attempts, 0, 'a retried delivery gets a full set of attempts');
  t.equal((await h.as('admin', { method: 'POST', url: `/api/v1/webhook-deliveries/${log.id}/retry` })).json().code, 'delivery_not_failed');
  t.equal((await h.as('admin', { method: 'POST', url: '/api/v1/webhook-deliveries/01900000-0000-7000-8000-000000000000/retry' })).statusCode, 404);
  await h.app.services.webhooks.dispatchDue();
  log = (await h.as('admin', { method: 'GET', url: `/api/v1/webhook-subscriptions/${sub.id}/deliveries?status=delivered` })).json().items[0];
  t.equal(log.status, 'delivered');
});

t.test('an event whose transaction rolls back is never delivered', async (t) => {
  received.length = 0;
  await t.rejects(
    h.app.services.db.transaction(async (tx) => {
      await h.app.services.webhooks.emit(tx, systemContext('test'), 'award.status_changed', { awardId: 'ghost' });
      throw new Error('change failed');
    }),
  );
  await h.app.services.webhooks.dispatchDue();
  t.notOk(received.some((r) => r.body.includes('ghost')));
});

t.test('subscriptions are admin-only and audited; GraphQL lists the same', async (t) => {
  for (const who of ['integration', 'inspector'] as const) {
    t.equal((await h.as(who, { method: 'POST', url: '/api/v1/webhook-subscriptions', payload: { url: target, events: ['*'] } })).statusCode, 403);
  }
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/webhook-subscriptions' })).statusCode, 401);
  const bad = await h.as('admin', { method: 'POST', url: '/api/v1/webhook-subscriptions', payload: { url: target, events: ['award.exploded'] } });
  t.equal(bad.statusCode, 400);
  const audit = (await h.as('admin', { method: 'GET', url: '/api/v1/audit-log?entityType=webhook_subscription' })).json();
  t.equal(audit.items.length, 3);
  t.notOk(JSON.stringify(audit).includes('whsec_'), 'the secret is not in the audit log');
  const rest = (await h.as('admin', { method: 'GET', url: '/api/v1/webhook-subscriptions' })).json().items.map((s: { id: string }) => s.id);
  const g = await gql(h, 'admin', '{ webhookSubscriptions { items { id } } }');
  t.same((g.data!.webhookSubscriptions as { items: { id: string }[] }).items.map((s) => s.id), rest);
});

t.test('in production, targets must be https and public', async (t) => {
  const prod = await setup(t, { config: { NODE_ENV: 'production' } });
  for (const url of ['http://example.org/hook', 'https://127.0.0.1/hook', 'https://10.1.2.3/hook', 'https://169.254.169.254/latest', 'https://[::1]/x', 'https://localhost/x']) {
    const res = await prod.as('admin', { method: 'POST', url: '/api/v1/webhook-subscriptions', payload: { url, events: ['*'] } });
    t.equal(res.statusCode, 422, url);
    t.equal(res.json().errors[0].field, 'url');
  }
  const ok = await prod.as('admin', { method: 'POST', url: '/api/v1/webhook-subscriptions', payload: { url: 'https://203.0.113.7/hook', events: ['*'] } });
  t.equal(ok.statusCode, 201);
});
