/**
 * What a GraphQL operation will cost, measured on the document before any resolver runs.
 *
 * Cost: every field costs 1 (or the weight its module declares, for the heavy ones); a field that returns a list
 * multiplies its children's cost by the number of items it may return: its own `limit`/`first` argument or the
 * `limit` of the page it sits in (`units(limit: 200) { items { … } }`), never more than MAX_PAGE_SIZE, and the
 * API's default page size when the argument is left out; DEFAULT_LIST_SIZE for a list that takes no size and has a
 * resolver or loader of its own. A list served from its parent's record (a criteria document's sections, a
 * scorecard's items) counts as one item: its data came with the parent, so asking for it adds fields, not fetches. Introspection (`__schema`, `__type`) has a fixed cost and counts for no depth: it reads the
 * schema in memory, and a standard introspection query nests 15 deep.
 *
 * Structure: the depth, the root fields and, per selection set, how often one field is asked for under
 * different aliases (the amplification the cost alone would price but the depth would never see).
 */
import { Kind, getNamedType, getNullableType, isCompositeType, isListType, isObjectType, isInterfaceType, valueFromASTUntyped } from 'graphql';
import type { DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLField, GraphQLNamedType, GraphQLSchema, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './http.js';

/**
 * A list that is not a page (an award's transitions, a report's findings) is priced at this many items: such lists
 * are a record's own small collections. The heavy unbounded ones (the award roll, a public ranking) carry a weight.
 */
export const DEFAULT_LIST_SIZE = 10;
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE };
/**
 * The fixed cost of an introspection root field, whatever it selects. A whole-schema `__schema` takes some 20 ms:
 * the anonymous budget holds one (GraphiQL's standard query), the authenticated one five; `__type` reads one type.
 */
export const INTROSPECTION_COSTS: Readonly<Record<string, number>> = { __schema: 2000, __type: 100 };
const SIZE_ARGUMENTS = ['limit', 'first'];

/** Weights of heavy fields, keyed `Type.field` (e.g. `Query.statistics`); a weight replaces the field's cost of 1. */
export type FieldWeights = Readonly<Record<string, number>>;

/** Whether `Type.field` has a resolver or loader of its own (otherwise it is read off the parent's record). */
export type IsResolved = (type: string, field: string) => boolean;

export interface OperationMeasure {
  cost: number;
  /** Field levels below the root, introspection excluded. */
  depth: number;
  /** Fields asked for at the root (aliases counted, `__typename` not). */
  rootFields: number;
  /** The field asked for most often in one selection set, under different aliases. */
  mostAliased: { field: string; count: number } | null;
  introspection: boolean;
}

interface SetMeasure {
  cost: number;
  depth: number;
  /** How often each field (`Type.field`) is asked for in this set, fragments included. */
  counts: Map<string, number>;
}

/**
 * Measures the operation that will run (`operationName`, or the only one); when the name does not pick one,
 * the worst of the document's operations, so an invalid document is never measured as cheaper than it is.
 * Works on unvalidated documents: unknown fields cost 1 and unknown fragments nothing.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  opts: { variables?: Record<string, unknown> | null; operationName?: string | null; weights?: FieldWeights; isResolved?: IsResolved } = {},
): OperationMeasure {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const named = opts.operationName ? operations.filter((o) => o.name?.value === opts.operationName) : [];
  const chosen = named.length ? named : operations;
  const measures = chosen.map((op) => measureOne(schema, document, op, opts.variables ?? {}, opts.weights ?? {}, opts.isResolved ?? (() => true)));
  if (!measures.length) return { cost: 0, depth: 0, rootFields: 0, mostAliased: null, introspection: false };
  return measures.reduce((a, b) => ({
    cost: Math.max(a.cost, b.cost),
    depth: Math.max(a.depth, b.depth),
    rootFields: Math.max(a.rootFields, b.rootFields),
    mostAliased: (b.mostAliased?.count ?? 0) > (a.mostAliased?.count ?? 0) ? b.mostAliased : a.mostAliased,
    introspection: a.introspection || b.introspection,
  }));
}

function measureOne(
  schema: GraphQLSchema,
  document: DocumentNode,
  op: OperationDefinitionNode,
  variables: Record<string, unknown>,
  weights: FieldWeights,
  isResolved: IsResolved,
): OperationMeasure {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  // A fragment measures the same wherever it is spread (its type condition fixes its parent): measure it once,
  // so fragments spreading fragments cannot make the measurement itself exponential.
  const fragmentMeasures = new Map<string, SetMeasure>();
  const visiting = new Set<string>();
  let mostAliased: OperationMeasure['mostAliased'] = null;
  let introspection = false;

  const sizeArgument = (node: FieldNode, def: GraphQLField<unknown, unknown> | undefined): number | undefined => {
    for (const name of SIZE_ARGUMENTS) {
      if (!def?.args.some((a) => a.name === name)) continue;
      const arg = node.arguments?.find((a) => a.name.value === name);
      const value = arg ? valueFromASTUntyped(arg.value, variables) : undefined;
      return typeof value === 'number' && Number.isFinite(value) ? Math.min(Math.max(value, 0), MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
    }
    return undefined;
  };

  /** `pageSize`: the size a paginated parent asked for, which its lists (`items`) return at most. */
  const measureSet = (set: SelectionSetNode, parent: GraphQLNamedType | undefined, pageSize: number | undefined, root: boolean): SetMeasure => {
    const out: SetMeasure = { cost: 0, depth: 0, counts: new Map() };
    const add = (m: SetMeasure) => {
      out.cost += m.cost;
      out.depth = Math.max(out.depth, m.depth);
      for (const [k, n] of m.counts) out.counts.set(k, (out.counts.get(k) ?? 0) + n);
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        add(measureSet(selection.selectionSet, type ?? undefined, pageSize, root));
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue; // unknown or cyclic: validation refuses the document
        const memo = `${name}:${pageSize}:${root}`;
        let m = fragmentMeasures.get(memo);
        if (!m) {
          visiting.add(name);
          m = measureSet(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, pageSize, root);
          visiting.delete(name);
          fragmentMeasures.set(memo, m);
        }
        add(m);
      } else {
        const name = selection.name.value;
        if (name === '__typename') continue;
        const key = `${parent?.name ?? '?'}.${name}`;
        out.counts.set(key, (out.counts.get(key) ?? 0) + 1);
        if (root && name in INTROSPECTION_COSTS) {
          introspection = true;
          out.cost += INTROSPECTION_COSTS[name];
          continue;
        }
        const def = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
        const own = weights[key] ?? 1;
        if (!selection.selectionSet) {
          out.cost += own;
          out.depth = Math.max(out.depth, 1);
          continue;
        }
        const type = def ? getNamedType(def.type) : undefined;
        const size = sizeArgument(selection, def);
        const isList = !!def && isListType(getNullableType(def.type));
        const child = measureSet(selection.selectionSet, type && isCompositeType(type) ? type : undefined, isList ? undefined : size, false);
        const multiplier = !isList ? 1 : (size ?? pageSize ?? (isResolved(parent!.name, name) ? DEFAULT_LIST_SIZE : 1));
        out.cost += own + multiplier * child.cost;
        out.depth = Math.max(out.depth, 1 + child.depth);
      }
    }
    for (const [field, count] of out.counts) {
      if (count > (mostAliased?.count ?? 1)) mostAliased = { field, count };
    }
    return out;
  };

  const rootType = schema.getRootType(op.operation) ?? undefined;
  const m = measureSet(op.selectionSet, rootType, undefined, true);
  const rootFields = [...m.counts.values()].reduce((a, b) => a + b, 0);
  return { cost: m.cost, depth: m.depth, rootFields, mostAliased, introspection };
}
