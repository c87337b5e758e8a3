/**
 * One turn of the event loop for the I/O waiting behind a long synchronous stretch (a bulk parse, the audit sealer's
 * digests): requests arriving meanwhile are served between two slices instead of after the whole stretch.
 */
export const yieldToIo = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
