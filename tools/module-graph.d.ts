/** Module (src/modules/<noun>) → imported module → the files (relative to root) that make the edge. */
export type ModuleGraph = Map<string, Map<string, string[]>>;
export function moduleOf(root: string, file: string): string | undefined;
export function moduleGraph(root: string): ModuleGraph;
export function moduleCycles(edges: ModuleGraph): string[][];
