/**
 * A half-open time window [start, end): what a period ranking (分期排名) counts of the channels that happen in time.
 * Lives in lib because every module that owns such a channel filters its aggregate by it.
 */
export interface PeriodWindow {
  start: Date;
  end: Date;
}
