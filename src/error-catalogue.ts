/**
 * Every error code the service answers with: the shared ones and each module's, merged. OpenAPI lists these
 * codes in the Problem schema; `ErrorCode` (lib/errors.ts) is the union of their keys.
 */
import { sharedErrors } from './lib/errors.js';
import type { ErrorSpec } from './lib/errors.js';
import { appealsErrors } from './modules/appeals/errors.js';
import { assessmentsErrors } from './modules/assessments/errors.js';
import { awardsErrors } from './modules/awards/errors.js';
import { casesErrors } from './modules/cases/errors.js';
import { complaintsErrors } from './modules/complaints/errors.js';
import { criteriaErrors } from './modules/criteria/errors.js';
import { cyclesErrors } from './modules/cycles/errors.js';
import { enrollmentsErrors } from './modules/enrollments/errors.js';
import { idempotencyErrors } from './modules/idempotency/errors.js';
import { integrationClientsErrors } from './modules/integration-clients/errors.js';
import { personsErrors } from './modules/persons/errors.js';
import { problemsErrors } from './modules/problems/errors.js';
import { qrCodesErrors } from './modules/qr-codes/errors.js';
import { rankingsErrors } from './modules/rankings/errors.js';
import { ratingsErrors } from './modules/ratings/errors.js';
import { serviceItemsErrors } from './modules/service-items/errors.js';
import { regionsErrors } from './modules/regions/errors.js';
import { supervisionErrors } from './modules/supervision/errors.js';
import { unitsErrors } from './modules/units/errors.js';
import { webhooksErrors } from './modules/webhooks/errors.js';

/** Each catalogue under its owner, so a test can see a code declared twice. */
export const catalogues = {
  shared: sharedErrors,
  appeals: appealsErrors,
  assessments: assessmentsErrors,
  awards: awardsErrors,
  cases: casesErrors,
  complaints: complaintsErrors,
  criteria: criteriaErrors,
  cycles: cyclesErrors,
  enrollments: enrollmentsErrors,
  idempotency: idempotencyErrors,
  integrationClients: integrationClientsErrors,
  persons: personsErrors,
  problems: problemsErrors,
  qrCodes: qrCodesErrors,
  rankings: rankingsErrors,
  ratings: ratingsErrors,
  serviceItems: serviceItemsErrors,
  regions: regionsErrors,
  supervision: supervisionErrors,
  units: unitsErrors,
  webhooks: webhooksErrors,
} as const;

type Catalogues = typeof catalogues;
type Merge<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
export type ErrorCatalogue = Merge<Catalogues[keyof Catalogues]>;

export const errorCatalogue = Object.assign({}, ...Object.values(catalogues)) as ErrorCatalogue & Record<string, ErrorSpec>;

/** The codes, sorted: the enum of `code` in the OpenAPI Problem schema. */
export const errorCodes = Object.keys(errorCatalogue).sort() as [keyof ErrorCatalogue & string, ...(keyof ErrorCatalogue & string)[]];
