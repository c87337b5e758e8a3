import t from 'tap';
import { canonicalJson } from '../src/lib/canonical.js';

// The definition the audit chain's digests were first computed with: a stored digest must still verify.
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => reference(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

t.test('canonical JSON is the same bytes as its first definition: keys sorted by code unit, undefined dropped', async (t) => {
  const values: unknown[] = [
    null, undefined, 0, -0, 1.5, NaN, 'a"b\\c\u2028', true, [], {}, [undefined, null, 1],
    { b: 1, a: undefined, c: [{ z: 1, y: { x: undefined, w: '满意' } }] },
    { '10': 1, '9': 2, a: 1, B: 2, é: 3, '\ud83d\ude00': 4, '': 5 },
    { at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), nested: [[new Date(0)], { k: [undefined] }] },
    Object.assign(Object.create(null) as object, { only: 'own', keys: 1 }),
  ];
  values.forEach((v, i) => t.equal(canonicalJson(v), reference(v), `value ${i}`));
});
