import { defineErrors } from '../../lib/errors.js';

/** Codes the rankings module (排名) answers with. */
export const rankingsErrors = defineErrors({
  scoring_settings_invalid: { status: 409, title: 'Scoring Settings Invalid', description: 'the cycle\'s settings.scoring cannot be used to compute a ranking' },
  ranking_already_published: { status: 409, title: 'Ranking Already Published', description: 'the ranking is already published; compute a new draft to publish again' },
  cycle_not_rankable: { status: 409, title: 'Cycle Not Rankable', description: 'the cycle is not in a phase where rankings are computed or published' },
});
