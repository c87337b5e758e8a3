import { defineErrors } from '../../lib/errors.js';

/** Codes the rankings module (排名) answers with. */
export const rankingsErrors = defineErrors({
  scoring_settings_invalid: { status: 409, title: 'Scoring Settings Invalid', description: 'the cycle\'s settings.scoring cannot be used to compute a ranking', zh: { title: '计分设置无效', description: '周期的 settings.scoring 无法用于计算排名' } },
  ranking_already_published: { status: 409, title: 'Ranking Already Published', description: 'the ranking is already published; compute a new draft to publish again', zh: { title: '排名已公布', description: '该排名已经公布；如需再次公布，请重新计算一份草稿' } },
  ranking_not_a_correction: { status: 409, title: 'Not a Correction', description: 'the ranking supersedes no published ranking, so there is nothing to compare it with', zh: { title: '非更正版', description: '该排名未更正任何已发布排名，无可对比' } },
  cycle_not_rankable: { status: 409, title: 'Cycle Not Rankable', description: 'the cycle is not in a phase where rankings are computed or published', zh: { title: '周期不可排名', description: '周期所处阶段不能计算或公布排名' } },
});
