import t from 'tap';
import { Readable } from 'node:stream';
import { csvRecords } from '../src/lib/import-rows.js';

/** The records of `text` fed in chunks of `size` bytes (a record, a quote or a CRLF may be cut anywhere). */
async function records(text: string, size: number) {
  const b = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) chunks.push(b.subarray(i, i + size));
  const out: (string[] | string)[] = [];
  for await (const r of csvRecords(Readable.from(chunks))) out.push(r.fields ? [String(r.line), ...r.fields] : `unreadable on line ${r.line}`);
  return out;
}

const cases: [string, string, (string[] | string)[]][] = [
  ['quoted cells, escaped quotes and a line break inside a cell', 'a,b\n"意见, ""好""",x\n"two\nlines",y\n', [['1', 'a', 'b'], ['2', '意见, "好"', 'x'], ['4', 'two\nlines', 'y']]],
  ['CRLF lines, an empty line skipped, a BOM dropped', '\uFEFFa,b\r\n1,2\r\n\r\n3,4', [['1', 'a', 'b'], ['2', '1', '2'], ['4', '3', '4']]],
  ['old Mac CR lines', 'a,b\r1,2\r', [['1', 'a', 'b'], ['2', '1', '2']]],
  ['a stray quote is text; text after a closing quote keeps the cell as written', 'a,b\n5"x,"5"x\n', [['1', 'a', 'b'], ['2', '5"x', '"5"x']]],
  ['a quote never closed makes the rest unreadable, on the last line', 'a,b\n1,2\n3,"open\n4,5\n', [['1', 'a', 'b'], ['2', '1', '2'], 'unreadable on line 4']],
];

for (const [name, text, expected] of cases) {
  t.test(name, async (t) => {
    for (const size of [1, 2, 7, 65536]) t.same(await records(text, size), expected, `chunks of ${size} byte(s)`);
  });
}
