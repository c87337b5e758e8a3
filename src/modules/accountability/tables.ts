import { index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { departments } from '../departments/tables.js';
import { units } from '../units/tables.js';
/** 问责: 约谈 / 通报批评 / 党纪政纪处分 / 降职 */
export const accountabilityType = pgEnum('accountability_type', ['interview', 'notice_of_criticism', 'disciplinary_action', 'demotion']);
export const accountabilityTargetKind = pgEnum('accountability_target_kind', ['person', 'unit', 'department']);
export const accountabilityCauseType = pgEnum('accountability_cause_type', ['inspection_finding', 'complaint', 'problem']);

/**
 * An accountability action against a person, a unit or a department, with the finding, complaint or problem
 * behind it. A person is named with the unit or department they serve in (if known), which scopes who sees it.
 */
export const accountabilityActions = pgTable(
  'accountability_actions',
  {
    id: id(),
    type: accountabilityType('type').notNull(),
    targetKind: accountabilityTargetKind('target_kind').notNull(),
    unitId: uuid('unit_id').references(() => units.id),
    departmentId: uuid('department_id').references(() => departments.id),
    personName: text('person_name'),
    personRole: text('person_role'),
    reason: text('reason').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }).notNull(),
    causeType: accountabilityCauseType('cause_type').notNull(),
    causeId: uuid('cause_id').notNull(),
    createdBy: text('created_by').notNull(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('accountability_unit_idx').on(t.unitId, t.id),
    index('accountability_department_idx').on(t.departmentId, t.id),
    index('accountability_type_idx').on(t.type, t.id),
    index('accountability_target_kind_idx').on(t.targetKind, t.id),
    index('accountability_cause_idx').on(t.causeType, t.causeId),
    index('accountability_decided_idx').on(t.decidedAt),
  ],
);
