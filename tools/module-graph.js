// The module import graph: which module folder (src/modules/<noun>) imports which. Used by the lint rule
// that keeps the graph acyclic and by the architecture test. Plain JS so eslint.config.js can load it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The module a path belongs to, or undefined outside src/modules. */
export function moduleOf(root, file) {
  const rel = relative(join(root, 'src', 'modules'), file).split(sep);
  return rel.length > 1 && rel[0] !== '..' ? rel[0] : undefined;
}

/**
 * Edges between modules, with the files that make them. Foreign-key references between tables.ts files are
 * schema, not reads, and are left out: they follow the data's ownership (a unit belongs to a department).
 */
export function moduleGraph(root) {
  const edges = new Map();
  for (const file of walk(join(root, 'src', 'modules'))) {
    const from = moduleOf(root, file);
    if (!from) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      if (!m[1].startsWith('.')) continue;
      const target = resolve(dirname(file), m[1]);
      const to = moduleOf(root, target);
      if (!to || to === from) continue;
      if (file.endsWith(`${sep}tables.ts`) && target.endsWith(`${sep}tables.js`)) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      const byTarget = edges.get(from);
      if (!byTarget.has(to)) byTarget.set(to, []);
      byTarget.get(to).push(relative(root, file));
    }
  }
  return edges;
}

/** Every cycle in the graph, each as a list of modules [a, b, …, a]; empty when the graph is acyclic. */
export function moduleCycles(edges) {
  const cycles = [];
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}
