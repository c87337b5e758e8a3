import { defineErrors } from '../../lib/errors.js';

/** Codes the awards module (命名表彰, 动态管理) answers with. */
export const awardsErrors = defineErrors({
  awards_not_manageable: { status: 409, title: 'Awards Not Manageable', description: 'awards are managed only once the cycle is naming or closed', zh: { title: '命名不可管理', description: '只有周期进入命名阶段或已结束后才能管理命名' } },
  cycle_not_in_naming: { status: 409, title: 'Cycle Not In Naming', description: 'nominations change only while the cycle is in its naming phase', zh: { title: '周期不在命名阶段', description: '提名只能在周期的命名阶段修改' } },
  nomination_not_open: { status: 409, title: 'Nomination Not Open', description: 'only a proposed nomination can change', zh: { title: '提名不可修改', description: '只有待定的提名可以修改' } },
  nomination_empty: { status: 409, title: 'Nomination Empty', description: 'the nomination has no candidates to name', zh: { title: '提名为空', description: '该提名没有可命名的候选单位' } },
  already_named: { status: 409, title: 'Already Named', description: 'the cycle is already named (a nomination is confirmed)', zh: { title: '已经命名', description: '本周期已完成命名（已有确认的提名）' } },
});
