/** A LIKE pattern matching `q` anywhere, with the user's own % and _ taken literally. */
export const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
export const prefixPattern = (p: string) => `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
