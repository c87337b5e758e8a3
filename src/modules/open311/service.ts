import { z } from 'zod';
import type { Config } from '../../config.js';
import { DomainError, forbidden } from '../../lib/errors.js';
import { toIso, toIsoOrNull } from '../../lib/http.js';
import type { RequestContext } from '../../lib/principal.js';
import { prefectureWide } from '../regions/scope.js';
import { complaintCategories, complaintCategoryGroups, complaintCategoryInfo } from '../complaints/schemas.js';
import type { ComplaintCategory } from '../complaints/schemas.js';
import type { ComplaintPublicRecord, ComplaintsService } from '../complaints/service.js';
import type { Open311ListQuery, Open311ReceiptDto, Open311RequestDto, Open311RequestInput, Open311ServiceDefinitionDto } from './schemas.js';

/** GeoReport's limits: without dates, the last 90 days; a range of at most 90 days; at most 1000 requests. */
const DAY_MS = 24 * 3600 * 1000;
const WINDOW_MS = 90 * DAY_MS;
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const MAX_REQUESTS = 1000;
const MAX_IDS = 100;
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** When the discovery document (what this facade offers) last changed; move it with the facade. */
const CHANGESET = '2026-12-01T00:00:00Z';
/** A GeoReport request needs no description; a complaint does, so one without says so. */
const NO_DESCRIPTION = '（投诉人未填写描述 / no description given）';

export type Open311Config = Pick<Config, 'NODE_ENV' | 'PUBLIC_BASE_URL' | 'OPEN311_JURISDICTION_ID' | 'OPEN311_CONTACT' | 'OPEN311_KEY_SERVICE'>;

/** GeoReport's refusals are 400 (bad argument) and 404 (unknown jurisdiction, service or request). */
const badArgument = (field: string, message: string) =>
  new DomainError(400, 'validation_failed', 'Bad Request', `${field}: ${message}`, { errors: [{ field, message }] });

const notice = (code: string) => `已受理，请凭查询码 ${code} 查询办理进度 (received: track it with code ${code})`;

/** The attributes every service takes (attribute[code]=value); `accepts` checks a value beyond its datatype. */
interface AttributeRule {
  definition: Open311ServiceDefinitionDto['attributes'][number];
  accepts: z.ZodType<string>;
}
const ATTRIBUTES: AttributeRule[] = [
  {
    definition: {
      variable: true,
      code: 'unit_id',
      datatype: 'string',
      required: false,
      datatype_description: 'the id (UUID) of the unit (service hall or office) complained about',
      order: 1,
      description: '被投诉单位 (the unit complained about, if known; confirmed at triage)',
    },
    accepts: z.uuid(),
  },
];

/**
 * A complaint as a service request. What the complainant wrote and where (description, address, position, media)
 * can identify them, so only integrations (the portals themselves) receive it; the public sees the stage.
 */
/** Portals and the prefecture office browse every request; a county office token is the public here (regions/scope.ts). */
const isPortal = (ctx: RequestContext) => ctx.principal.role === 'integration' || (ctx.principal.role === 'admin' && prefectureWide(ctx.principal));

function toRequest(r: ComplaintPublicRecord, ctx: RequestContext): Open311RequestDto {
  const full = isPortal(ctx);
  return {
    service_request_id: r.trackingCode,
    status: r.status === 'closed' ? 'closed' : 'open',
    status_notes: r.reply,
    service_name: complaintCategoryInfo[r.category].label.zhCN,
    service_code: r.category,
    description: full && r.description !== NO_DESCRIPTION ? r.description : null,
    agency_responsible: r.departmentName,
    service_notice: notice(r.trackingCode),
    requested_datetime: toIso(r.receivedAt),
    updated_datetime: toIso(r.updatedAt),
    expected_datetime: toIsoOrNull(r.stageDeadline),
    address: full ? r.address : null,
    address_id: full ? r.addressId : null,
    zipcode: null,
    lat: full ? r.lat : null,
    long: full ? r.long : null,
    media_url: full ? r.mediaUrl : null,
  };
}

/** Subject line for a GeoReport request, which has none: the first line of the description, or the service name. */
function subjectOf(description: string | undefined, category: ComplaintCategory): string {
  const first = description?.split(/\r?\n/)[0].trim();
  if (!first) return complaintCategoryInfo[category].label.zhCN;
  return first.length > 60 ? `${first.slice(0, 59)}…` : first;
}

function serviceCode(code: string, field = 'service_code'): ComplaintCategory {
  const c = code.trim();
  if (!(complaintCategories as readonly string[]).includes(c)) throw new DomainError(404, 'not_found', 'Not Found', `${field}: service ${c} was not found`);
  return c as ComplaintCategory;
}

/** attribute[code]=value checked against the service definition: known codes, one value each, required ones present. */
function checkedAttributes(given: Open311RequestInput['attribute']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [code, value] of Object.entries(given ?? {})) {
    const rule = ATTRIBUTES.find((a) => a.definition.code === code);
    const field = `attribute[${code}]`;
    if (!rule) throw badArgument(field, `not an attribute of this service (see GET services/{service_code}): ${ATTRIBUTES.map((a) => a.definition.code).join(', ')}`);
    if (Array.isArray(value)) throw badArgument(field, `takes one value (datatype ${rule.definition.datatype})`);
    if (value.trim() === '') continue;
    if (!rule.accepts.safeParse(value.trim()).success) throw badArgument(field, rule.definition.datatype_description ?? 'invalid');
    out[code] = value.trim();
  }
  for (const a of ATTRIBUTES) if (a.definition.required && !(a.definition.code in out)) throw badArgument(`attribute[${a.definition.code}]`, 'required');
  return out;
}

/** The location GeoReport asks for: lat and long together, or address_string, or address_id. */
function checkLocation(input: Open311RequestInput): void {
  if (input.lat !== undefined && input.long === undefined) throw badArgument('long', 'required with lat');
  if (input.long !== undefined && input.lat === undefined) throw badArgument('lat', 'required with long');
  if (input.lat === undefined && !input.address_string && !input.address_id) {
    throw badArgument('lat', 'a location is required: lat and long, address_string or address_id');
  }
}

/** The Open311 GeoReport v2 facade: a mapping over the complaints service, nothing of its own. */
export function createOpen311Service({ complaints, config }: { complaints: ComplaintsService; config: Open311Config }) {
  return {
    /** Every method takes jurisdiction_id; this deployment is one jurisdiction, and another one is not found. */
    checkJurisdiction(id: string | undefined): void {
      const mine = config.OPEN311_JURISDICTION_ID;
      if (id !== undefined && mine !== undefined && id !== mine) throw new DomainError(404, 'not_found', 'Not Found', `jurisdiction_id: ${id} was not found`);
    },

    /** `origin`: the request's scheme and host, used when PUBLIC_BASE_URL is not configured. */
    discovery(origin: string) {
      return {
        changeset: CHANGESET,
        contact: config.OPEN311_CONTACT,
        key_service: config.OPEN311_KEY_SERVICE,
        endpoints: [
          {
            specification: SPECIFICATION,
            url: `${config.PUBLIC_BASE_URL ?? origin}/open311/v2`,
            changeset: CHANGESET,
            type: config.NODE_ENV === 'production' ? ('production' as const) : ('test' as const),
            formats: ['text/xml', 'application/json'],
          },
        ],
      };
    },

    services() {
      return complaintCategories.map((code) => {
        const info = complaintCategoryInfo[code];
        return {
          service_code: code,
          service_name: info.label.zhCN,
          description: `${info.description} — ${info.label.en}`,
          metadata: ATTRIBUTES.length > 0,
          type: 'realtime' as const,
          keywords: info.keywords.join(','),
          group: complaintCategoryGroups[info.group].zhCN,
        };
      });
    },

    /** GeoReport v2: submitting takes an api_key (a bearer token stands in for it). */
    apiKeyRequired: () => badArgument('api_key', `required to submit a request: ${config.OPEN311_KEY_SERVICE}`),

    definition(code: string): Open311ServiceDefinitionDto {
      return { service_code: serviceCode(code), attributes: ATTRIBUTES.map((a) => a.definition) };
    },

    /**
     * The public files anonymously (source portal, rate limited like the public intake); integrations with their
     * token (source integration); the api_key is checked by the routes (integration client registry). Contact and app ids go where complaints keep contacts.
     */
    async submit(ctx: RequestContext, input: Open311RequestInput): Promise<Open311ReceiptDto> {
      const category = serviceCode(input.service_code);
      checkLocation(input);
      const attributes = checkedAttributes(input.attribute);
      const name = [input.last_name, input.first_name].filter(Boolean).join('') || null;
      const { complaint } = await complaints.intake(ctx, {
        source: ctx.principal.role === 'anonymous' ? 'portal' : 'integration',
        category,
        subject: subjectOf(input.description, category),
        description: input.description ?? NO_DESCRIPTION,
        unitId: attributes.unit_id,
        contact: { name, phone: input.phone ?? null, email: input.email ?? null, deviceId: input.device_id ?? null, accountId: input.account_id ?? null },
        address: input.address_string,
        addressId: input.address_id,
        mediaUrl: input.media_url,
        lat: input.lat,
        long: input.long,
      });
      return [{ service_request_id: complaint.trackingCode, service_notice: notice(complaint.trackingCode), account_id: input.account_id ?? null }];
    },

    async list(ctx: RequestContext, q: Open311ListQuery, now = new Date()): Promise<Open311RequestDto[]> {
      if (q.service_request_id) {
        const codes = [...new Set(q.service_request_id.split(',').map((s) => s.trim()).filter(Boolean))];
        if (codes.length > MAX_IDS) throw badArgument('service_request_id', `at most ${MAX_IDS} ids at once`);
        return (await complaints.publicRecords({ trackingCodes: codes, limit: MAX_IDS })).map((r) => toRequest(r, ctx));
      }
      // A tracking code is the complainant's key to the reply: the public looks up the codes it holds, only
      // portals (integrations) may browse.
      if (!isPortal(ctx)) throw forbidden('anonymous callers list by service_request_id; portals browse with an integration token');
      const categories = q.service_code ? [...new Set(q.service_code.split(',').map((c) => serviceCode(c)))] : undefined;
      let start = q.start_date ? new Date(q.start_date) : undefined;
      let end = q.end_date ? new Date(q.end_date) : undefined;
      if (start && end && start > end) throw badArgument('start_date', 'is after end_date');
      if (start && end && end.getTime() - start.getTime() > WINDOW_MS) throw badArgument('end_date', 'start_date and end_date may not span more than 90 days');
      // The default window is cut at the edges of what a timestamp can hold (years 0001–9999), like isoDate's bounds.
      if (!start) start = new Date(Math.max((end ?? now).getTime() - WINDOW_MS, FIRST_INSTANT));
      if (!end && q.start_date) end = new Date(Math.min(start.getTime() + WINDOW_MS, LAST_INSTANT));
      const statuses = q.status ? new Set(q.status.split(',').map((s) => s.trim())) : null;
      const closed = statuses && statuses.size === 1 ? statuses.has('closed') : undefined;
      // end_date is inclusive; the complaints filter's `to` is not.
      const to = end ? new Date(Math.min(end.getTime() + 1, LAST_INSTANT)) : undefined;
      const rows = await complaints.publicRecords({ categories, from: start, to, closed, limit: MAX_REQUESTS });
      return rows.map((r) => toRequest(r, ctx));
    },

    async get(ctx: RequestContext, id: string): Promise<Open311RequestDto[]> {
      return [toRequest(await complaints.publicRecord(id), ctx)];
    },
  };
}

export type Open311Service = ReturnType<typeof createOpen311Service>;

