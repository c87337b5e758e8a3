import { defineErrors } from '../../lib/errors.js';

/** Codes the appeals module (申诉复核) answers with. */
export const appealsErrors = defineErrors({
  appeal_already_open: {
    status: 409,
    title: 'Appeal Already Open',
    description: 'the subject already has an appeal being decided; one open appeal per subject',
    zh: { title: '申诉已在办理', description: '该事项已有一件未决申诉；同一事项同时只能有一件申诉' },
  },
  appeal_subject_out_of_scope: {
    status: 403,
    title: 'Not Your Subject',
    description: 'a unit may appeal only what concerns itself, a department only what concerns itself or its units',
    zh: { title: '无权就该事项申诉', description: '单位只能就本单位的事项申诉，主管部门只能就本部门及所属单位的事项申诉' },
  },
  appeal_decider_is_original_actor: {
    status: 403,
    title: 'Decider Is the Original Actor',
    description: 'whoever recorded or decided the contested input may not review or decide its appeal',
    zh: { title: '原经办人不得复核', description: '记录或认定被申诉事项的人员不得复核或决定该申诉' },
  },
  appeal_not_appellant: {
    status: 403,
    title: 'Not the Appellant',
    description: 'only the unit or department that filed the appeal may withdraw it',
    zh: { title: '非申诉人', description: '只有提出申诉的单位或部门可以撤回申诉' },
  },
});
