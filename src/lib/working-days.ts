/**
 * Working-day arithmetic for deadlines (回访 in 5 working days, complaint stages, rectification).
 * Weekends are skipped; public holidays are not modelled yet (a holiday calendar would plug in here).
 */
export function addWorkingDays(from: Date, days: number): Date {
  const d = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const dow = d.getUTCDay();
    if (dow !== 0 && dow !== 6) left--;
  }
  return d;
}

export function isOverdue(deadline: Date | null | undefined, now = new Date()): boolean {
  return !!deadline && deadline.getTime() < now.getTime();
}
