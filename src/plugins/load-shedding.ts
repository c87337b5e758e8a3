import fp from 'fastify-plugin';
import underPressure from '@fastify/under-pressure';
import type { Config } from '../config.js';
import { DomainError } from '../lib/errors.js';

/** Requests this instance still answers while shedding: liveness, so a load balancer sees the process alive. */
const EXEMPT = new Set(['/healthz']);

// Which measure tripped is logged, not told: the client only needs to wait and retry.
const overloaded = () => new DomainError(503, 'overloaded', 'Service Unavailable', 'this instance is overloaded; retry after Retry-After');

/**
 * Whether a request under pressure is refused. Liveness is exempt. under-pressure reports an interval in which its
 * histogram took no sample (its sampling timer ran before the delay timer, typically right after a stall) as an
 * infinite event-loop delay, and would refuse every request until its next sample: no sample is no measurement, and
 * the next interval measures the stall itself.
 */
export function sheds(url: string | undefined, type: string, value: number | undefined): boolean {
  if (EXEMPT.has(url ?? '')) return false;
  if (type === 'eventLoopDelay' && !Number.isFinite(value)) return false;
  return true;
}

/**
 * Load shedding: past the event-loop delay (or heap, RSS) limit, requests are refused with 503 overloaded before
 * any other hook runs, instead of queuing behind a stalled loop. The errors plugin writes the problem document
 * and Retry-After. /readyz sheds too: an overloaded instance should leave the rotation until it recovers.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    if (!config.LOAD_SHEDDING) return;
    await app.register(underPressure, {
      maxEventLoopDelay: config.LOAD_SHEDDING_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: config.LOAD_SHEDDING_MAX_HEAP_USED_BYTES,
      maxRssBytes: config.LOAD_SHEDDING_MAX_RSS_BYTES,
      // A rejected promise goes to the error handler; a resolved one lets the request through.
      pressureHandler: async (request, _reply, type, value) => {
        if (!sheds(request.routeOptions.url, type, value)) return;
        request.log.warn({ pressure: type, value }, 'request shed: instance overloaded');
        throw overloaded();
      },
    });
  },
  { name: 'load-shedding', dependencies: ['errors'] },
);
