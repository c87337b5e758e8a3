import { index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { departments } from '../departments/tables.js';
import { persons } from '../persons/tables.js';
import { units } from '../units/tables.js';
/** 问责: 约谈 / 通报批评 / 党纪政纪处分 / 降职 */
export const accountabilityType = pgEnum('accountability_type', ['interview', 'notice_of_criticism', 'disciplinary_action', 'demotion']);
export const accountabilityTargetKind = pgEnum('accountability_target_kind', ['person', 'unit', 'department']);
export const accountabilityCauseType = pgEnum('accountability_cause_type', ['inspection_finding', 'complaint', 'problem', 'ranking_entry']);
/** 通报批评 范围: 本系统内, 全乡(镇)范围, 全县(市)范围, 全州范围. */
export const criticismScope = pgEnum('criticism_scope', ['department', 'township', 'county', 'prefecture']);

/** A further cause an action cites (e.g. the earlier rankings of a 连续排名靠后 streak), as stored. */
export interface StoredCause {
  type: (typeof accountabilityCauseType.enumValues)[number];
  id: string;
  unitId?: string;
}

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
    /** For a ranking_entry cause (排名靠后): causeId is the ranking, this the unit whose entry it is. */
    causeUnitId: uuid('cause_unit_id'),
    /** Further causes cited, same shape (a streak's earlier rankings). */
    relatedCauses: jsonb('related_causes').$type<StoredCause[]>().notNull().default([]),
    /** An action against a person links to the person's record (persons module), when registered. */
    personId: uuid('person_id').references(() => persons.id),
    /** 通报批评 only: how far the notice goes. */
    scope: criticismScope('scope'),
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
    index('accountability_person_idx').on(t.personId, t.id),
    index('accountability_decided_idx').on(t.decidedAt),
  ],
);
