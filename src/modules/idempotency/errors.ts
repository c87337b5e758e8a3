import { defineErrors } from '../../lib/errors.js';

/** Codes the Idempotency-Key header (IETF httpapi draft) answers with, on every POST of the REST API and the Open311 facade. */
export const idempotencyErrors = defineErrors({
  idempotency_key_invalid: {
    status: 400,
    title: 'Invalid Idempotency-Key',
    description: 'the Idempotency-Key header is empty, too long or holds characters outside its format (16–255 of A–Z a–z 0–9 - . _ ~ : + / =; a UUID)',
  },
  idempotency_key_in_flight: {
    status: 409,
    title: 'Idempotency-Key In Flight',
    description: 'a request with this Idempotency-Key is still being processed; retry after Retry-After to get its response',
  },
  idempotency_key_reused: {
    status: 422,
    title: 'Idempotency-Key Reused',
    description: 'this Idempotency-Key was used for a different request (another route, parameters or body); use a new key for a new request',
  },
});
