/**
 * How far ahead of the server clock a reported time (collected / received / visited at) may lie: devices'
 * clocks drift, a phone's by minutes. Beyond this the time is refused as "in the future". One rule for
 * ratings, imports, complaints and visit reports.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** True when `at` lies further in the future than the tolerance allows. */
export const isInFuture = (at: Date | number, now: Date | number = Date.now()): boolean =>
  (typeof at === 'number' ? at : at.getTime()) > (typeof now === 'number' ? now : now.getTime()) + FUTURE_TOLERANCE_MS;
