import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id } from '../../db/columns.js';
import { unitCategory } from '../units/tables.js';
import { cycles } from '../cycles/tables.js';
export type CheckMethod = 'on_site' | 'documents' | 'survey';
export interface CriteriaDocument {
  sections: {
    key: string;
    title: { zhCN: string; en?: string | null };
    items: {
      key: string;
      title: { zhCN: string; en?: string | null };
      maxPoints: number;
      checkMethod: CheckMethod;
      deductionRules: { key: string; description: string; pointsPerOccurrence: number; cap: number | null }[];
    }[];
  }[];
  bonusItems: { key: string; description: string; maxPoints: number }[];
  bonusCap: number;
}

/**
 * 创建标准/考核实施办法: one per cycle and category. Every save appends a revision; the newest is current.
 * Frozen (derived, not stored) once the cycle leaves `enrollment`.
 */
export const criteriaSets = pgTable(
  'criteria_sets',
  {
    id: id(),
    cycleId: uuid('cycle_id').notNull().references(() => cycles.id),
    category: unitCategory('category').notNull(),
    revision: integer('revision').notNull(),
    document: jsonb('document').$type<CriteriaDocument>().notNull(),
    copiedFromId: uuid('copied_from_id'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('criteria_sets_cycle_category_revision_key').on(t.cycleId, t.category, t.revision)],
);
