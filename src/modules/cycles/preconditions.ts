import type { Db } from '../../db/client.js';
import { categoryLabels } from '../units/schemas.js';
import { cyclesRepository } from './repository.js';
import type { CycleRow } from './repository.js';
import { cycleSettings } from './schemas.js';
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
    const parsed = cycleSettings.safeParse(cycle.settings);
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

const unitsEnrolled: Precondition = {
  check: 'units_enrolled',
  async failures(tx, cycle) {
    return (await cyclesRepository.enrolledCategories(tx, cycle.id)).length > 0 ? [] : ['no unit is enrolled in the cycle'];
  },
};

const criteriaSetsPresent: Precondition = {
  check: 'criteria_sets_present',
  async failures(tx, cycle) {
    const enrolled = await cyclesRepository.enrolledCategories(tx, cycle.id);
    const covered = new Set(await cyclesRepository.categoriesWithCriteria(tx, cycle.id));
    return enrolled
      .filter((c) => !covered.has(c))
      .sort()
      .map((c) => `units of category ${c} (${categoryLabels[c].zhCN}) are enrolled but the category has no criteria set (创建标准)`);
  },
};

/**
 * The checks of each move, keyed by the phase it leaves. Later modules add theirs here (or at runtime through
 * `cycles.addPrecondition`), e.g. a published ranking before naming.
 */
export const phasePreconditions: Record<Phase, Precondition[]> = {
  draft: [settingsValid, quotasPositive],
  enrollment: [unitsEnrolled, criteriaSetsPresent],
  assessment: [],
  ranking: [],
  naming: [],
  closed: [],
};
