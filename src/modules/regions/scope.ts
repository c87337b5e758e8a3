import { forbidden } from '../../lib/errors.js';
import type { Principal, RequestContext } from '../../lib/principal.js';

/**
 * 两级办公室 — the one region-scope rule. The prefecture office (州/市, an admin or inspector token without `region_id`)
 * sees and manages everything. A county office (县/市: an admin or inspector token with `region_id`) sees and manages
 * only the units whose region lies in that region's subtree, and what hangs off them (problems, complaints, ratings,
 * statistics …); every module's visibility rule asks here (through units/service.ts `unitScope`/`canSeeUnit`).
 *
 * Prefecture-wide work (cycles, criteria, categories, publishing rankings, integration clients, webhooks, regions,
 * departments' writes, the audit log …) stays the prefecture office's: a route or GraphQL field serves a county token
 * only when it declares `regionScoped` (src/plugins/auth.ts, src/lib/graphql.ts); every other one refuses it with 403.
 */

/** The region ids a county office covers (its region and every region below it); undefined: prefecture-wide. */
export function regionSubtree(p: Principal): ReadonlySet<string> | undefined {
  if (p.regionId === undefined) return undefined;
  // Resolved by the auth plugin on every request; a county principal without it covers nothing (fail closed).
  return p.regionSubtree ?? new Set<string>();
}

/**
 * Whether the principal acts prefecture-wide (not for a county office). A public route or field serves a county token
 * too; a service that gives office staff more there than the public (draft rankings, browsing every complaint, intake)
 * gives it only when this holds, so a county token sees such a route as the public does.
 */
export function prefectureWide(p: Principal): boolean {
  return p.regionId === undefined;
}

/** Whether the principal's office covers a record in this region. */
export function coversRegion(p: Principal, regionId: string | null | undefined): boolean {
  const s = regionSubtree(p);
  return !s || (!!regionId && s.has(regionId));
}

/** Refuses (403, naming the field) a write that would put something in a region outside the county office's. */
export function assertCoversRegion(ctx: RequestContext, regionId: string, field = 'regionId'): void {
  if (coversRegion(ctx.principal, regionId)) return;
  throw forbidden(`${field}: region ${regionId} is outside your office's region`, {
    errors: [{ field, message: `region ${regionId} is outside the region of your county office (${ctx.principal.regionId})` }],
  });
}
