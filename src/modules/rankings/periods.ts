import { z } from 'zod';
import { invalid } from '../../lib/errors.js';
import type { PeriodWindow } from '../../lib/period-window.js';
import { startOfLocalDay } from '../../lib/working-days.js';

/**
 * 分期排名: a cycle may also be ranked month by month or quarter by quarter (cycle setting `periods`), so the office can
 * see who stays at the bottom (连续排名靠后) and act before the year's ranking. A period is named by its key —
 * `2016-03` for a month, `2016-Q2` for a quarter — and covers [first local day, first local day of the next) in
 * TIME_ZONE.
 */
export const periodSettingKinds = ['none', 'monthly', 'quarterly'] as const;
export type PeriodSetting = (typeof periodSettingKinds)[number];
export const periodSettings = z
  .enum(periodSettingKinds)
  .describe('分期排名: rank the cycle also by month (monthly) or quarter (quarterly) — none, or left out: the whole cycle only');

export type PeriodKind = 'month' | 'quarter';
export const periodKindOf: Record<Exclude<PeriodSetting, 'none'>, PeriodKind> = { monthly: 'month', quarterly: 'quarter' };

export interface Period extends PeriodWindow {
  kind: PeriodKind;
  key: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const pad = (n: number) => String(n).padStart(2, '0');
/** The first day of month `m` (1-based, may run past 12) of year `y`, as a local date. */
const firstDay = (y: number, m: number) => `${y + Math.floor((m - 1) / 12)}-${pad(((m - 1) % 12) + 1)}-01`;

export const periodKeySchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/, 'a month (2016-03) or a quarter (2016-Q2)')
  .describe('the period: a month (2016-03) or a quarter (2016-Q2), by the cycle’s `periods` setting');

/** The period named by `key` under the cycle's setting; a key of the other kind, or a cycle not ranked by period, is refused on `field`. */
export function parsePeriod(key: string, setting: PeriodSetting, timeZone: string, field = 'period'): Period {
  if (setting === 'none') throw invalid(field, 'the cycle is not ranked by period (settings.periods is none)');
  const kind = periodKindOf[setting];
  const m = (kind === 'month' ? MONTH : QUARTER).exec(key);
  if (!m) throw invalid(field, kind === 'month' ? 'the cycle is ranked monthly: name a month such as 2016-03' : 'the cycle is ranked quarterly: name a quarter such as 2016-Q2');
  const year = Number(m[1]);
  const month = kind === 'month' ? Number(m[2]) : (Number(m[2]) - 1) * 3 + 1;
  const months = kind === 'month' ? 1 : 3;
  return { kind, key, start: startOfLocalDay(firstDay(year, month), timeZone), end: startOfLocalDay(firstDay(year, month + months), timeZone) };
}

/** The period right after `key` (2016-12 → 2017-01, 2016-Q4 → 2017-Q1): consecutive periods are what the N-for-K rule counts. */
export function nextPeriodKey(key: string): string {
  const q = QUARTER.exec(key);
  if (q) return Number(q[2]) === 4 ? `${Number(q[1]) + 1}-Q1` : `${q[1]}-Q${Number(q[2]) + 1}`;
  const m = MONTH.exec(key);
  if (!m) throw new Error(`not a period key: ${key}`);
  return firstDay(Number(m[1]), Number(m[2]) + 1).slice(0, 7);
}

/** 2016年3月 / March 2016; 2016年第2季度 / Q2 2016. */
export function periodLabel(kind: PeriodKind, key: string): { zhCN: string; en: string } {
  const [y, p] = key.split('-');
  if (kind === 'quarter') return { zhCN: `${y}年第${p.slice(1)}季度`, en: `${p} ${y}` };
  const month = new Date(Date.UTC(Number(y), Number(p) - 1, 1)).toLocaleString('en', { month: 'long', timeZone: 'UTC' });
  return { zhCN: `${y}年${Number(p)}月`, en: `${month} ${y}` };
}
