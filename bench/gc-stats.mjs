/**
 * Preloaded into node dist/server.js by bench/tail-variants.ts (`--import ./bench/gc-stats.mjs`, GC_STATS_FILE set):
 * every 250 ms it writes the process's garbage collections so far (count and pause milliseconds, minor and major) and
 * the event loop's delay since the last SIGWINCH (max, p99) to that file. Nothing else of the process is touched.
 */
import { renameSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { setInterval } from 'node:timers';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.GC_STATS_FILE;
if (file) {
  const stats = { minor: 0, minorMs: 0, minorMax: 0, major: 0, majorMs: 0, majorMax: 0, loopMaxMs: 0, loopP99Ms: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const major = e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR || e.detail?.kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL;
      if (major) {
        stats.major++;
        stats.majorMs += e.duration;
        stats.majorMax = Math.max(stats.majorMax, e.duration);
      } else {
        stats.minor++;
        stats.minorMs += e.duration;
        stats.minorMax = Math.max(stats.minorMax, e.duration);
      }
    }
  }).observe({ entryTypes: ['gc'] });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  setInterval(() => {
    stats.loopMaxMs = loop.max / 1e6;
    stats.loopP99Ms = loop.percentile(99) / 1e6;
    writeFileSync(`${file}.tmp`, JSON.stringify(stats));
    renameSync(`${file}.tmp`, file); // whole, never half-written, for the reader
  }, 250).unref();
  // SIGWINCH (harmless to a server): start the event-loop histogram afresh, for the next run.
  process.on('SIGWINCH', () => loop.reset());
}
