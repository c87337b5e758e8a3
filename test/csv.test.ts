import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOM, csvLine, csvTable } from '../src/lib/csv.js';
import { columnName, xlsxTable } from '../src/lib/xlsx.js';
import { sheetRows, unzipText } from './xlsx-reader.js';

t.test('CSV cells are quoted per RFC 4180 and never start a formula', async (t) => {
  t.equal(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', 3.5, null]), 'plain,"a,b","say ""hi""","two\nlines",3.5,\r\n');
  t.equal(csvLine(['=HYPERLINK("x")', '+1', '-2', '@cmd']), `"'=HYPERLINK(""x"")",'+1,'-2,'@cmd\r\n`);
  t.equal(csvLine(['\t=1+1', '\r=cmd']), `'\t=1+1,"'\r=cmd"\r\n`, 'a leading tab or carriage return is guarded too');
  t.equal(csvLine([-2]), '-2\r\n', 'numbers stay numbers');
});

t.test('a table starts with the BOM and a header row', async (t) => {
  const out = csvTable([['单位 Unit', (r: { name: string }) => r.name]], [{ name: '汪营林业站' }]);
  t.equal(out, `${BOM}单位 Unit\r\n汪营林业站\r\n`);
});

t.test('an XLSX table: numbers as numbers, Chinese as text, formulas never, a bold header, a valid ZIP', async (t) => {
  const rows = [
    { name: '汪营林业站', score: 82.57, note: '=HYPERLINK("x")' },
    { name: 'A & B <C>', score: 39, note: null },
  ];
  const buf = xlsxTable([['单位 Unit', (r: (typeof rows)[number]) => r.name], ['得分 Score', (r) => r.score], ['备注 Note', (r) => r.note]], rows, '排名 Ranking');
  t.equal(buf.subarray(0, 2).toString(), 'PK');
  const parts = unzipText(buf);
  t.same([...parts.keys()].sort(), ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']);
  t.match(parts.get('xl/workbook.xml'), /<sheet name="排名 Ranking"/);
  t.same(sheetRows(buf), [
    ['单位 Unit', '得分 Score', '备注 Note'],
    ['汪营林业站', 82.57, '=HYPERLINK("x")'],
    ['A & B <C>', 39],
  ]);
  t.notMatch(parts.get('xl/worksheets/sheet1.xml'), /<f>/, 'no cell is a formula');
  t.match(parts.get('xl/worksheets/sheet1.xml'), /<c r="A1" s="1" t="inlineStr">/, 'the header is bold');
  t.equal(columnName(0), 'A');
  t.equal(columnName(25), 'Z');
  t.equal(columnName(26), 'AA');
  t.same(xlsxTable([['x', () => 1]], [], 'a'), xlsxTable([['x', () => 1]], [], 'a'), 'the same table gives the same bytes');
  // The system unzip agrees the archive is sound (CRCs, directory).
  const dir = mkdtempSync(join(tmpdir(), 'xlsx-'));
  try {
    writeFileSync(join(dir, 't.xlsx'), buf);
    t.match(execFileSync('unzip', ['-t', join(dir, 't.xlsx')], { encoding: 'utf8' }), /No errors detected/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
