import { defineErrors } from '../../lib/errors.js';

/** Codes the Idempotency-Key header (IETF httpapi draft) answers with, on every POST of the REST API and the Open311 facade. */
export const idempotencyErrors = defineErrors({
  idempotency_key_invalid: {
    status: 400,
    title: 'Invalid Idempotency-Key',
    description: 'the Idempotency-Key header is empty, too long or holds characters outside its format (16–255 of A–Z a–z 0–9 - . _ ~ : + / =; a UUID)',
    zh: { title: 'Idempotency-Key 无效', description: 'Idempotency-Key 请求头为空、过长或含有格式之外的字符（16–255 个 A–Z a–z 0–9 - . _ ~ : + / =；可用 UUID）' },
  },
  idempotency_key_in_flight: {
    status: 409,
    title: 'Idempotency-Key In Flight',
    description: 'a request with this Idempotency-Key is still being processed; retry after Retry-After to get its response',
    zh: { title: 'Idempotency-Key 处理中', description: '使用该 Idempotency-Key 的请求仍在处理中；请在 Retry-After 之后重试以取得其响应' },
  },
  idempotency_key_reused: {
    status: 422,
    title: 'Idempotency-Key Reused',
    description: 'this Idempotency-Key was used for a different request (another route, parameters or body); use a new key for a new request',
    zh: { title: 'Idempotency-Key 已被占用', description: '该 Idempotency-Key 已用于另一个请求（接口、参数或请求体不同）；新请求请使用新键' },
  },
});
