/**
 * A fixed-rate loopback load generator (wrk2's idea; wrk itself only runs closed loops): requests are scheduled at a
 * constant rate over at most `connections` keep-alive sockets, and each latency is measured from the moment the request
 * was due, not from when a socket became free, so a stall shows in the tail instead of slowing the sender down
 * (coordinated omission). Run by bench/run.ts as a separate process:
 *
 *   node --import tsx bench/fixed-rate.ts '{"url":"http://127.0.0.1:3000/api/v1/units/…","rate":800,"seconds":10,"connections":32}'
 *
 * Options (one JSON argument): url, rate (req/s), seconds, connections, method (GET), headers, body — `{n}` in the body
 * is replaced by the request's sequence number (distinct respondents). Prints one JSON line:
 * { sent, completed, non2xx, errors, rate, p50, p90, p99, max, lateP50, lateP99 } (latencies in ms).
 *
 * `late…` is how late this generator itself handed each request to its socket pool (its own timer and event loop,
 * starved when the machine is busy): lateness that is the generator's and not the service's, yet counted in the
 * latencies all the same. When lateP99 is near p99, the tail is the machine's; bench/run.ts also measures a
 * hello-world at the same rate, the floor any service's tail stands on in that run.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

interface Options {
  url: string;
  rate: number;
  seconds: number;
  connections: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

const o = JSON.parse(process.argv[2] ?? '{}') as Options;
const target = new URL(o.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections, maxFreeSockets: o.connections });
const latencies: number[] = [];
let non2xx = 0;
let errors = 0;
let sent = 0;
const late: number[] = [];

function send(n: number, due: number): Promise<void> {
  late.push(performance.now() - due);
  const body = o.body?.replaceAll('{n}', String(n));
  const headers: Record<string, string | number> = { ...o.headers };
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve) => {
    const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method: o.method ?? 'GET', headers }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => {
        latencies.push(performance.now() - due);
        if (!res.statusCode || res.statusCode < 200 || res.statusCode > 299) non2xx++;
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end(body);
  });
}

const pending = new Set<Promise<void>>();
const start = performance.now();
const total = Math.round(o.rate * o.seconds);
const interval = 1000 / o.rate;
while (sent < total) {
  const now = performance.now();
  // Every request that is due by now goes out (the agent queues it when all sockets are busy; its wait counts).
  while (sent < total && start + sent * interval <= now) {
    const p = send(sent, start + sent * interval);
    pending.add(p);
    void p.then(() => pending.delete(p));
    sent++;
  }
  const next = start + sent * interval - performance.now();
  await new Promise((r) => setTimeout(r, Math.max(0, Math.min(next, 5))));
}
await Promise.all(pending);
const elapsed = (performance.now() - start) / 1000;
agent.destroy();
latencies.sort((a, b) => a - b);
late.sort((a, b) => a - b);
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;
console.log(
  JSON.stringify({
    sent,
    completed: latencies.length,
    non2xx,
    errors,
    rate: latencies.length / elapsed,
    p50: pct(latencies, 50),
    p90: pct(latencies, 90),
    p99: pct(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    lateP50: pct(late, 50),
    lateP99: pct(late, 99),
  }),
);
