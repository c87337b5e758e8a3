import { Readable } from 'node:stream';
import type { Db } from '../../db/client.js';
import { BOM, csvLine } from '../../lib/csv.js';
import type { CsvValue } from '../../lib/csv.js';
import { invalid } from '../../lib/errors.js';
import { ImportFileError, rowsOf } from '../../lib/import-rows.js';
import type { ParsedRow } from '../../lib/import-rows.js';
import type { RequestContext } from '../../lib/principal.js';
import type { CaseImportsService } from '../cases/import-service.js';
import { caseImportColumns } from '../cases/import.schemas.js';
import type { RatingImportsService } from '../ratings/import-service.js';
import { importColumns as ratingImportColumns } from '../ratings/import.schemas.js';
import type { RegionsService } from '../regions/service.js';
import {
  caseColumns,
  caseStateNames,
  caseStateOfName,
  channelNames,
  channelOf,
  instantOf,
  levelNames,
  levelOfName,
  localTime,
  loopStateNames,
  ratingColumns,
  requiredCaseColumns,
  requiredRatingColumns,
  subjectNames,
  subjectOfName,
} from './layout.js';
import type { CaseColumn, RatingColumn } from './layout.js';
import { exchangeRepository as repo } from './repository.js';
import type { ExchangeFilter } from './repository.js';
import type { ExchangeExportQuery, ExchangeImportQuery } from './schemas.js';

const PAGE = 1000;
/** Rows resolved (codes → ids) per lookup while importing. */
const IMPORT_BATCH = 500;

type Row<C extends string> = Record<C, CsvValue>;
const uniq = <T>(xs: Iterable<T | null | undefined>) => [...new Set([...xs].filter((x): x is T => x !== null && x !== undefined && x !== ''))];
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : String(v));

/**
 * 省级"好差评"平台对接: ratings and cases in the provincial field layout (layout.ts, docs/provincial-exchange.md), so the
 * office can reconcile both systems. Exports are streamed a page at a time; imports map each provincial row onto the
 * ratings / cases bulk imports (the same per-row errors, policy, idempotency and audit as any import).
 */
export function createExchangeService({
  db,
  regions,
  ratingImports,
  caseImports,
  timeZone,
}: {
  db: Db;
  regions: RegionsService;
  ratingImports: RatingImportsService;
  caseImports: CaseImportsService;
  /** TIME_ZONE: provincial times are local wall-clock times. */
  timeZone: string;
}) {
  async function filterOf(q: ExchangeExportQuery): Promise<ExchangeFilter> {
    if (q.from && q.to && Date.parse(q.to) <= Date.parse(q.from)) throw invalid('to', 'must be after from');
    return {
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      departmentId: q.departmentId,
      regionPath: q.regionId ? await regions.pathOf(q.regionId, 'regionId') : undefined,
    };
  }

  /** The file, streamed: CSV (UTF-8 with BOM, header of the Chinese field names) or NDJSON (objects keyed by them). */
  function serialize<C extends string>(columns: readonly C[], format: 'csv' | 'ndjson', pages: AsyncGenerator<Row<C>[]>): Readable {
    async function* lines() {
      if (format === 'csv') yield BOM + csvLine(columns);
      for await (const rows of pages) {
        let chunk = '';
        for (const r of rows) chunk += format === 'csv' ? csvLine(columns.map((c) => r[c])) : `${JSON.stringify(r)}\n`;
        if (chunk) yield chunk;
      }
    }
    return Readable.from(lines());
  }

  async function* ratingPages(f: ExchangeFilter): AsyncGenerator<Row<RatingColumn>[]> {
    let after: string | undefined;
    for (;;) {
      const page = await repo.ratingsPage(db, f, after, PAGE);
      if (!page.length) return;
      after = page[page.length - 1].rating.id;
      const ratings = page.map((p) => p.rating);
      const units = new Map((await lookup(uniq(ratings.map((r) => r.unitId)), (ids) => repo.unitCodes(db, { ids }))).map((u) => [u.id, u]));
      const cases = new Map((await lookup(uniq(ratings.map((r) => r.caseId)), (ids) => repo.caseNumbers(db, ids))).map((c) => [c.id, c]));
      const departmentIds = uniq([...ratings.map((r) => r.departmentId), ...[...units.values()].map((u) => u.departmentId)]);
      const departments = new Map((await lookup(departmentIds, (ids) => repo.departmentCodes(db, { ids }))).map((d) => [d.id, d]));
      const regionIds = uniq([...[...units.values()].map((u) => u.regionId), ...[...departments.values()].map((d) => d.regionId)]);
      const divisions = new Map((await lookup(regionIds, (ids) => repo.divisionCodes(db, ids))).map((r) => [r.id, r.divisionCode]));
      const items = new Map((await lookup(uniq([...cases.values()].map((c) => c.itemId)), (ids) => repo.itemCodes(db, { ids }))).map((i) => [i.id, i.code]));
      yield page.map(({ rating: r, loopState }) => {
        const unit = r.unitId ? units.get(r.unitId) : undefined;
        const department = departments.get(unit?.departmentId ?? r.departmentId ?? '');
        const c = r.caseId ? cases.get(r.caseId) : undefined;
        return {
          评价编号: r.externalId ?? r.id,
          办件编号: c?.caseNumber ?? '',
          事项编码: c ? (items.get(c.itemId) ?? '') : '',
          评价对象类型: subjectNames[r.subjectKind],
          部门编码: department?.orgCode ?? '',
          实施机构编码: unit?.orgCode ?? '',
          行政区划代码: divisions.get(unit?.regionId ?? department?.regionId ?? '') ?? '',
          评价渠道: channelNames[r.channel],
          评价等级: r.level,
          评价等级名称: levelNames[r.level],
          评价时间: localTime(r.collectedAt, timeZone),
          评价人标识: r.respondentHash ?? '',
          评价内容: r.comment ?? '',
          差评整改状态: loopState ? loopStateNames[loopState] : '',
        };
      });
    }
  }

  async function* casePages(f: ExchangeFilter): AsyncGenerator<Row<CaseColumn>[]> {
    let after: string | undefined;
    for (;;) {
      const page = await repo.casesPage(db, f, after, PAGE);
      if (!page.length) return;
      after = page[page.length - 1].id;
      const units = new Map((await repo.unitCodes(db, { ids: uniq(page.map((c) => c.unitId)) })).map((u) => [u.id, u]));
      const departments = new Map((await lookup(uniq([...units.values()].map((u) => u.departmentId)), (ids) => repo.departmentCodes(db, { ids }))).map((d) => [d.id, d]));
      const divisions = new Map((await lookup(uniq([...units.values()].map((u) => u.regionId)), (ids) => repo.divisionCodes(db, ids))).map((r) => [r.id, r.divisionCode]));
      const items = new Map((await repo.itemCodes(db, { ids: uniq(page.map((c) => c.itemId)) })).map((i) => [i.id, i.code]));
      const rated = new Map((await repo.ratingsOfCases(db, page.map((c) => c.id))).map((r) => [r.caseId!, r]));
      yield page.map((c) => {
        const unit = units.get(c.unitId);
        const rating = rated.get(c.id);
        return {
          办件编号: c.caseNumber,
          事项编码: items.get(c.itemId) ?? '',
          部门编码: departments.get(unit?.departmentId ?? '')?.orgCode ?? '',
          实施机构编码: unit?.orgCode ?? '',
          行政区划代码: divisions.get(unit?.regionId ?? '') ?? '',
          办件状态: caseStateNames[c.state],
          收件时间: localTime(c.receivedAt, timeZone),
          受理时间: localTime(c.acceptedAt, timeZone),
          办结时间: localTime(c.closedAt, timeZone),
          承诺时限: c.promisedDays,
          是否按时办结: c.onTime === null ? '' : c.onTime ? '是' : '否',
          退回或不予受理原因: c.reason ?? '',
          首问负责人标识: c.firstResponderHash ?? '',
          评价等级: rating?.level ?? '',
          差评整改状态: rating?.loopState ? loopStateNames[rating.loopState] : '',
        };
      });
    }
  }

  /**
   * The provincial file's rows, batch by batch, as manyi import rows (CSV, one line per provincial row, so the import's
   * row numbers are the provincial file's lines). A code that resolves to nothing is passed on as text in the id field,
   * so the import refuses that row naming the field. The header is checked before the import starts: a bad one is a 422.
   */
  async function mapped<T extends string>(
    input: Readable,
    header: { required: readonly string[]; optional: readonly string[] },
    columns: readonly T[],
    mapBatch: (rows: Record<string, unknown>[]) => Promise<Record<T, CsvValue>[]>,
  ): Promise<Readable> {
    const rows = rowsOf('csv', input, header);
    let first: IteratorResult<ParsedRow>;
    try {
      first = await rows.next();
    } catch (err) {
      if (err instanceof ImportFileError) throw invalid(err.field, err.message);
      throw err;
    }
    async function* lines() {
      yield csvLine(columns);
      let batch: ParsedRow[] = first.done ? [] : [first.value];
      const flush = async () => {
        // A row the parser could not read stays a line (empty): the import refuses it under the same row number.
        const out = await mapBatch(batch.filter((r) => r.values).map((r) => r.values!));
        let i = 0;
        let chunk = '';
        for (const r of batch) {
          const row = r.values ? out[i++] : undefined;
          chunk += csvLine(columns.map((c) => (row ? row[c] : '')));
        }
        batch = [];
        return chunk;
      };
      if (first.done) return;
      for await (const r of rows) {
        batch.push(r);
        if (batch.length >= IMPORT_BATCH) yield await flush();
      }
      if (batch.length) yield await flush();
    }
    return Readable.from(lines());
  }

  async function unitIdsByCode(codes: string[]) {
    return new Map((await lookup(uniq(codes), (orgCodes) => repo.unitCodes(db, { orgCodes }))).map((u) => [u.orgCode!, u.id]));
  }

  async function departmentIdsByCode(codes: string[]) {
    return new Map((await lookup(uniq(codes), (orgCodes) => repo.departmentCodes(db, { orgCodes }))).map((d) => [d.orgCode!, d.id]));
  }

  /**
   * 办件编号 → the case id, or the row error, one query per batch. Numbers are unique per source only: the case of the
   * import's own source wins, else the one case that bears the number; a number only other sources share is ambiguous.
   */
  async function caseIdsByNumber(numbers: string[], source: string): Promise<Map<string, string>> {
    const bySource = new Map<string, Map<string, string>>();
    for (const c of await lookup(uniq(numbers), (ns) => repo.casesByNumber(db, ns))) {
      const of = bySource.get(c.caseNumber) ?? new Map<string, string>();
      bySource.set(c.caseNumber, of.set(c.source, c.id));
    }
    return new Map(
      uniq(numbers).map((n) => {
        const of = bySource.get(n);
        const id = of?.get(source) ?? (of?.size === 1 ? [...of.values()][0] : undefined);
        if (id) return [n, id];
        return [n, of ? `办件编号 ${n} 在多个来源中重复 case number ${n} is ambiguous across sources` : `未知办件编号 unknown case number ${n}`];
      }),
    );
  }

  return {
    exportRatings: async (q: ExchangeExportQuery): Promise<Readable> => serialize(ratingColumns, q.format, ratingPages(await filterOf(q))),
    exportCases: async (q: ExchangeExportQuery): Promise<Readable> => serialize(caseColumns, q.format, casePages(await filterOf(q))),

    /**
     * 评价 rows → POST /rating-imports. 评价对象类型 decides the subject: a 窗口 row rates the unit of its 实施机构编码, a 部门 /
     * 领导班子 row the department of its 部门编码; 办件编号 binds the rating to its case (一事一评).
     */
    async importRatings(ctx: RequestContext, q: ExchangeImportQuery, input: Readable) {
      const header = { required: requiredRatingColumns, optional: ratingColumns.filter((c) => !(requiredRatingColumns as readonly string[]).includes(c)) };
      const file = await mapped(input, header, ratingImportColumns, async (rows) => {
        const kinds = rows.map((r) => {
          const name = text(r['评价对象类型']);
          return name ? (subjectOfName(name) ?? name) : 'unit';
        });
        const [units, departments, cases] = await Promise.all([
          unitIdsByCode(rows.filter((_, i) => kinds[i] === 'unit').map((r) => text(r['实施机构编码']))),
          departmentIdsByCode(rows.filter((_, i) => kinds[i] !== 'unit').map((r) => text(r['部门编码']))),
          caseIdsByNumber(rows.map((r) => text(r['办件编号'])), q.source),
        ]);
        return rows.map((r, i) => {
          const kind = kinds[i];
          const unitCode = text(r['实施机构编码']);
          const departmentCode = text(r['部门编码']);
          const caseNumber = text(r['办件编号']);
          const channel = text(r['评价渠道']);
          const level = text(r['评价等级']) || levelOfName(text(r['评价等级名称'])) || '';
          return {
            // The unit of a 窗口 row; a department or leadership row rates no unit (its 部门编码 names the subject).
            unitId: kind === 'unit' ? (units.get(unitCode) ?? (unitCode ? `未知实施机构编码 unknown unit code ${unitCode}` : '')) : '',
            channel: channelOf(channel) ?? channel,
            level,
            comment: text(r['评价内容']),
            collectedAt: instantOf(text(r['评价时间']), timeZone),
            externalId: text(r['评价编号']),
            respondentKey: text(r['评价人标识']),
            cycleId: '',
            caseId: caseNumber ? cases.get(caseNumber)! : '',
            // An unknown 评价对象类型 is passed on as text, so the import refuses the row naming subjectKind.
            subjectKind: kind,
            // A 窗口 row's 部门编码 is informative: the unit decides its department.
            departmentId: kind === 'unit' ? '' : (departments.get(departmentCode) ?? (departmentCode ? `未知部门编码 unknown department code ${departmentCode}` : '')),
          };
        });
      });
      return ratingImports.run(ctx, { format: 'csv', source: q.source, policy: q.policy }, file);
    },

    /** 办件 rows → POST /case-imports. */
    async importCases(ctx: RequestContext, q: ExchangeImportQuery, input: Readable) {
      const header = { required: requiredCaseColumns, optional: caseColumns.filter((c) => !(requiredCaseColumns as readonly string[]).includes(c)) };
      const file = await mapped(input, header, caseImportColumns, async (rows) => {
        const units = await unitIdsByCode(rows.map((r) => text(r['实施机构编码'])));
        const items = new Map((await lookup(uniq(rows.map((r) => text(r['事项编码']))), (codes) => repo.itemCodes(db, { codes }))).map((i) => [i.code, i.id]));
        return rows.map((r) => {
          const unitCode = text(r['实施机构编码']);
          const itemCode = text(r['事项编码']);
          const state = text(r['办件状态']);
          const local = (c: string) => (text(r[c]) ? instantOf(text(r[c]), timeZone) : '');
          return {
            caseNumber: text(r['办件编号']),
            itemId: items.get(itemCode) ?? (itemCode ? `未知事项编码 unknown item code ${itemCode}` : ''),
            unitId: units.get(unitCode) ?? (unitCode ? `未知实施机构编码 unknown unit code ${unitCode}` : ''),
            state: state ? (caseStateOfName(state) ?? state) : '',
            receivedAt: local('收件时间'),
            acceptedAt: local('受理时间'),
            closedAt: local('办结时间'),
            reason: text(r['退回或不予受理原因']),
            firstResponder: '',
          };
        });
      });
      return caseImports.run(ctx, { format: 'csv', source: q.source, policy: q.policy }, file);
    },
  };
}

async function lookup<T>(keys: string[], fetch: (keys: string[]) => Promise<T[]>): Promise<T[]> {
  return keys.length ? fetch(keys) : [];
}

export type ExchangeService = ReturnType<typeof createExchangeService>;
