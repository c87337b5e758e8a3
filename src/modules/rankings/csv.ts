import type { CsvValue } from '../../lib/csv.js';
import { exportTable } from '../../lib/table-export.js';
import type { ExportFile, ExportFormat } from '../../lib/table-export.js';
import type { RankingEntryDto } from './schemas.js';

/** Columns of the export: a bilingual header ("中文 English") and how each entry fills it. */
const columns: [string, (row: RankingEntryDto) => CsvValue][] = [
  ['类别 Category', (e) => e.categoryLabel.zhCN],
  ['类别排名 Rank', (e) => e.rank],
  ['单位 Unit', (e) => e.unitName],
  ['部门 Department', (e) => e.departmentName],
  ['行政区 Region', (e) => e.regionName],
  ['综合得分 Score', (e) => e.score],
  ['考评 Assessment', (e) => e.assessment],
  ['暗访 Inspection', (e) => e.inspection],
  ['群众满意度 Public satisfaction', (e) => e.publicSatisfaction],
  ['扣分 Deductions', (e) => e.deductions],
  ['加分 Bonus', (e) => e.bonus],
  ['评价数 Ratings', (e) => e.samples.ratings],
  ['考评表数 Scorecards', (e) => e.samples.scorecards],
  ['暗访报告数 Inspection reports', (e) => e.samples.inspectionReports],
  ['满意度区间下限 Satisfaction 95% low', (e) => e.publicSatisfactionInterval?.low ?? null],
  ['满意度区间上限 Satisfaction 95% high', (e) => e.publicSatisfactionInterval?.high ?? null],
  ['标记 Flags', (e) => e.flags.join(' ')],
  ['单位编号 Unit id', (e) => e.unitId],
];

/** The ranking's entries as CSV or XLSX (sheet 排名 Ranking). */
export function rankingsExport(entries: readonly RankingEntryDto[], format: ExportFormat): ExportFile {
  return exportTable(columns, entries, format, '排名 Ranking');
}
