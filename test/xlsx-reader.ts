import { inflateRawSync } from 'node:zlib';

/** Reads a ZIP written with deflate (as lib/xlsx.ts writes it) into name → text, for tests. */
export function unzipText(buf: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (buf.readUInt32LE(at) === 0x04034b50) {
    const method = buf.readUInt16LE(at + 8);
    const packed = buf.readUInt32LE(at + 18);
    const nameLength = buf.readUInt16LE(at + 26);
    const extra = buf.readUInt16LE(at + 28);
    const name = buf.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + extra;
    const data = buf.subarray(start, start + packed);
    out.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    at = start + packed;
  }
  return out;
}

/** The cells of sheet 1 as rows of strings and numbers (inline strings and numeric values only). */
export function sheetRows(buf: Buffer): (string | number)[][] {
  const sheet = unzipText(buf).get('xl/worksheets/sheet1.xml') ?? '';
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return [...sheet.matchAll(/<row [^>]*>(.*?)<\/row>/g)].map((r) =>
    [...r[1].matchAll(/<c r="[A-Z]+\d+"[^>]*?(?: t="inlineStr")?>(?:<v>([^<]*)<\/v>|<is><t[^>]*>([^<]*)<\/t><\/is>)<\/c>/g)].map((c) => (c[1] !== undefined ? Number(c[1]) : unescape(c[2]))),
  );
}
