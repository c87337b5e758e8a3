import { forbidden, invalid } from '../../lib/errors.js';
import { toIso, toIsoOrNull } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { complaintCategories, complaintCategoryGroups, complaintCategoryInfo } from '../complaints/schemas.js';
import type { ComplaintPublicRecord, ComplaintsService } from '../complaints/service.js';
import type { Open311ListQuery, Open311RequestDto, Open311RequestInput } from './schemas.js';

/** GeoReport's defaults: without dates, the last 90 days; never more than 1000 requests. */
const DEFAULT_WINDOW_MS = 90 * 24 * 3600 * 1000;
const MAX_REQUESTS = 1000;
const MAX_IDS = 100;

const notice = (code: string) => `已受理，请凭查询码 ${code} 查询办理进度 (received: track it with code ${code})`;

/**
 * A complaint as a service request. What the complainant wrote and where (description, address, position)
 * can identify them, so only integrations (the portals themselves) receive it; the public sees the stage.
 */
const isPortal = (ctx: RequestContext) => ctx.principal.role === 'integration' || ctx.principal.role === 'admin';

function toRequest(r: ComplaintPublicRecord, ctx: RequestContext): Open311RequestDto {
  const full = isPortal(ctx);
  return {
    service_request_id: r.trackingCode,
    status: r.status === 'closed' ? 'closed' : 'open',
    status_notes: r.reply,
    service_name: complaintCategoryInfo[r.category].label.zhCN,
    service_code: r.category,
    description: full ? r.description : null,
    agency_responsible: r.departmentName,
    service_notice: null,
    requested_datetime: toIso(r.receivedAt),
    updated_datetime: toIso(r.updatedAt),
    expected_datetime: toIsoOrNull(r.stageDeadline),
    address: full ? r.address : null,
    lat: full ? r.lat : null,
    long: full ? r.long : null,
  };
}

/** Subject line for a GeoReport request, which has none: the first line of the description. */
function subjectOf(description: string): string {
  const first = description.split(/\r?\n/)[0].trim();
  return first.length > 60 ? `${first.slice(0, 59)}…` : first;
}

/** The Open311 GeoReport v2 facade: a mapping over the complaints service, nothing of its own. */
export function createOpen311Service({ complaints }: { complaints: ComplaintsService }) {
  return {
    services() {
      return complaintCategories.map((code) => {
        const info = complaintCategoryInfo[code];
        return {
          service_code: code,
          service_name: info.label.zhCN,
          description: `${info.description} — ${info.label.en}`,
          metadata: false,
          type: 'realtime' as const,
          keywords: info.keywords.join(','),
          group: complaintCategoryGroups[info.group].zhCN,
        };
      });
    },

    async submit(ctx: RequestContext, input: Open311RequestInput) {
      const name = [input.last_name, input.first_name].filter(Boolean).join('') || null;
      const { complaint } = await complaints.intake(ctx, {
        source: 'integration',
        category: input.service_code,
        subject: subjectOf(input.description),
        description: input.description,
        unitId: input.attribute?.unit_id,
        contact: { name, phone: input.phone ?? null, email: input.email ?? null },
        address: input.address_string,
        lat: input.lat,
        long: input.long,
      });
      return [{ service_request_id: complaint.trackingCode, service_notice: notice(complaint.trackingCode), account_id: null }];
    },

    async list(ctx: RequestContext, q: Open311ListQuery): Promise<Open311RequestDto[]> {
      // A tracking code is the complainant's key to the reply: the public looks up the codes it holds, only
      // portals (integrations) may browse.
      if (!q.service_request_id && !isPortal(ctx)) throw forbidden('anonymous callers list by service_request_id; portals browse with an integration token');
      if (q.service_request_id) {
        const codes = [...new Set(q.service_request_id.split(',').map((s) => s.trim()).filter(Boolean))];
        if (codes.length > MAX_IDS) throw invalid('service_request_id', `at most ${MAX_IDS} ids at once`);
        return (await complaints.publicRecords({ trackingCodes: codes, limit: MAX_IDS })).map((r) => toRequest(r, ctx));
      }
      const end = q.end_date ? new Date(q.end_date) : undefined;
      const start = q.start_date ? new Date(q.start_date) : new Date((end ?? new Date()).getTime() - DEFAULT_WINDOW_MS);
      if (end && start > end) throw invalid('start_date', 'is after end_date');
      const statuses = q.status ? new Set(q.status.split(',')) : null;
      const closed = statuses && statuses.size === 1 ? statuses.has('closed') : undefined;
      const rows = await complaints.publicRecords({ category: q.service_code, from: start, to: end, closed, limit: MAX_REQUESTS });
      return rows.map((r) => toRequest(r, ctx));
    },

    async get(ctx: RequestContext, id: string): Promise<Open311RequestDto[]> {
      return [toRequest(await complaints.publicRecord(id), ctx)];
    },
  };
}

export type Open311Service = ReturnType<typeof createOpen311Service>;
