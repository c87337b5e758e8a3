import { exportTable } from '../../lib/table-export.js';
import type { ExportFile, ExportFormat } from '../../lib/table-export.js';
import type { StatisticsDto } from './schemas.js';

interface FigureRow {
  path: string;
  label: string;
  value: number;
}

/**
 * Every figure as one row: its path in `figures` (e.g. `ratings.byChannel.portal.total`), the Chinese label of its
 * last coded segment where the statistics carry one, and the number. The scope goes into the first rows.
 */
function figureRows(s: StatisticsDto): FigureRow[] {
  const labels = new Map<string, string>();
  for (const group of Object.values(s.labels as Record<string, Record<string, { zhCN: string }>>)) {
    for (const [code, label] of Object.entries(group)) labels.set(code, label.zhCN);
  }
  const rows: FigureRow[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (typeof value === 'number') {
      const coded = [...path].reverse().find((p) => labels.has(p));
      rows.push({ path: path.join('.'), label: coded ? labels.get(coded)! : '', value });
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    }
  };
  walk(s.figures, []);
  return rows;
}

export function statisticsExport(s: StatisticsDto, format: ExportFormat): ExportFile {
  const scope = `${s.scope.cycles.map((c) => c.name).join('、') || s.scope.years.join('、')}`;
  return exportTable(
    [
      ['指标 Figure', (r: FigureRow) => r.path],
      ['名称 Label', (r) => r.label],
      ['数值 Value', (r) => r.value],
      ['范围 Scope', () => scope],
      ['截至 As of', () => s.asOf],
    ],
    figureRows(s),
    format,
    '工作统计 Statistics',
  );
}
