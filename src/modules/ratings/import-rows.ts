import type { Readable } from 'node:stream';
import { rowsOf as fileRows } from '../../lib/import-rows.js';
import type { ParsedRow } from '../../lib/import-rows.js';
import { importColumns, requiredImportColumns } from './import.schemas.js';
import type { ImportFormat } from './import.schemas.js';

export { ImportFileError, byteLimit } from '../../lib/import-rows.js';
export type { ParsedRow } from '../../lib/import-rows.js';

/** The header of a rating import file. */
export const ratingImportHeader = { required: requiredImportColumns, optional: importColumns.filter((c) => !(requiredImportColumns as readonly string[]).includes(c)) };

export function rowsOf(format: ImportFormat, input: Readable): AsyncGenerator<ParsedRow> {
  return fileRows(format, input, ratingImportHeader);
}
