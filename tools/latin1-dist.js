// After `tsc -p tsconfig.build.json` (npm run build): writes every character of dist/ above U+00FF as a \uXXXX escape.
// V8 keeps each module's source text while the process runs, as one byte a character when all of it is Latin-1 and two
// otherwise: one Chinese message made a whole file twice its size in memory. Comments are gone already
// (removeComments), so such characters stand only in string, template and regular-expression literals, where the
// escape means the same character. The one place it would not is a template's raw text (String.raw, or a tag that
// reads `strings.raw`): the build refuses String.raw; drizzle's sql tag reads the cooked strings.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const WIDE = /(\\*)([\u0100-\uffff])/g;
const ANY_WIDE = /[\u0100-\uffff]/;

function escape(source) {
  // An odd run of backslashes before the character was an identity escape of it (`\中` is `中`): drop that backslash.
  return source.replace(WIDE, (_, slashes, c) => `${slashes.length % 2 ? slashes.slice(1) : slashes}\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* files(path);
    else if (path.endsWith('.js')) yield path;
  }
}

const dist = process.argv[2] ?? 'dist';
let changed = 0;
for (const path of files(dist)) {
  const source = readFileSync(path, 'utf8');
  if (!ANY_WIDE.test(source)) continue;
  if (source.includes('String.raw`')) throw new Error(`${path}: String.raw with characters above U+00FF; escaping them would change its text`);
  writeFileSync(path, escape(source));
  changed++;
}
process.stdout.write(`dist: ${changed} files written in Latin-1 (\\u escapes above U+00FF)\n`);
