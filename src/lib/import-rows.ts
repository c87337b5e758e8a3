/** Streaming readers for bulk import files (ratings, cases): CSV or NDJSON, one row at a time, memory flat. */
import { createInterface } from 'node:readline';
import { Transform, pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { CsvError } from 'csv-parse';
import { payloadTooLarge, unsupportedMediaType } from './errors.js';

/** One row of an import file: its values, or why it could not even be read. */
export interface ParsedRow {
  /** Line of the file the row ends on (1-based; in CSV the header is line 1). */
  rowNumber: number;
  values?: Record<string, unknown>;
  error?: { field: string; message: string };
}

/** The file as a whole is unusable (bad header): the job fails without reading rows. */
export class ImportFileError extends Error {
  constructor(
    readonly field: string,
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
  const skipped: ParsedRow[] = [];
  const parser = input.pipe(
    parse({
      bom: true,
      columns: (line: string[]) => {
        const names = line.map((h) => h.trim());
        const missing = header.required.filter((c) => !names.includes(c));
        if (missing.length) {
          throw new ImportFileError('header', `missing column(s) ${missing.join(', ')}; expected ${header.required.join(', ')} (and optionally ${header.optional.join(', ')})`);
        }
        return names;
      },
      relax_column_count: true,
      // A stray quote inside a field is kept as text (and fails that field's check) instead of derailing the parse.
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (err: CsvError | undefined) => {
        // The raw text is not kept: it may hold personal data (a respondent's phone number).
        skipped.push({ rowNumber: Number((err as { lines?: number } | undefined)?.lines ?? 0), error: { field: 'row', message: `unreadable CSV: ${err?.message ?? 'parse error'}` } });
        return undefined;
      },
    }),
  );
  // A failing source (client gone, size limit) must end the parse with its error.
  input.once('error', (err) => parser.destroy(err));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      while (skipped.length) yield skipped.shift()!;
      yield { rowNumber: info.lines, values: record };
    }
  } catch (err) {
    throw (err as { cause?: unknown }).cause instanceof ImportFileError ? (err as { cause: unknown }).cause : err;
  }
  while (skipped.length) yield skipped.shift()!;
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
      yield { rowNumber: n, error: { field: 'row', message: 'not valid JSON' } };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { rowNumber: n, error: { field: 'row', message: 'expected a JSON object' } };
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
