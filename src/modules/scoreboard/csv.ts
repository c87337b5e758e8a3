import type { CsvValue } from '../../lib/csv.js';
import { exportTable } from '../../lib/table-export.js';
import type { ExportFile, ExportFormat } from '../../lib/table-export.js';
import type { DepartmentScoreDto } from './schemas.js';

/** Columns: a bilingual header ("中文 English") and how each department row fills it. */
const columns: [string, (row: DepartmentScoreDto) => CsvValue][] = [
  ['部门 Department', (d) => d.departmentName],
  ['参评单位 Enrolled units', (d) => d.enrolledUnits],
  ['十佳 Top 10', (d) => d.top10.count],
  ['百佳 Top 100', (d) => d.top100.count],
  ['加分 Bonus points', (d) => d.bonusPoints],
  ['黄牌警告 Yellow cards', (d) => d.penalties.yellowCards],
  ['撤销荣誉 Revoked', (d) => d.penalties.revoked],
  ['减分 Penalty points', (d) => d.penalties.points],
  ['净得分 Net points', (d) => d.netPoints],
  ['未整改问题 Open problems', (d) => d.problems.open],
  ['逾期问题 Overdue problems', (d) => d.problems.overdue],
  ['已整改问题 Rectified problems', (d) => d.problems.rectified],
  ['投诉 Complaints received', (d) => d.complaints.received],
  ['属实投诉 Complaints substantiated', (d) => d.complaints.substantiated],
  ['部门评价数 Department ratings', (d) => d.ownSatisfaction.department.count],
  ['部门满意率 Department satisfied share', (d) => d.ownSatisfaction.department.satisfiedShare],
  ['领导班子评价数 Leadership ratings', (d) => d.ownSatisfaction.leadership.count],
  ['领导班子满意率 Leadership satisfied share', (d) => d.ownSatisfaction.leadership.satisfiedShare],
  ['十佳单位 Top 10 units', (d) => d.top10.units.map((u) => u.unitName).join('、')],
  ['百佳单位 Top 100 units', (d) => d.top100.units.map((u) => u.unitName).join('、')],
  ['申诉排除的评价 Ratings excluded by appeals', (d) => d.ownSatisfaction.exclusions.map((x) => `${x.ratingId} (申诉 appeal ${x.appealId})`).join('、')],
  ['部门编号 Department id', (d) => d.departmentId],
];

/** The scoreboard as CSV or XLSX (sheet 部门考核 Scoreboard). */
export function scoreboardExport(rows: readonly DepartmentScoreDto[], format: ExportFormat): ExportFile {
  return exportTable(columns, rows, format, '部门考核 Scoreboard');
}
