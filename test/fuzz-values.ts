/**
 * The raw material of the fuzz test (test/fuzz.test.ts): a seeded PRNG, hostile text and numbers, and bodies that
 * are too deep, too big or not JSON at all. Deterministic: the same seed gives the same requests.
 */

/** mulberry32: small, fast, good enough to pick variants; never Math.random, so a failure can be replayed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    /** n distinct elements (all of them when there are fewer), in a seeded order. */
    sample: <T>(xs: readonly T[], n: number): T[] => {
      const copy = [...xs];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy.slice(0, n);
    },
  };
}
export type Prng = ReturnType<typeof prng>;

/** A UUID that names no row (version 7 shape, so it passes the id pattern and reaches the service). */
export const missingId = '01900000-0000-7000-8000-00000000dead';

/** Text that must be refused or stored faithfully, never a 500: NUL, controls, lone surrogates, odd Unicode. */
export const hostileText: readonly string[] = [
  'a\u0000b',
  '\u0000',
  'tab\tnew\nline\rcr',
  '\u0001\u0002\u001f\u007f',
  '\ud800',
  'x\udc00y',
  '\udbff\udfff',
  '😀👨‍👩‍👧‍👦',
  '\u202e\u200b\ufeff',
  '测试单位名称',
  'e\u0301\u0301\u0301',
  "'; drop table units; --",
  '%00%ff',
  '\\u0000',
  '{{7*7}}${7*7}',
  '<script>alert(1)</script>',
  ' ',
  '',
];

/** Percent-encoded path or query segments that are not storable text, plus ordinary oddities. */
export const hostileSegments: readonly string[] = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%FF',
  '%C0%AF',
  '%E0%A4%A',
  '%',
  '%25',
  '..%2F..%2Fetc%2Fpasswd',
  '%F0%9F%98%80',
  encodeURIComponent('测试'),
  '%20',
  '%0A%0D',
];

/** Strings of a length around `n`: n-1, n, n+1 (the boundaries a zod min/max sets). */
export const around = (n: number, ch = 'a') => [Math.max(0, n - 1), n, n + 1].map((k) => ch.repeat(k));

export const brokenUuids: readonly string[] = [
  'not-a-uuid',
  '01900000-0000-7000-8000-00000000000',
  '01900000-0000-7000-8000-0000000000000',
  '01900000-0000-7000-8000-00000000000g',
  '01900000000070008000000000000001',
  '{01900000-0000-7000-8000-000000000001}',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  missingId,
];

export const brokenDates: readonly string[] = [
  '2024-13-45T99:99:99Z',
  '2024-02-30T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '9999-12-31T23:59:59.999Z',
  '1969-12-31T23:59:59Z',
  '2024-05-01',
  '0000-01-01',
  '2024-02-30',
  '9999-12-31',
  '2024-05-01T08:00:00',
  'yesterday',
  '1714550400',
];

export const oddNumbers: readonly unknown[] = [0, -1, 1.5, -0.0001, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, '1', 'NaN', true, null, [], {}];

/** Values of every JSON type, for a field that expects another. */
export const wrongTypes: readonly unknown[] = ['text', 12345, -1, 1.5, true, false, null, [], [1, 'a'], {}, { nested: { deeper: true } }];

/** `depth` levels of nesting, built iteratively (JSON.stringify would overflow on a recursive build). */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Malformed or surprising JSON texts (sent as application/json). */
export const malformedJson: readonly string[] = [
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{"b":2}',
  'null',
  '[]',
  '"string"',
  '12345',
  'true',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":NaN}',
  '{"a":1e999999}',
  '\ufeff{}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '',
];

/** Raw bytes that are not UTF-8: lone continuation bytes, an overlong slash, a CESU-8 surrogate. */
export const invalidUtf8Bodies: readonly Buffer[] = [
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]),
  Buffer.from([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]),
];

export const wrongContentTypes: readonly (string | undefined)[] = [
  undefined,
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/json-patch+json',
  'application/octet-stream',
  'text/csv',
  'application/problem+json',
  'application/jsonx',
  ';;;',
];
