/**
 * 点对点 assignment of supervisors to units, as a pure function of its inputs and a seed: the same seed and the
 * same units and supervisors always give the same pairs, so a generation can be reproduced and explained.
 */

export interface AssignableUnit {
  id: string;
  departmentId: string;
}
export interface AssignableSupervisor {
  id: string;
  departmentId: string | null;
}
export interface Assignment {
  unitId: string;
  supervisorId: string;
}
export interface Unassigned {
  unitId: string;
  missing: number;
  reason: 'no_eligible_supervisor' | 'unit_inactive';
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; plenty for tie-breaking. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with the given PRNG. */
export function seededShuffle<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const byId = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

/**
 * Gives each unit `perUnit` distinct supervisors, never one from the unit's own department, spreading the load
 * evenly: the most constrained units choose first, and each takes the least-loaded eligible supervisors, ties
 * broken by a seeded random rank. Inputs are sorted by id first so their order does not matter.
 */
export function assignSupervisors(
  units: readonly AssignableUnit[],
  supervisors: readonly AssignableSupervisor[],
  perUnit: number,
  seed: number,
): { assignments: Assignment[]; unassigned: Unassigned[] } {
  const random = mulberry32(seed);
  const sortedSupervisors = [...supervisors].sort(byId);
  const rank = new Map(seededShuffle(sortedSupervisors, random).map((s, i) => [s.id, i]));
  const order = new Map(seededShuffle([...units].sort(byId), random).map((u, i) => [u.id, i]));

  const eligibleFor = (u: AssignableUnit) => sortedSupervisors.filter((s) => s.departmentId !== u.departmentId);
  const eligibleCount = new Map<string, number>();
  for (const u of units) {
    if (!eligibleCount.has(u.departmentId)) eligibleCount.set(u.departmentId, eligibleFor(u).length);
  }
  const queue = [...units].sort((x, y) => eligibleCount.get(x.departmentId)! - eligibleCount.get(y.departmentId)! || order.get(x.id)! - order.get(y.id)!);

  const load = new Map(sortedSupervisors.map((s) => [s.id, 0]));
  const assignments: Assignment[] = [];
  const unassigned: Unassigned[] = [];
  for (const u of queue) {
    const chosen = eligibleFor(u)
      .sort((x, y) => load.get(x.id)! - load.get(y.id)! || rank.get(x.id)! - rank.get(y.id)!)
      .slice(0, perUnit);
    for (const s of chosen) {
      load.set(s.id, load.get(s.id)! + 1);
      assignments.push({ unitId: u.id, supervisorId: s.id });
    }
    if (chosen.length < perUnit) unassigned.push({ unitId: u.id, missing: perUnit - chosen.length, reason: 'no_eligible_supervisor' });
  }
  unassigned.sort((x, y) => byId({ id: x.unitId }, { id: y.unitId }));
  return { assignments, unassigned };
}
