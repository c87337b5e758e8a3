import type { Db } from '../../db/client.js';
import type { AuditService } from '../audit/service.js';
import type { RegionsService } from '../regions/service.js';
import type { UnitsService } from '../units/service.js';
import { createFeedbackService } from './feedback.js';
import { createRoundsService } from './rounds.js';
import { createSupervisorsService } from './supervisors.js';
import { createTasksService } from './tasks.js';
import { createWalkInsService } from './walk-ins.js';
import type { ProblemOpener } from './tasks.js';

export type { ProblemOpener } from './tasks.js';

/**
 * 义务监督员与暗访: supervisors, inspection rounds, point-to-point tasks, reports and findings.
 * `problems` is a getter so the wiring order of services does not matter.
 */
export function createSupervisionService(deps: { db: Db; audit: AuditService; regions: RegionsService; units: UnitsService; problems: () => ProblemOpener | undefined }) {
  const feedback = createFeedbackService(deps);
  return {
    supervisors: createSupervisorsService(deps),
    rounds: createRoundsService(deps),
    tasks: createTasksService(deps),
    feedback,
    /** 随机暗访 and every report (of tasks and walk-ins). */
    reports: createWalkInsService(deps),
    /** For the rankings: per unit, reviewed reports of the cycle (rating means, accepted findings by severity). */
  };
}

export type SupervisionService = ReturnType<typeof createSupervisionService>;
