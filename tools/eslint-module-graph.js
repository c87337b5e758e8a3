// Local ESLint plugin: `manyi/no-module-cycle` keeps the module import graph (tools/module-graph.js) acyclic.
// The graph is read from disk once per lint process and root, so one run costs one walk of src/modules.
import { dirname, resolve, sep } from 'node:path';
import { moduleGraph, moduleOf } from './module-graph.js';

const graphs = new Map();
function graphOf(root) {
  if (!graphs.has(root)) graphs.set(root, moduleGraph(root));
  return graphs.get(root);
}

/** The shortest path of modules from `from` to `to` (both included), or undefined when there is none. */
function pathBetween(edges, from, to) {
  const previous = new Map([[from, undefined]]);
  const queue = [from];
  while (queue.length) {
    const node = queue.shift();
    if (node === to) {
      const path = [];
      for (let n = to; n !== undefined; n = previous.get(n)) path.unshift(n);
      return path;
    }
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

const noModuleCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'a module must not import a module that (directly or not) imports it back' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, required: ['root'], additionalProperties: false }],
    messages: { cycle: 'module cycle: {{cycle}}' },
  },
  create(context) {
    const root = context.options[0].root;
    const file = context.filename;
    const from = moduleOf(root, file);
    if (!from) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(file), source);
      const to = moduleOf(root, target);
      if (!to || to === from) return;
      // Foreign keys between tables follow the data's ownership; module-graph.js leaves them out too.
      if (file.endsWith(`${sep}tables.ts`) && target.endsWith(`${sep}tables.js`)) return;
      const back = pathBetween(graphOf(root), to, from);
      if (back) context.report({ node, messageId: 'cycle', data: { cycle: [from, ...back].join(' → ') } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export default {
  meta: { name: 'manyi' },
  rules: { 'no-module-cycle': noModuleCycle },
};
