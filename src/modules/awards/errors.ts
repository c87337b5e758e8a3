import { defineErrors } from '../../lib/errors.js';

/** Codes the awards module (命名表彰, 动态管理) answers with. */
export const awardsErrors = defineErrors({
  awards_not_manageable: { status: 409, title: 'Awards Not Manageable', description: 'awards are managed only once the cycle is naming or closed' },
  cycle_not_in_naming: { status: 409, title: 'Cycle Not In Naming', description: 'nominations change only while the cycle is in its naming phase' },
  nomination_not_open: { status: 409, title: 'Nomination Not Open', description: 'only a proposed nomination can change' },
  nomination_empty: { status: 409, title: 'Nomination Empty', description: 'the nomination has no candidates to name' },
  already_named: { status: 409, title: 'Already Named', description: 'the cycle is already named (a nomination is confirmed)' },
});
