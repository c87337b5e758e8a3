import { defineErrors } from '../../lib/errors.js';

/** Codes the persons module (人员) answers with. */
export const personsErrors = defineErrors({
  person_has_record: {
    status: 409,
    title: 'Person Has a Record',
    description: 'the person has sanctions, honours or accountability actions on record, which are kept: the person cannot be deleted',
    zh: { title: '人员已有档案记录', description: '该人员已有处分、表彰或问责记录，记录须保留，不能删除该人员' },
  },
});
