import { systemContext } from '../src/lib/principal.js';
import type { SettingsInput } from '../src/modules/cycles/schemas.js';
import type { UnitDto } from '../src/modules/units/schemas.js';
import { insertCriteriaSet } from './fixtures-cycles.js';
import { referenceWorld } from './fixtures.js';
import type { ReferenceWorld } from './fixtures.js';
import type { TestApp } from './helper.js';

const ctx = systemContext('fixtures');
type Category = UnitDto['category'];

export interface EntrySpec {
  unit: UnitDto;
  score: number;
  ratings?: number;
  flags?: string[];
}

/**
 * A published ranking of the cycle, rows straight into the tables (the rankings module's rules are not under test
 * here): inserted as a draft, then published (the database freezes it from then on). Places per category follow
 * score, then ratings, then unit id, with the ranking's rule: an entry flagged insufficient_sample has no rank and
 * is listed after the ranked ones.
 */
export async function publishRanking(h: TestApp, cycleId: string, entries: EntrySpec[]): Promise<string> {
  const [{ id }] = await h.sql<{ id: string }>(
    `insert into rankings (id, cycle_id, status, formula_version, parameters, input_counts, computed_by)
     values (gen_random_uuid(), $1, 'draft', 'S1', '{}', $2, 'fixtures') returning id`,
    [cycleId, JSON.stringify({ units: entries.length, ratings: 0, scorecards: 0, reports: 0, findings: 0, complaints: 0, problems: 0, deeds: 0 })],
  );
  const byCategory = new Map<Category, EntrySpec[]>();
  for (const e of entries) byCategory.set(e.unit.category, [...(byCategory.get(e.unit.category) ?? []), e]);
  for (const list of byCategory.values()) {
    const unranked = (e: EntrySpec) => (e.flags ?? []).includes('insufficient_sample');
    list.sort((a, b) => Number(unranked(a)) - Number(unranked(b)) || b.score - a.score || (b.ratings ?? 50) - (a.ratings ?? 50) || (a.unit.id < b.unit.id ? -1 : 1));
    for (const [i, e] of list.entries()) {
      await h.sql(
        `insert into ranking_entries (ranking_id, unit_id, unit_name, department_id, region_id, category, rank, position, score, components, flags, ratings, scorecards, reports)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, '{}', $10, $11, 1, 1)`,
        [id, e.unit.id, e.unit.name, e.unit.departmentId, e.unit.regionId, e.unit.category, unranked(e) ? null : i + 1, i + 1, e.score, e.flags ?? [], e.ratings ?? 50],
      );
    }
  }
  const [{ v }] = await h.sql<{ v: number }>(`select coalesce(max(publication_version), 0) + 1 as v from rankings where cycle_id = $1`, [cycleId]);
  await h.sql(`update rankings set status = 'published', publication_version = $2, published_at = now(), published_by = 'fixtures' where id = $1`, [id, v]);
  return id;
}

export interface NamingWorld extends ReferenceWorld {
  cycleId: string;
  year: number;
  /** Extra units, in creation order: law_enforcement (forestry) L1…, public_service (tax) P1… */
  law: UnitDto[];
  pub: UnitDto[];
  all: UnitDto[];
}

/**
 * A cycle (year `year`) with `lawCount` law-enforcement units of the forestry department and `pubCount` public-service
 * units of the tax department enrolled, walked to the ranking phase. Tests then publish a ranking and move on.
 */
export async function awardsWorld(h: TestApp, opts: { year: number; lawCount?: number; pubCount?: number; settings?: SettingsInput; world?: ReferenceWorld }): Promise<NamingWorld> {
  const s = h.app.services;
  const w = opts.world ?? (await referenceWorld(h));
  const mk = async (prefix: string, n: number, departmentId: string, category: Category) => {
    const out: UnitDto[] = [];
    for (let i = 1; i <= n; i++) out.push(await s.units.create(ctx, { name: `${opts.year}${prefix}${i}`, departmentId, regionId: w.regions.countyA.id, category }));
    return out;
  };
  const law = await mk('执法所', opts.lawCount ?? 4, w.departments.forestry.id, 'law_enforcement');
  const pub = await mk('服务厅', opts.pubCount ?? 4, w.departments.tax.id, 'public_service');
  const all = [...law, ...pub];
  let c = await s.cycles.create(ctx, { name: `${opts.year}年度创建`, year: opts.year, settings: opts.settings });
  c = await s.cycles.transition(ctx, c.id, c.version, 'enrollment');
  for (const u of all) await s.enrollments.enroll(ctx, c.id, u.id);
  for (const cat of new Set(all.map((u) => u.category))) await insertCriteriaSet(h, c.id, cat);
  c = await s.cycles.transition(ctx, c.id, c.version, 'assessment');
  c = await s.cycles.transition(ctx, c.id, c.version, 'ranking');
  return { ...w, cycleId: c.id, year: opts.year, law, pub, all };
}

/** Moves the cycle one phase on (ranking → naming → closed). */
export async function advance(h: TestApp, cycleId: string, to: 'naming' | 'closed') {
  const s = h.app.services;
  const c = await s.cycles.getCycle(cycleId);
  return s.cycles.transition(ctx, cycleId, c.version, to);
}

/**
 * A named cycle: `awardsWorld`, a ranking with descending scores (L1 best), naming, a proposal and its confirmation.
 * Returns the awards by unit name.
 */
export async function namedCycle(h: TestApp, opts: { year: number; top10: number; top100: number; lawCount?: number; pubCount?: number; settings?: SettingsInput; world?: ReferenceWorld }) {
  const w = await awardsWorld(h, { ...opts, settings: { quotas: { top10: opts.top10, top100: opts.top100, perCategory: null }, ...opts.settings } });
  const rankingId = await publishRanking(
    h,
    w.cycleId,
    w.all.map((unit, i) => ({ unit, score: 95 - i })),
  );
  await advance(h, w.cycleId, 'naming');
  const s = h.app.services;
  const n = await s.awards.propose(ctx, w.cycleId, rankingId);
  const { awards } = await s.awards.confirm(ctx, n.id, undefined);
  return { ...w, rankingId, awards, byName: new Map(awards.map((a) => [a.unitName, a])) };
}

/** Rows in other modules' tables that evidence or exclusions need. */
export async function seriousProblem(h: TestApp, unitId: string, cycleId: string, status: 'open' | 'verified' = 'open'): Promise<string> {
  const [{ id }] = await h.sql<{ id: string }>(
    `insert into problems (id, unit_id, cycle_id, source_type, severity, description, deadline, status)
     values (gen_random_uuid(), $1, $2, 'manual', 'serious', '严重问题', now() + interval '10 days', $3) returning id`,
    [unitId, cycleId, status],
  );
  return id;
}

let complaintSeq = 0;
export async function complaint(h: TestApp, unitId: string, cycleId: string, o: { substantiated: boolean; severity: 'minor' | 'major' | 'serious' | null }): Promise<string> {
  complaintSeq++;
  const [{ id }] = await h.sql<{ id: string }>(
    `insert into complaints (id, tracking_code, source, category, subject, description, unit_id, cycle_id, status, substantiated, severity, received_at)
     values (gen_random_uuid(), $1, 'hotline', 'service_attitude', '态度差', '态度差', $2, $3, $4, $5, $6, now()) returning id`,
    [`AW-${cycleId.slice(0, 8)}-${complaintSeq}`, unitId, cycleId, o.substantiated ? 'substantiated' : 'unsubstantiated', o.substantiated, o.severity],
  );
  return id;
}
