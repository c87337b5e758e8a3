import type { Db } from '../../db/client.js';
import type { CycleRow } from './repository.js';
import { cycleSchemas } from './schemas.js';
import type { Phase } from './schemas.js';

/**
 * One condition a phase move needs. `failures` returns why it does not hold (empty when it holds); each
 * message becomes one `{ check, message }` entry of the 409 problem, so the office sees every gap at once.
 */
export interface Precondition {
  check: string;
  failures(tx: Db, cycle: CycleRow): Promise<string[]>;
}

const settingsValid: Precondition = {
  check: 'settings_valid',
  async failures(_tx, cycle) {
    const parsed = cycleSchemas().cycleSettings.safeParse(cycle.settings);
    return parsed.success ? [] : parsed.error.issues.map((i) => `settings.${i.path.join('.')}: ${i.message}`);
  },
};

const quotasPositive: Precondition = {
  check: 'quotas_positive',
  async failures(_tx, cycle) {
    const q = cycle.settings.quotas;
    return q.top100 > 0 && q.top10 > 0 ? [] : [`award quotas must be above zero (top100 ${q.top100}, top10 ${q.top10})`];
  },
};

/**
 * The checks of each move that the cycles module owns, keyed by the phase it leaves. Modules whose data a move
 * depends on add theirs through `cycles.addPrecondition` when they are wired (enrollments, criteria, awards).
 */
export const phasePreconditions: Record<Phase, Precondition[]> = {
  draft: [settingsValid, quotasPositive],
  // units_enrolled (enrollments) and criteria_sets_present (criteria) are added by their modules.
  enrollment: [],
  assessment: [],
  ranking: [],
  naming: [],
  closed: [],
};
