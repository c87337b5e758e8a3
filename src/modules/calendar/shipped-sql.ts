/**
 * Writes the SQL that ships the official national holiday schedules (国务院办公厅 notices) as migration data, from
 * the chinese-days package: `npx tsx src/modules/calendar/shipped-sql.ts [fromYear] [toYear]`. Its output is the
 * body of a custom migration (`npx drizzle-kit generate --custom --name calendar_<years>`); when chinese-days ships a
 * new year, a new custom migration carries that year. Each year is inserted only when the database has no national
 * schedule for it yet, so a schedule the office loaded or corrected is never overwritten, however late the
 * migration runs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkgPath = require.resolve('chinese-days/package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string };
const data = JSON.parse(readFileSync(pkgPath.replace(/package\.json$/, 'dist/chinese-days.json'), 'utf8')) as Record<'holidays' | 'workdays', Record<string, string>>;

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function shippedScheduleSql(fromYear: number, toYear: number): string {
  const byYear = new Map<number, string[]>();
  for (const kind of ['holiday', 'workday'] as const) {
    for (const [date, label] of Object.entries(data[kind === 'holiday' ? 'holidays' : 'workdays'])) {
      const year = Number(date.slice(0, 4));
      if (year < fromYear || year > toYear) continue;
      // "Spring Festival,春节,4": English name, Chinese name, a holiday number.
      const [en, zh] = label.split(',');
      const rows = byYear.get(year) ?? [];
      rows.push(`(${quote(date)}, ${quote(kind)}, ${quote(zh)}, ${quote(en)})`);
      byYear.set(year, rows);
    }
  }
  const loadedBy = quote(`chinese-days@${pkg.version}`);
  return [...byYear.entries()]
    .sort(([a], [b]) => a - b)
    .map(
      ([year, rows]) =>
        `WITH s AS (INSERT INTO "calendar_schedules" ("id", "year", "region_id", "loaded_by") VALUES (gen_random_uuid(), ${year}, NULL, ${loadedBy}) ON CONFLICT DO NOTHING RETURNING "id")\n` +
        `INSERT INTO "calendar_days" ("schedule_id", "date", "kind", "name", "name_en")\n` +
        `SELECT s.id, d.date::date, d.kind::calendar_day_kind, d.name, d.name_en FROM s, (VALUES\n  ${rows.sort().join(',\n  ')}\n) AS d(date, kind, name, name_en);`,
    )
    .join('\n--> statement-breakpoint\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [from = '2004', to = '2100'] = process.argv.slice(2);
  process.stdout.write(`-- The official national holiday schedules ${from}–${to} as chinese-days@${pkg.version} has them (src/modules/calendar/shipped-sql.ts).\n`);
  process.stdout.write(`${shippedScheduleSql(Number(from), Number(to))}\n`);
}
