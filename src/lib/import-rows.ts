/** Streaming readers for bulk import files (ratings, cases): CSV or NDJSON, one row at a time, memory flat. */
import { createInterface } from 'node:readline';
import { Transform, pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { payloadTooLarge, unsupportedMediaType } from './errors.js';
import type { RowErrorCode, RowIssue } from './row-errors.js';

/** One row of an import file: its values, or why it could not even be read. */
export interface ParsedRow {
  /** Line of the file the row ends on (1-based; in CSV the header is line 1). */
  rowNumber: number;
  values?: Record<string, unknown>;
  error?: RowIssue;
}

/** The file as a whole is unusable (bad header): the job fails without reading rows. */
export class ImportFileError extends Error {
  constructor(
    readonly field: string,
    readonly code: RowErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type ImportFormat = 'csv' | 'ndjson';

/** The CSV header a kind of import needs: its required columns, and the optional ones (named in the error). */
export interface ImportHeader {
  required: readonly string[];
  optional: readonly string[];
}

/** The rows of a CSV (header row, UTF-8) or NDJSON file, streamed; a CSV without the required columns fails whole. */
export function rowsOf(format: ImportFormat, input: Readable, header: ImportHeader): AsyncGenerator<ParsedRow> {
  return format === 'csv' ? csvRows(input, header) : ndjsonRows(input);
}

async function* csvRows(input: Readable, header: ImportHeader): AsyncGenerator<ParsedRow> {
  let names: string[] | undefined;
  for await (const r of csvRecords(input)) {
    if (!names) {
      if (r.fields === undefined) throw new ImportFileError('header', 'unreadable_row', `unreadable CSV header: ${r.error}`);
      names = r.fields.map((h) => h.trim());
      const missing = header.required.filter((c) => !names!.includes(c));
      if (missing.length) {
        throw new ImportFileError('header', 'missing_columns', `missing column(s) ${missing.join(', ')}; expected ${header.required.join(', ')} (and optionally ${header.optional.join(', ')})`);
      }
      continue;
    }
    // The raw text is not kept: it may hold personal data (a respondent's phone number).
    if (r.fields === undefined) {
      yield { rowNumber: r.line, error: { field: 'row', code: 'unreadable_row', message: `unreadable CSV: ${r.error}` } };
      continue;
    }
    // Fewer cells than columns: the missing ones are not given; more: the extra cells are ignored.
    const values: Record<string, string> = {};
    const n = Math.min(names.length, r.fields.length);
    for (let i = 0; i < n; i++) values[names[i]] = r.fields[i];
    yield { rowNumber: r.line, values };
  }
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const enum At {
  /** At the start of a field. */
  Start,
  /** In an unquoted field: up to the next comma or line break; quotes are text. */
  Bare,
  /** In a quoted field: line breaks and commas are text, "" is a quote. */
  Quoted,
  /** Just after a quote inside a quoted field: "" (escape), or the closing quote. */
  QuoteSeen,
  /** A closing quote then CR: a CRLF ends the record. */
  QuoteCr,
}

/** A CSV record: its cells and the line it ends on, or why it could not be read. */
export interface CsvRecord {
  line: number;
  fields?: string[];
  error?: string;
}

/**
 * RFC 4180 records from a UTF-8 stream (BOM skipped), read in one pass over each chunk: a hand-written reader
 * because a general CSV library's per-record bookkeeping was most of an import's parsing time. Lenient where
 * spreadsheets are: LF, CRLF or (old Mac) CR line ends; empty lines skipped; a quote inside an unquoted cell is
 * text, and a cell whose closing quote is followed by more text is kept as written (`"5"x`), to fail its own check.
 * A quoted cell still open at the end of the file makes that record unreadable (reported on the file's last line).
 */
export async function* csvRecords(input: AsyncIterable<Buffer | string>): AsyncGenerator<CsvRecord> {
  const decoder = new StringDecoder('utf8');
  let state = At.Start;
  let fields: string[] = [];
  let value = '';
  /** The quoted cell as written, from its opening quote (for a cell that is not properly closed). */
  let raw = '';
  let line = 1;
  let first = true;
  let crOnly = false;
  let endedOnLf = false;
  const out: CsvRecord[] = [];
  const endRecord = () => {
    fields.push(value);
    value = '';
    // An empty line is no record.
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line, fields });
    fields = [];
    line++;
    state = At.Start;
  };
  let head = '';
  const feed = (text: string, final = false) => {
    let s = text;
    if (first) {
      // The first line break decides, as spreadsheets write one kind per file: the text is held until it is seen.
      head += s;
      const cr = head.indexOf('\r');
      const lf = head.indexOf('\n');
      if (!final && lf < 0 && (cr < 0 || cr === head.length - 1)) return;
      crOnly = cr >= 0 && (lf < 0 || cr < lf - 1) && cr + 1 < head.length;
      s = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
      head = '';
      first = false;
    }
    if (crOnly) s = s.replace(/\r/g, '\n');
    const n = s.length;
    if (!n) return;
    endedOnLf = s.charCodeAt(n - 1) === LF;
    let i = 0;
    let seg = 0;
    let rawSeg = 0;
    while (i < n) {
      switch (state) {
        case At.Start:
          if (s.charCodeAt(i) === QUOTE) {
            state = At.Quoted;
            rawSeg = i;
            raw = '';
            i++;
            seg = i;
            break;
          }
          state = At.Bare;
          seg = i;
          break;
        case At.Bare: {
          let j = i;
          let c = 0;
          for (; j < n; j++) {
            c = s.charCodeAt(j);
            if (c === COMMA || c === LF) break;
          }
          value += s.slice(seg, j);
          i = j + 1;
          if (j === n) break;
          if (c === COMMA) {
            fields.push(value);
            value = '';
            state = At.Start;
          } else {
            if (value.charCodeAt(value.length - 1) === CR) value = value.slice(0, -1);
            endRecord();
          }
          break;
        }
        case At.Quoted: {
          let j = i;
          for (; j < n; j++) {
            const c = s.charCodeAt(j);
            if (c === QUOTE) break;
            if (c === LF) line++;
          }
          value += s.slice(seg, j);
          if (j === n) {
            i = n;
            break;
          }
          state = At.QuoteSeen;
          i = j + 1;
          break;
        }
        case At.QuoteSeen: {
          const c = s.charCodeAt(i);
          if (c === QUOTE) {
            value += '"';
            state = At.Quoted;
            seg = ++i;
          } else if (c === COMMA) {
            fields.push(value);
            value = '';
            state = At.Start;
            i++;
          } else if (c === LF) {
            endRecord();
            i++;
          } else if (c === CR) {
            state = At.QuoteCr;
            i++;
          } else {
            // Text after the closing quote: the cell is kept as written, up to the next comma or line break.
            value = raw + s.slice(rawSeg, i);
            state = At.Bare;
            seg = i;
          }
          break;
        }
        case At.QuoteCr: {
          if (s.charCodeAt(i) === LF) {
            endRecord();
            i++;
          } else {
            value = raw + s.slice(rawSeg, i);
            state = At.Bare;
            seg = i;
          }
          break;
        }
      }
    }
    if (state === At.Quoted || state === At.QuoteSeen || state === At.QuoteCr) raw += s.slice(rawSeg, n);
  };
  for await (const chunk of input) {
    feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (out.length) yield* out.splice(0, out.length);
  }
  feed(decoder.end(), true);
  const last = state as At;
  if (last === At.Quoted) {
    out.push({ line: endedOnLf ? line - 1 : line, error: 'a quoted cell is not closed before the end of the file' });
  } else if (last !== At.Start || fields.length) {
    if (last === At.Bare && value.charCodeAt(value.length - 1) === CR) value = value.slice(0, -1);
    endRecord();
  }
  yield* out;
}

async function* ndjsonRows(input: Readable): AsyncGenerator<ParsedRow> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  input.once('error', (err) => lines.emit('error', err));
  let n = 0;
  for await (const line of lines) {
    n++;
    const text = n === 1 ? line.replace(/^\uFEFF/, '') : line;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { rowNumber: n, error: { field: 'row', code: 'unreadable_row', message: 'not valid JSON' } };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { rowNumber: n, error: { field: 'row', code: 'unreadable_row', message: 'expected a JSON object' } };
      continue;
    }
    yield { rowNumber: n, values: value as Record<string, unknown> };
  }
}

/** Counts bytes as they stream through and fails with 413 past the limit (custom parsers get no body limit). */
export function byteLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(payloadTooLarge(`the file exceeds ${maxBytes} bytes`));
      else done(null, chunk);
    },
  });
}

/** Largest accepted import file (streamed; the limit is counted as the bytes go by). */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
/** The content types an import route takes its file as (a pass-through parser hands the handler the stream). */
export const IMPORT_FILE_TYPES = ['text/csv', 'application/x-ndjson'];

/** The request body of an import route as a stream limited to MAX_IMPORT_BYTES; 415 when it is not a file. */
export function importUpload(body: unknown): Readable {
  if (!body || typeof (body as Readable).pipe !== 'function') throw unsupportedMediaType(`send the file as ${IMPORT_FILE_TYPES.join(' or ')}`);
  const limited = byteLimit(MAX_IMPORT_BYTES);
  pipeline(body as Readable, limited, () => undefined);
  return limited;
}
