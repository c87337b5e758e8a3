import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problems } from '../../lib/http.js';
import { DEFAULT_RATING_RUNNERS, defaultRatingRun } from './default-ratings.schemas.js';

/** 默认评价: the scheduled job (cases/schedule.ts), run on demand by the office. */
export const defaultRatingRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/cases/default-ratings/runs', {
    config: { access: DEFAULT_RATING_RUNNERS },
    schema: {
      operationId: 'runDefaultRatings',
      summary: 'Give the default rating (默认评价) now to completed cases left unrated past DEFAULT_RATING_DAYS',
      description: [
        'The same run the scheduled job makes: every completed case of an active unit, closed more than DEFAULT_RATING_DAYS calendar days ago',
        'and without a rating, gets one rating at DEFAULT_RATING_LEVEL on DEFAULT_RATING_CHANNEL, flagged `default`, audited as the system',
        "actor. The cycle the rating is attributed to (whose window holds the completion) may set its own days, level and channel in settings.defaultRating;",
        'what it leaves out takes the env value;',
        'idempotent (a case never gets two ratings). A real rating of the case given later replaces its default.',
      ].join(' '),
      tags: ['cases'],
      response: { 200: defaultRatingRun, ...problems() },
    },
    handler: async (req) => app.services.defaultRatings.run(req.ctx),
  });
};
