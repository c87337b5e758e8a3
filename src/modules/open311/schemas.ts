import { z } from 'zod';
import { isoDate } from '../../lib/http.js';
import { complaintCategories } from '../complaints/schemas.js';

/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2), in JSON and XML. Field names are the standard's
 * snake_case, not this API's camelCase: portals speak GeoReport as it is written. The XML documents carry the same
 * fields (src/modules/open311/xml.ts).
 */

/** GeoReport errors: an array of {code, description}; code is the HTTP status. */
export const open311Errors = z
  .array(z.object({ code: z.number().int(), description: z.string() }))
  .meta({ id: 'Open311Errors', description: 'GeoReport v2 error list (XML: <errors><error><code/><description/></error></errors>); code repeats the HTTP status' });

export function open311Problems<S extends number>(...statuses: S[]) {
  return Object.fromEntries([400, 401, 403, 404, 429, ...statuses].map((s) => [s, open311Errors])) as Record<400 | 401 | 403 | 404 | 429 | S, typeof open311Errors>;
}

export const open311Formats = ['json', 'xml'] as const;
export type Open311Format = (typeof open311Formats)[number];

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().min(1).max(max).optional());
const jurisdictionId = optionalText(200).describe('optional; when this deployment has one (OPEN311_JURISDICTION_ID), any other value is 404');

/** GeoReport's api_key: issued per integration client (POST /api/v1/integration-clients/{id}/api-keys), hashed at rest. */
const apiKeyParam = optionalText(500).describe('an api_key the campaign office issued: required to submit (POST) without a bearer token, optional for reads; an unknown or revoked key is 403');

export const open311JurisdictionQuery = z.object({ jurisdiction_id: jurisdictionId, api_key: apiKeyParam });

export const open311Discovery = z
  .object({
    changeset: z.string().describe('when this document last changed (W3C datetime)'),
    contact: z.string(),
    key_service: z.string(),
    endpoints: z.array(
      z.object({
        specification: z.string().describe('http://wiki.open311.org/GeoReport_v2'),
        url: z.string().describe('the base URL: append /services.json and so on'),
        changeset: z.string(),
        type: z.enum(['production', 'test']),
        formats: z.array(z.string()).describe('media types: text/xml, application/json'),
      }),
    ),
  })
  .meta({ id: 'Open311Discovery' });

export const open311Service = z
  .object({
    service_code: z.enum(complaintCategories),
    service_name: z.string().describe('zh-CN label'),
    description: z.string(),
    metadata: z.boolean().describe('true: GET services/{service_code} describes attributes (attribute[unit_id])'),
    type: z.literal('realtime').describe('a POST answers with the service_request_id at once'),
    keywords: z.string().describe('comma-separated'),
    group: z.string(),
  })
  .meta({ id: 'Open311Service' });

export const attributeDatatypes = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export const open311ServiceDefinition = z
  .object({
    service_code: z.enum(complaintCategories),
    attributes: z.array(
      z.object({
        variable: z.boolean().describe('true: the client asks for a value; false: information only'),
        code: z.string(),
        datatype: z.enum(attributeDatatypes),
        required: z.boolean(),
        datatype_description: z.string().nullable(),
        order: z.number().int(),
        description: z.string(),
        values: z.array(z.object({ key: z.string(), name: z.string() })).optional().describe('the choices of a singlevaluelist or multivaluelist'),
      }),
    ),
  })
  .meta({ id: 'Open311ServiceDefinition' });
export type Open311ServiceDefinitionDto = z.infer<typeof open311ServiceDefinition>;

export const open311ServiceCodeParams = z.object({ service_code: z.string().trim().min(1).max(100) });

const coordinate = (min: number, max: number) => z.preprocess(blankToUndefined, z.coerce.number().min(min).max(max).optional());

export const open311RequestBody = z.object({
  api_key: apiKeyParam,
  jurisdiction_id: jurisdictionId,
  service_code: z.string().trim().min(1).max(100).describe('a complaint category (GET services); unknown: 404'),
  lat: coordinate(-90, 90).describe('WGS84 latitude; with long, or give address_string or address_id'),
  long: coordinate(-180, 180).describe('WGS84 longitude; with lat'),
  address_string: optionalText(500),
  address_id: optionalText(200),
  email: z.preprocess(blankToUndefined, z.email().max(200).optional()),
  device_id: optionalText(200),
  account_id: optionalText(200),
  first_name: optionalText(50),
  last_name: optionalText(50),
  phone: optionalText(40),
  description: optionalText(4000).describe('optional (at most 4000 characters); without it the complaint records that none was given'),
  media_url: z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/ }).max(2000).optional()),
  attribute: z
    .record(z.string().max(100), z.union([z.string().max(1000), z.array(z.string().max(1000)).max(50)]))
    .optional()
    .describe('attribute[code]=value (attribute[code][]=value for a multivaluelist), as the service definition lists them'),
});
export type Open311RequestInput = z.infer<typeof open311RequestBody>;

export const open311Receipt = z
  .array(z.object({ service_request_id: z.string().describe('the complaint tracking code'), service_notice: z.string(), account_id: z.string().nullable() }))
  .meta({ id: 'Open311RequestReceipt', description: 'XML: <service_requests><request>…</request></service_requests>' });
export type Open311ReceiptDto = z.infer<typeof open311Receipt>;

export const open311Request = z
  .object({
    service_request_id: z.string().describe('the complaint tracking code'),
    status: z.enum(['open', 'closed']),
    status_notes: z.string().nullable().describe('the reply, once closed'),
    service_name: z.string(),
    service_code: z.enum(complaintCategories),
    description: z.string().nullable().describe("the complainant's own words: given to integrations only, null for anonymous readers (they may hold personal details)"),
    agency_responsible: z.string().nullable().describe('the department of the unit handling it; null before triage'),
    service_notice: z.string().nullable(),
    requested_datetime: z.string(),
    updated_datetime: z.string(),
    expected_datetime: z.string().nullable().describe("the current stage's deadline; null once closed"),
    address: z.string().nullable().describe('integrations only; null for anonymous readers'),
    address_id: z.string().nullable().describe('integrations only'),
    zipcode: z.string().nullable().describe('not recorded: always null'),
    lat: z.number().nullable().describe('integrations only'),
    long: z.number().nullable().describe('integrations only'),
    media_url: z.string().nullable().describe('integrations only'),
  })
  .meta({ id: 'Open311Request', description: 'A complaint as a GeoReport service request: no personal data' });
export type Open311RequestDto = z.infer<typeof open311Request>;

const dateParam = isoDate.describe('W3C datetime with a time zone, e.g. 2010-01-01T00:00:00Z');
const commaList = (item: RegExp, what: string) =>
  z
    .string()
    .max(2000)
    .regex(new RegExp(`^\\s*${item.source}\\s*(,\\s*${item.source}\\s*)*$`), what);

export const open311ListQuery = z.object({
  jurisdiction_id: jurisdictionId,
  api_key: apiKeyParam,
  service_request_id: commaList(/[^,]+/, 'comma-separated ids')
    .optional()
    .describe('comma-separated tracking codes; when given, the other filters are ignored (as the standard says)'),
  service_code: commaList(/[a-z_]+/, 'comma-separated service codes').optional().describe('comma-separated service codes; an unknown one is 404'),
  start_date: dateParam.optional(),
  end_date: dateParam.optional(),
  status: commaList(/(open|closed)/, 'open, closed or open,closed').optional(),
});
export type Open311ListQuery = z.infer<typeof open311ListQuery>;

export const open311IdParams = z.object({ id: z.string().trim().min(1).max(40) });
