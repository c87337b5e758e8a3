import fp from 'fastify-plugin';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

const isZod = (schema: unknown) => schema instanceof z.ZodType;
/** Plugins' JSON-schema routes (mercurius) are validated by the resolvers/GraphQL itself. */
const passThrough = (data: unknown) => ({ value: data });
const stringify = (data: unknown) => JSON.stringify(data);

/** "Not this way": the compiled serializer hands the response to zod (which then serializes it or refuses it). */
const NO = Symbol('no');
type Serialize = (value: unknown) => string | typeof NO;

/** Values a leaf's zod check has passed, with their JSON (ids, timestamps, versions repeat from response to response). */
const LEAF_MEMO_ENTRIES = 1024;

/**
 * Anything the compiler does not take apart itself (formats, refinements, unions, records, transforms …) is checked
 * and encoded by zod itself, on that value alone: the JSON is the same, since JSON.stringify composes.
 */
function byZod(schema: z.ZodType): Serialize {
  const seen = new Map<unknown, string>();
  return (value) => {
    const memo = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    if (memo) {
      const hit = seen.get(value);
      if (hit !== undefined) return hit;
    }
    const r = z.safeEncode(schema, value as never);
    if (!r.success) return NO;
    const json = JSON.stringify(r.data);
    if (json === undefined) return NO;
    if (memo) {
      if (seen.size >= LEAF_MEMO_ENTRIES) seen.clear();
      seen.set(value, json);
    }
    return json;
  };
}

interface Def {
  type: string;
  checks?: unknown[];
  coerce?: boolean;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  entries?: Record<string, unknown>;
  values?: unknown[];
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * A response serializer compiled from a zod schema: the same bytes as zod's check and encode followed by
 * JSON.stringify (what fastify-type-provider-zod does), without zod's per-value machinery on the plain parts — objects
 * (unknown keys left out, as zod strips them), arrays, nullables, optionals, enums, literals, unchecked strings,
 * numbers and booleans. Any value that does not fit answers NO, and the whole response goes the zod way instead, so
 * a response zod refuses is still refused.
 */
export function compileSerializer(schema: z.ZodType): Serialize {
  const done = compiledSchemas.get(schema);
  if (done) return done;
  // A schema that contains itself (a getter in its shape) meets this stand-in on the way down.
  const slot: { built?: Serialize } = {};
  compiledSchemas.set(schema, (v) => slot.built!(v));
  slot.built = build(schema);
  compiledSchemas.set(schema, slot.built);
  return slot.built;
}

/** One serializer per schema object, shared by the routes (and status codes) that answer with it. */
const compiledSchemas = new WeakMap<z.ZodType, Serialize>();

function build(schema: z.ZodType): Serialize {
  const d = defOf(schema);
  // Only definitions made of exactly what is taken apart here: a format (z.uuid(), z.iso.datetime(), z.int()), a
  // pattern, a custom error or anything zod adds later sends the value to zod.
  const known = KNOWN_DEF_KEYS[d.type];
  if (!known || Object.keys(d).some((k) => !known.has(k))) return byZod(schema);
  const plain = !d.checks?.length && !d.coerce;
  switch (d.type) {
    case 'string':
      return plain ? (v) => (typeof v === 'string' ? JSON.stringify(v) : NO) : byZod(schema);
    case 'boolean':
      return plain ? (v) => (v === true ? 'true' : v === false ? 'false' : NO) : byZod(schema);
    case 'number':
      return plain ? (v) => (typeof v === 'number' && Number.isFinite(v) ? JSON.stringify(v) : NO) : byZod(schema);
    case 'null':
      return (v) => (v === null ? 'null' : NO);
    case 'enum':
    case 'literal': {
      const allowed = new Set(d.type === 'enum' ? Object.values(d.entries!) : d.values!);
      return (v) => ((typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && allowed.has(v) ? JSON.stringify(v) : NO);
    }
    case 'nullable': {
      const inner = compileSerializer(d.innerType!);
      return (v) => (v === null ? 'null' : inner(v));
    }
    case 'array': {
      const bounds = arrayBounds(d.checks ?? []);
      if (!bounds) return byZod(schema);
      const element = compileSerializer(d.element!);
      return (v) => {
        if (!Array.isArray(v) || v.length < bounds.min || v.length > bounds.max) return NO;
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          const s = element(v[i]);
          if (s === NO) return NO;
          out += i === 0 ? s : `,${s}`;
        }
        return `${out}]`;
      };
    }
    case 'object': {
      // z.looseObject / z.strictObject keep or refuse unknown keys: zod's way.
      if (d.catchall || d.checks?.length) return byZod(schema);
      const fields = Object.entries(d.shape!).map(([key, field]) => {
        const optional = defOf(field).type === 'optional';
        return { key, prefix: `${JSON.stringify(key)}:`, optional, serialize: compileSerializer(optional ? defOf(field).innerType! : field) };
      });
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
        const o = v as Record<string, unknown>;
        let out = '{';
        for (const f of fields) {
          const value = o[f.key];
          if (value === undefined) {
            // zod keeps an optional key's undefined, which JSON.stringify leaves out; a default or `unknown` is zod's to fill.
            if (f.optional) continue;
            return NO;
          }
          const s = f.serialize(value);
          if (s === NO) return NO;
          out += out.length === 1 ? f.prefix + s : `,${f.prefix}${s}`;
        }
        return `${out}}`;
      };
    }
    default:
      return byZod(schema);
  }
}

const KNOWN_DEF_KEYS: Record<string, Set<string>> = Object.fromEntries(
  Object.entries({
    string: ['type', 'checks', 'coerce'],
    boolean: ['type', 'checks', 'coerce'],
    number: ['type', 'checks', 'coerce'],
    null: ['type'],
    enum: ['type', 'entries'],
    literal: ['type', 'values'],
    nullable: ['type', 'innerType'],
    array: ['type', 'element', 'checks'],
    object: ['type', 'shape', 'catchall', 'checks'],
  }).map(([type, keys]) => [type, new Set(keys)]),
);

/** The length bounds of an array schema, or null when it has other checks. */
function arrayBounds(checks: unknown[]): { min: number; max: number } | null {
  let min = 0;
  let max = Infinity;
  for (const c of checks) {
    const def = (c as { _zod: { def: { check: string; minimum?: number; maximum?: number; length?: number } } })._zod.def;
    if (def.check === 'max_length') max = Math.min(max, def.maximum!);
    else if (def.check === 'min_length') min = Math.max(min, def.minimum!);
    else if (def.check === 'length_equals') [min, max] = [Math.max(min, def.length!), Math.min(max, def.length!)];
    else return null;
  }
  return { min, max };
}

export interface ValidationOptions {
  /**
   * How zod response schemas serialize. `compiled` (production): compileSerializer, zod only for what it hands over.
   * `checked` (development, tests): zod's check and encode as the source of truth, and the compiled serializer beside
   * it must produce the same bytes, or the response fails with 500 — so every test run proves them equivalent.
   */
  responses?: 'compiled' | 'checked';
}

type RouteLike = Parameters<typeof serializerCompiler>[0];
/** fastify-type-provider-zod's serializer: zod's check and encode of the whole response, then JSON.stringify. */
const zodWhole = (route: unknown) => serializerCompiler(route as RouteLike) as (data: unknown) => string;

/** Our routes carry zod schemas; plugins (mercurius) bring plain JSON schemas and keep fastify's defaults. */
export default fp<ValidationOptions>(
  async (app, { responses = 'checked' }) => {
    app.setValidatorCompiler((route) => (isZod(route.schema) ? validatorCompiler(route as never) : passThrough));
    // Fastify asks for a serializer per route and status code at start (thousands of them): each is one closure here,
    // and builds what it needs on its first response (most routes of a process never answer, most statuses never occur).
    app.setSerializerCompiler((route) => {
      if (!isZod(route.schema)) return stringify;
      let compiled: Serialize | undefined;
      let byZodWhole: ((data: unknown) => string) | undefined;
      if (responses === 'compiled') {
        return (data: unknown) => {
          const s = (compiled ??= compileSerializer(route.schema as z.ZodType))(data);
          return s === NO ? (byZodWhole ??= zodWhole(route))(data) : s;
        };
      }
      return (data: unknown) => {
        const expected = (byZodWhole ??= zodWhole(route))(data);
        const s = (compiled ??= compileSerializer(route.schema as z.ZodType))(data);
        if (s !== NO && s !== expected) {
          throw new Error(`compiled serializer of ${route.method} ${route.url} (${String(route.httpStatus)}) differs from zod's:\n${s}\n${expected}`);
        }
        return expected;
      };
    });
  },
  { name: 'validation' },
);
