import { z } from 'zod';
import { isoDate } from '../../lib/http.js';
import { complaintCategories } from '../complaints/schemas.js';

/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2), JSON only. Field names are the standard's
 * snake_case, not this API's camelCase: portals speak GeoReport as it is written.
 */

/** GeoReport errors: an array of {code, description}; code is the HTTP status. */
export const open311Errors = z
  .array(z.object({ code: z.number().int(), description: z.string() }))
  .meta({ id: 'Open311Errors', description: 'GeoReport v2 error list; code repeats the HTTP status' });

export function open311Problems<S extends number>(...statuses: S[]) {
  return Object.fromEntries([400, 401, 403, 429, ...statuses].map((s) => [s, open311Errors])) as Record<400 | 401 | 403 | 429 | S, typeof open311Errors>;
}

export const open311Service = z
  .object({
    service_code: z.enum(complaintCategories),
    service_name: z.string().describe('zh-CN label'),
    description: z.string(),
    metadata: z.boolean().describe('always false: no extra attributes are defined'),
    type: z.literal('realtime'),
    keywords: z.string().describe('comma-separated'),
    group: z.string(),
  })
  .meta({ id: 'Open311Service' });

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().min(1).max(max).optional());

export const open311RequestBody = z.object({
  service_code: z.enum(complaintCategories).describe('a complaint category'),
  description: z.string().trim().min(1).max(10_000),
  lat: z.preprocess(blankToUndefined, z.coerce.number().min(-90).max(90).optional()),
  long: z.preprocess(blankToUndefined, z.coerce.number().min(-180).max(180).optional()),
  address_string: optionalText(500),
  address_id: optionalText(200).describe('accepted, not used'),
  email: z.preprocess(blankToUndefined, z.email().max(200).optional()),
  first_name: optionalText(50),
  last_name: optionalText(50),
  phone: optionalText(40),
  device_id: optionalText(200).describe('accepted, not used'),
  account_id: optionalText(200).describe('accepted, not used'),
  media_url: optionalText(2000).describe('accepted, not used'),
  jurisdiction_id: optionalText(200).describe('accepted, not used: one jurisdiction per deployment'),
  api_key: optionalText(500).describe('ignored: authenticate with an integration bearer token instead'),
  attribute: z
    .object({ unit_id: z.preprocess(blankToUndefined, z.uuid().optional()).describe('the unit complained about, if known') })
    .optional()
    .describe('form posts send attribute[unit_id]=…'),
});
export type Open311RequestInput = z.infer<typeof open311RequestBody>;

export const open311Receipt = z
  .array(z.object({ service_request_id: z.string(), service_notice: z.string(), account_id: z.string().nullable() }))
  .meta({ id: 'Open311RequestReceipt' });

export const open311Request = z
  .object({
    service_request_id: z.string().describe('the complaint tracking code'),
    status: z.enum(['open', 'closed']),
    status_notes: z.string().nullable().describe('the reply, once closed'),
    service_name: z.string(),
    service_code: z.enum(complaintCategories),
    description: z.string().nullable().describe('the complainant\'s own words: given to integrations only, null for anonymous readers (they may hold personal details)'),
    agency_responsible: z.string().nullable().describe('the department of the unit handling it; null before triage'),
    service_notice: z.string().nullable(),
    requested_datetime: z.string(),
    updated_datetime: z.string(),
    expected_datetime: z.string().nullable().describe("the current stage's deadline; null once closed"),
    address: z.string().nullable().describe('integrations only; null for anonymous readers'),
    lat: z.number().nullable().describe('integrations only'),
    long: z.number().nullable().describe('integrations only'),
  })
  .meta({ id: 'Open311Request', description: 'A complaint as a GeoReport service request: no personal data' });
export type Open311RequestDto = z.infer<typeof open311Request>;

export const open311ListQuery = z.object({
  service_request_id: z
    .string()
    .max(2000)
    .optional()
    .describe('comma-separated tracking codes; when given, the other filters are ignored (as the standard says)'),
  service_code: z.enum(complaintCategories).optional(),
  start_date: isoDate.optional(),
  end_date: isoDate.optional(),
  status: z
    .string()
    .regex(/^(open|closed)(,(open|closed))?$/, 'open, closed or open,closed')
    .optional(),
  jurisdiction_id: z.string().max(200).optional(),
});
export type Open311ListQuery = z.infer<typeof open311ListQuery>;

export const open311IdParams = z.object({ id: z.string().trim().min(1).max(40) });
