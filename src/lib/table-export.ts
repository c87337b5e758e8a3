import { csvTable } from './csv.js';
import type { CsvValue } from './csv.js';
import { XLSX_CONTENT_TYPE, xlsxTable } from './xlsx.js';

/**
 * The office's exports of one table (ranking, department scoreboard, statistics) in either format, from one column
 * list: CSV (UTF-8 with BOM) for tools, XLSX for Excel and WPS (a CSV opened with default import settings can show
 * garbled Chinese in some spreadsheet programs).
 */
export const exportFormats = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof exportFormats)[number];
export type Columns<T> = readonly (readonly [string, (row: T) => CsvValue])[];

export interface ExportFile {
  body: string | Buffer;
  contentType: string;
  extension: ExportFormat;
}

export function exportTable<T>(columns: Columns<T>, rows: readonly T[], format: ExportFormat, sheetName: string): ExportFile {
  return format === 'xlsx'
    ? { body: xlsxTable(columns, rows, sheetName), contentType: XLSX_CONTENT_TYPE, extension: 'xlsx' }
    : { body: csvTable(columns, rows), contentType: 'text/csv; charset=utf-8', extension: 'csv' };
}

const FORMAT_NOTES: Record<ExportFormat, { media: string; description: string }> = {
  csv: { media: 'text/csv', description: 'text/csv; charset=utf-8, with BOM' },
  xlsx: { media: XLSX_CONTENT_TYPE, description: 'an XLSX workbook of one sheet (bold, frozen header row)' },
};

/** What an export route declares in OpenAPI for its format. */
export const exportMedia = (format: ExportFormat) => FORMAT_NOTES[format];
