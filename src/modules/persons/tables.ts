import { index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from '../../db/columns.js';
import { awards } from '../awards/tables.js';
import { departments } from '../departments/tables.js';
import { regions } from '../regions/tables.js';
import { units } from '../units/tables.js';

/** 站所负责人 / 工作人员 / 部门领导 / 乡镇领导 */
export const personRole = pgEnum('person_role', ['unit_head', 'unit_staff', 'department_leader', 'township_leader']);

/**
 * A person the campaign holds to account or honours: a unit's head or staff member, a department's or a township's
 * leader. Their record (sanctions, honours, accountability actions against them) is the basis the office gives for
 * 晋职晋级 (promotion): admin only, never public, never in statistics.
 */
export const persons = pgTable(
  'persons',
  {
    id: id(),
    name: text('name').notNull(),
    role: personRole('role').notNull(),
    /** 职务, e.g. 站长, 分管副局长. */
    post: text('post'),
    unitId: uuid('unit_id').references(() => units.id),
    departmentId: uuid('department_id').references(() => departments.id),
    regionId: uuid('region_id').references(() => regions.id),
    createdBy: text('created_by').notNull(),
    version: version(),
    ...timestamps(),
  },
  (t) => [
    index('persons_unit_idx').on(t.unitId, t.id),
    index('persons_department_idx').on(t.departmentId, t.id),
    index('persons_region_idx').on(t.regionId, t.id),
    index('persons_name_idx').on(t.name),
  ],
);

export const personRecordKind = pgEnum('person_record_kind', ['sanction', 'honour']);
/** Sanctions (处分): 警告 记过 记大过 降级 撤职 开除, 降职, 党内警告 党内严重警告; honours: 表彰 记功 荣誉称号, 命名表彰 (an award of their unit). */
export const personRecordType = pgEnum('person_record_type', [
  'warning',
  'demerit',
  'major_demerit',
  'downgrade',
  'demotion',
  'dismissal',
  'expulsion',
  'party_warning',
  'party_serious_warning',
  'commendation',
  'merit',
  'honorary_title',
  'award',
]);

/**
 * One sanction or honour in a person's record, as decided (by the office, a 纪检 body, a higher level). An honour may
 * cite the award (命名表彰) of the person's unit it came with. Accountability actions against the person are theirs
 * already (accountability module) and join the record when it is read.
 */
export const personRecordItems = pgTable(
  'person_record_items',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id),
    kind: personRecordKind('kind').notNull(),
    type: personRecordType('type').notNull(),
    description: text('description').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** Who decided it (e.g. 县纪委), when not the office. */
    decidedBy: text('decided_by'),
    awardId: uuid('award_id').references(() => awards.id),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('person_record_items_person_idx').on(t.personId, t.decidedAt)],
);
