import { z } from 'zod';
import { isoDate } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';

/** Only the campaign office runs the default-rating job by hand. */
export const DEFAULT_RATING_RUNNERS: Role[] = ['admin'];

export const defaultRatingRun = z
  .object({
    given: z.number().int().min(0).describe('default ratings given by this run'),
    completedBefore: isoDate.describe("cases completed before this instant and still unrated were due (DEFAULT_RATING_DAYS; a cycle's settings.defaultRating.days moves it for its cases)"),
    days: z.number().int().describe("DEFAULT_RATING_DAYS (calendar days), for cases whose cycle's settings.defaultRating sets no days"),
    level: z.number().int().describe("DEFAULT_RATING_LEVEL, for cases whose cycle's settings.defaultRating sets no level"),
    channel: z.string().describe("DEFAULT_RATING_CHANNEL (a rating channel code), for cases whose cycle's settings.defaultRating sets none"),
    batches: z.number().int().min(0).describe('statements of at most 500 ratings each'),
  })
  .meta({ id: 'DefaultRatingRun', description: '默认评价: one run of the default-rating job' });
