import t from 'tap';
import { BOM, csvLine, csvTable } from '../src/lib/csv.js';

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
