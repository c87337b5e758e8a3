import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { CsvError } from 'csv-parse';
import { payloadTooLarge } from '../../lib/errors.js';
import { requiredImportColumns } from './import.schemas.js';
import type { ImportFormat } from './import.schemas.js';

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

export function rowsOf(format: ImportFormat, input: Readable): AsyncGenerator<ParsedRow> {
  return format === 'csv' ? csvRows(input) : ndjsonRows(input);
}

async function* csvRows(input: Readable): AsyncGenerator<ParsedRow> {
  const skipped: ParsedRow[] = [];
  const parser = input.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        const missing = requiredImportColumns.filter((c) => !names.includes(c));
        if (missing.length) throw new ImportFileError('header', `missing column(s) ${missing.join(', ')}; expected ${requiredImportColumns.join(', ')} (and optionally comment, respondentKey, cycleId)`);
        return names;
      },
      relax_column_count: true,
      // A stray quote inside a field is kept as text (and fails that field's check) instead of derailing the parse.
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (err: CsvError | undefined) => {
        // The raw text is not kept: it may hold a respondent's phone number.
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
