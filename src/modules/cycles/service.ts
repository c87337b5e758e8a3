import { inTransaction } from '../../db/client.js';
import type { Db, TxOption } from '../../db/client.js';
import { conflict, notFound, versionMismatch } from '../../lib/errors.js';
import type { CodeWithStatus } from '../../lib/errors.js';
import { stateMachine } from '../../lib/state-machine.js';
import { paginate, toIso } from '../../lib/http.js';
import type { Page } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import type { AuditService } from '../audit/service.js';
import type { WebhooksService } from '../webhooks/service.js';
import { phasePreconditions } from './preconditions.js';
import type { Precondition } from './preconditions.js';
import { cyclesRepository } from './repository.js';
import type { CycleRow } from './repository.js';
import { defaultSettings, nextPhase, phaseLabels, phases } from './schemas.js';
import type { CreateCycleInput, CycleDto, CycleSettingsDto, ListCyclesFilter, Phase, UpdateCycleInput } from './schemas.js';

/** Settings are edited only while the cycle is being prepared; afterwards scores depend on them. */
const SETTINGS_EDITABLE: Phase[] = ['draft', 'enrollment'];

/** The phases (评比阶段) run forward, one at a time, in the order of `phases`; `nextPhase` agrees (a test checks). */
export const phaseMachine = stateMachine<Phase>({
  draft: ['enrollment'],
  enrollment: ['assessment'],
  assessment: ['ranking'],
  ranking: ['naming'],
  naming: ['closed'],
  closed: [],
});

/** Groups added to the settings after a cycle was created read back with their defaults. */
const readSettings = (stored: CycleRow['settings']): CycleSettingsDto => ({ ...defaultSettings, ...stored }) as CycleSettingsDto;

export function toCycleDto(r: CycleRow): CycleDto {
  return {
    id: r.id,
    name: r.name,
    year: r.year,
    phase: r.phase,
    phaseLabel: phaseLabels[r.phase],
    nextPhase: nextPhase(r.phase),
    settings: readSettings(r.settings),
    phaseChangedAt: toIso(r.phaseChangedAt),
    version: r.version,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}

/** The enrollments module's participation rule (enrollments/queries.ts), passed in: enrollments depends on cycles. */
export interface Participation<E> {
  activeEnrollment(db: Db, cycleId: string, unitId: string): Promise<E | null>;
}

export function createCyclesService<E>({ db, audit, webhooks, participation }: { db: Db; audit: AuditService; webhooks?: Pick<WebhooksService, 'emit'>; participation: Participation<E> }) {
  // A copy per service, so runtime additions never leak between app instances.
  const preconditions = Object.fromEntries(phases.map((p) => [p, [...phasePreconditions[p]]])) as Record<Phase, Precondition[]>;

  async function getCycle(id: string, { tx }: TxOption = {}): Promise<CycleRow> {
    const r = await cyclesRepository.byId(tx ?? db, id);
    if (!r) throw notFound('cycle', id);
    return r;
  }

  async function versioned(tx: Db, id: string, expected: number, lock?: 'update'): Promise<CycleRow> {
    const current = await cyclesRepository.byId(tx, id, lock);
    if (!current) throw notFound('cycle', id);
    if (current.version !== expected) throw versionMismatch('cycle', expected, current.version);
    return current;
  }

  return {
    /** The cycle row, or 404. For other modules. */
    getCycle,

    /**
     * Refuses (409 `code`, naming the current phase) unless the cycle is in one of `allowed`. Inside a transaction
     * pass `{ tx, lock: true }` so a concurrent phase move waits for the caller to commit.
     */
    async requirePhase(cycleId: string, allowed: readonly Phase[], code: CodeWithStatus<409>, { tx, lock = false }: TxOption & { lock?: boolean } = {}): Promise<CycleRow> {
      const c = await cyclesRepository.byId(tx ?? db, cycleId, lock ? 'share' : undefined);
      if (!c) throw notFound('cycle', cycleId);
      if (!allowed.includes(c.phase)) {
        throw conflict(code, `cycle ${cycleId} is in phase ${c.phase} (${phaseLabels[c.phase].zhCN}); this needs ${allowed.join(' or ')}`, {
          phase: c.phase,
          allowedPhases: [...allowed],
        });
      }
      return c;
    },

    /** The unit's enrollment if it takes part (status enrolled; not withdrawn or disqualified), else null. */
    async activeEnrollment(cycleId: string, unitId: string, { tx }: TxOption = {}): Promise<E | null> {
      // Participation is the enrollments module's rule; it is handed in where the services are wired.
      return participation.activeEnrollment(tx ?? db, cycleId, unitId);
    },

    /** Adds a check to the move that leaves `from` (for modules whose data a move depends on). */
    addPrecondition(from: Phase, p: Precondition): void {
      preconditions[from].push(p);
    },

    async get(_ctx: RequestContext, id: string): Promise<CycleDto> {
      return toCycleDto(await getCycle(id));
    },

    async byIds(ids: readonly string[]): Promise<CycleDto[]> {
      return (await cyclesRepository.byIds(db, ids)).map(toCycleDto);
    },

    async list(_ctx: RequestContext, filter: ListCyclesFilter, page: { limit: number; cursor?: string }): Promise<Page<CycleDto>> {
      const p = await paginate(page, ({ after, limit }) => cyclesRepository.list(db, { ...filter, afterId: after, limit }));
      return { items: p.items.map(toCycleDto), nextCursor: p.nextCursor };
    },

    async create(ctx: RequestContext, input: CreateCycleInput, { tx }: TxOption = {}): Promise<CycleDto> {
      return inTransaction(db, tx, async (tx) => {
        const settings = { ...defaultSettings, ...input.settings };
        const row = await cyclesRepository.insert(tx, { name: input.name, year: input.year, settings, phaseEnteredAt: { draft: new Date().toISOString() } });
        const dto = toCycleDto(row);
        await audit.record(tx, ctx, { action: 'cycle.created', entityType: 'cycle', entityId: row.id, after: dto });
        return dto;
      });
    },

    async update(ctx: RequestContext, id: string, expected: number, input: UpdateCycleInput): Promise<CycleDto> {
      return db.transaction(async (tx) => {
        const current = await versioned(tx, id, expected, 'update');
        const patch: Partial<CycleRow> = {};
        if (input.name !== undefined) patch.name = input.name;
        if (input.year !== undefined) patch.year = input.year;
        if (input.settings !== undefined) {
          if (!SETTINGS_EDITABLE.includes(current.phase)) {
            throw conflict('cycle_settings_frozen', `settings can change only in draft or enrollment; cycle ${id} is in ${current.phase} (${phaseLabels[current.phase].zhCN})`, {
              phase: current.phase,
            });
          }
          patch.settings = { ...readSettings(current.settings), ...input.settings };
        }
        const row = await cyclesRepository.update(tx, id, expected, patch);
        if (!row) throw versionMismatch('cycle', expected, expected + 1);
        const dto = toCycleDto(row);
        await audit.record(tx, ctx, { action: 'cycle.updated', entityType: 'cycle', entityId: id, before: toCycleDto(current), after: dto });
        return dto;
      });
    },

    /** Moves the cycle to the next phase, after every declared precondition of the move holds. */
    async transition(ctx: RequestContext, id: string, expected: number, to: Phase, { tx }: TxOption = {}): Promise<CycleDto> {
      return inTransaction(db, tx, async (tx) => {
        const current = await versioned(tx, id, expected, 'update');
        const next = nextPhase(current.phase);
        const allowed = next ? `only to ${next}` : 'nowhere: it is closed';
        phaseMachine.assert('cycle', id, current.phase, to, { detail: `cycle ${id} cannot move from ${current.phase} to ${to}; it can move ${allowed}` });
        const failed: { check: string; message: string }[] = [];
        for (const p of preconditions[current.phase]) {
          for (const message of await p.failures(tx, current)) failed.push({ check: p.check, message });
        }
        if (failed.length > 0) {
          throw conflict('preconditions_failed', `cycle ${id} cannot move from ${current.phase} to ${to}: ${failed.map((f) => f.message).join('; ')}`, {
            from: current.phase,
            to,
            failed,
          });
        }
        const at = new Date();
        // The cycle's windows (cycles/queries.ts) are read from these entry times.
        const row = await cyclesRepository.update(tx, id, expected, { phase: to, phaseChangedAt: at, phaseEnteredAt: { ...current.phaseEnteredAt, [to]: at.toISOString() } });
        if (!row) throw versionMismatch('cycle', expected, expected + 1);
        const dto = toCycleDto(row);
        await audit.record(tx, ctx, {
          action: 'cycle.phase_changed',
          entityType: 'cycle',
          entityId: id,
          before: { phase: current.phase, version: current.version },
          after: { phase: row.phase, version: row.version, phaseChangedAt: dto.phaseChangedAt },
        });
        await webhooks?.emit(ctx, 'cycle.phase_changed', { cycleId: id, from: current.phase, to: row.phase, at: dto.phaseChangedAt }, { tx });
        return dto;
      });
    },
  };
}

export type CyclesService = ReturnType<typeof createCyclesService>;
