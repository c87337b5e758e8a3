import t from 'tap';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { sheds } from '../src/plugins/load-shedding.js';
import { setup } from './helper.js';

/** What a raw client sees on one connection: the bytes the server sent and when it closed (ms after connecting). */
interface Seen {
  received: string;
  closedAfterMs: number | null;
}

/** Connects, writes `chunks` (a pause between them), then waits at most `waitMs` for the server to close. */
async function rawClient(port: number, chunks: string[], waitMs: number): Promise<Seen> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const started = Date.now();
  let received = '';
  let closedAfterMs: number | null = null;
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (received += d));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => ((closedAfterMs = Date.now() - started), resolve())));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  for (const c of chunks) socket.write(c);
  await Promise.race([closed, sleep(waitMs)]);
  socket.destroy();
  return { received, closedAfterMs };
}

t.test('slow and idle connections are cut off (small timeouts through config)', async (t) => {
  const h = await setup(t, { config: { HEADERS_TIMEOUT_MS: 300, REQUEST_TIMEOUT_MS: 1000, KEEP_ALIVE_TIMEOUT_MS: 300, CONNECTION_TIMEOUT_MS: 4000 } });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;

  t.test('a normal request still works on the same server', async (t) => {
    const seen = await rawClient(port, ['GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], 3000);
    t.match(seen.received, /^HTTP\/1\.1 200 /);
    t.match(seen.received, /"status":"ok"/);
  });

  t.test('a client that sends half a request line and stalls answers 408 problem+json and is disconnected', async (t) => {
    const seen = await rawClient(port, ['GET /healthz HT'], 5000);
    t.not(seen.closedAfterMs, null, 'the server closed the connection');
    t.ok(seen.closedAfterMs! < 3000, `closed after ${seen.closedAfterMs} ms: the headers timeout, not the 4 s idle timeout`);
    t.match(seen.received, /^HTTP\/1\.1 408 /);
    t.match(seen.received, /application\/problem\+json/);
    t.match(seen.received, /"code":"request_timeout"/);
  });

  t.test('a client that stalls in the middle of its body is answered 408 after the request timeout', async (t) => {
    const auth = `Authorization: Bearer ${await h.token('admin')}`;
    const head = `POST /api/v1/regions HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    const seen = await rawClient(port, [head, '{"level":'], 5000);
    t.not(seen.closedAfterMs, null, 'the server closed the connection');
    t.ok(seen.closedAfterMs! < 3000, `closed after ${seen.closedAfterMs} ms: the request timeout, not the 4 s idle timeout`);
    t.match(seen.received, /^HTTP\/1\.1 408 /);
    t.match(seen.received, /"code":"request_timeout"/);
  });

  t.test('an idle keep-alive connection is closed after the keep-alive timeout', async (t) => {
    const seen = await rawClient(port, ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'], 5000);
    t.match(seen.received, /^HTTP\/1\.1 200 /);
    t.match(seen.received, /connection: keep-alive/i);
    t.not(seen.closedAfterMs, null, 'the server closed the idle connection');
    // Node keeps an idle keep-alive socket up to a second past keepAliveTimeout (its grace for in-flight requests).
    t.ok(seen.closedAfterMs! < 3000, `closed after ${seen.closedAfterMs} ms: the keep-alive timeout, not the 4 s idle timeout`);
  });
});

/** Heap in use is always above one byte: once under-pressure has taken its first sample (about a second), it sheds. */
const overloadedConfig = { LOAD_SHEDDING_MAX_HEAP_USED_BYTES: 1 };

async function untilShed(inject: () => Promise<{ statusCode: number }>): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await inject()).statusCode !== 503 && Date.now() < deadline) await sleep(100);
}

t.test('an overloaded instance sheds requests with 503 problem+json overloaded and Retry-After', async (t) => {
  const h = await setup(t, { config: overloadedConfig });
  await untilShed(() => h.app.inject({ method: 'GET', url: '/api/v1/regions' }));
  const res = await h.app.inject({ method: 'GET', url: '/api/v1/regions' });
  t.equal(res.statusCode, 503);
  t.match(res.headers['content-type'], /application\/problem\+json/);
  t.equal(res.json().code, 'overloaded');
  t.equal(res.json().type, 'urn:manyi:problem:overloaded');
  t.ok(Number(res.headers['retry-after']) > 0, 'Retry-After is set');
  t.equal((await h.app.inject({ method: 'GET', url: '/readyz' })).json().code, 'overloaded', 'readiness sheds: the instance leaves the rotation');
  const live = await h.app.inject({ method: 'GET', url: '/healthz' });
  t.equal(live.statusCode, 200, 'liveness stays exempt: the process is alive');
});

t.test('LOAD_SHEDDING=false turns shedding off', async (t) => {
  const h = await setup(t, { config: { ...overloadedConfig, LOAD_SHEDDING: false } });
  await sleep(1500);
  t.equal((await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
});

t.test('an interval with no event-loop sample is no measurement: it does not shed, a measured stall does', async (t) => {
  // under-pressure turns a sample-less interval (right after a stall, both timers due at once) into an infinite delay;
  // taken at its word, every request was refused for a second after any stall (seen as 503s on a loaded machine).
  t.equal(sheds('/api/v1/regions', 'eventLoopDelay', Infinity), false);
  t.equal(sheds('/api/v1/regions', 'eventLoopDelay', Number.NaN), false);
  t.equal(sheds('/api/v1/regions', 'eventLoopDelay', 2_500), true);
  t.equal(sheds('/api/v1/regions', 'heapUsedBytes', 2 ** 31), true);
  t.equal(sheds('/healthz', 'eventLoopDelay', 2_500), false, 'liveness is exempt');
});
