import { systemContext } from '../src/lib/principal.js';
import type { TestApp } from './helper.js';
import { referenceWorld } from './fixtures.js';

const DAY = 24 * 3600 * 1000;

/** A window that is open now: started two days ago, ends in five days. */
export const openWindow = () => ({ startsAt: new Date(Date.now() - 2 * DAY).toISOString(), endsAt: new Date(Date.now() + 5 * DAY).toISOString() });
export const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

export const goodRatings = { attitude: 4, efficiency: 5, quality: 4, environment: 3, discipline: 5 };

/**
 * The reference world plus supervisors: one from forestry, one from tax, two from outside any department
 * (their names are distinctive so tests can search response bodies for them).
 */
export async function supervisionWorld(h: TestApp) {
  const world = await referenceWorld(h);
  const s = h.app.services.supervision.supervisors;
  const ctx = systemContext('fixtures');
  const term = { termStart: '2020-01-01', termEnd: null };
  const forester = await s.create(ctx, { name: '林监督甲', affiliation: '州林业局办公室', sector: 'forestry', departmentId: world.departments.forestry.id, contact: { phone: '13900000001', email: 'lin@example.org' }, ...term });
  const taxman = await s.create(ctx, { name: '税监督乙', affiliation: '州国税局', sector: 'state_tax', departmentId: world.departments.tax.id, contact: { phone: '13900000002' }, ...term });
  const teacher = await s.create(ctx, { name: '教师监督丙', affiliation: '恩施一中', sector: 'education', contact: { phone: '13900000003' }, ...term });
  const doctor = await s.create(ctx, { name: '医生监督丁', affiliation: '州人民医院', sector: 'health', contact: { email: 'ding@example.org' }, ...term });
  return { ...world, supervisors: { forester, taxman, teacher, doctor } };
}
export type SupervisionWorld = Awaited<ReturnType<typeof supervisionWorld>>;

/** Creates a round through the API as admin and returns its JSON. */
export async function createRound(h: TestApp, body: Record<string, unknown>) {
  const res = await h.as('admin', { method: 'POST', url: '/api/v1/inspection-rounds', payload: { name: '2024年第一轮暗访', window: openWindow(), ...body } });
  if (res.statusCode !== 201) throw new Error(`createRound: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; seed: number; version: number; status: string };
}

export async function generate(h: TestApp, roundId: string) {
  const res = await h.as('admin', { method: 'POST', url: `/api/v1/inspection-rounds/${roundId}/generate-tasks` });
  if (res.statusCode !== 200) throw new Error(`generate: ${res.statusCode} ${res.body}`);
  return res.json() as { taskIds: string[]; tasksCreated: number; unassigned: { unitId: string; missing: number; reason: string }[] };
}

export interface TaskJson {
  id: string;
  roundId: string;
  supervisorId: string;
  unitId: string;
  status: string;
  report: null | { id: string; findings: { id: string; severity: string; status: string; problemId: string | null; enrollmentId: string | null }[] };
}

export async function tasksOf(h: TestApp, roundId: string): Promise<TaskJson[]> {
  const res = await h.as('admin', { method: 'GET', url: `/api/v1/inspection-tasks?roundId=${roundId}&limit=200` });
  if (res.statusCode !== 200) throw new Error(`tasksOf: ${res.statusCode} ${res.body}`);
  return (res.json() as { items: TaskJson[] }).items;
}

/** A supervisor's token claims. */
export const asSupervisor = (id: string) => ({ role: 'supervisor' as const, supervisorId: id, subject: `supervisor:${id}` });
