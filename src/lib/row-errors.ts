/**
 * The stable, machine-readable codes of a bulk import's per-row errors (导入行错误代码): every import (ratings, cases,
 * units, departments) names one with each row error, in its error CSV. Zod issues map to them generically
 * (`zodIssueCode`); a kind's own checks name theirs. One catalogue, listed in the OpenAPI (ImportRowErrorCode) and the
 * README; a code once published keeps its meaning.
 */
import { z } from 'zod';
import { labelSchema } from './http.js';

type Label = z.infer<typeof labelSchema>;

export const rowErrorCatalogue = {
  // The file and the row as read
  missing_columns: { zhCN: '缺少必需的列', en: 'the CSV header lacks a required column (the whole file is refused)' },
  unreadable_row: { zhCN: '行无法读取', en: 'the row is not readable CSV, not valid JSON, or not a JSON object' },
  // A value on its own (zod)
  required: { zhCN: '必填项缺失', en: 'a required value is missing' },
  invalid_type: { zhCN: '类型不正确', en: 'the value is of the wrong type' },
  invalid_format: { zhCN: '格式不正确', en: 'the value is not in the expected format (a date, an id, a code)' },
  invalid_value: { zhCN: '取值不允许', en: 'the value is not one of those allowed, or fails its own check' },
  too_small: { zhCN: '值过小或过短', en: 'the value is too small or too short' },
  too_big: { zhCN: '值过大或过长', en: 'the value is too large or too long' },
  in_future: { zhCN: '时间晚于当前', en: 'the time lies in the future' },
  // A row's values together
  not_applicable: { zhCN: '此项不适用', en: 'the value does not apply to this kind of row (a department rating naming a unit)' },
  invalid_history: { zhCN: '办件流转不合规', en: "the case's reported states and times are not a path the case workflow allows" },
  // References
  unknown_id: { zhCN: '记录不存在', en: 'no record has the id the row updates' },
  unknown_unit: { zhCN: '单位不存在或已停用', en: 'the unit does not exist or is deactivated' },
  unknown_department: { zhCN: '部门不存在或已停用', en: 'the department does not exist or is deactivated' },
  unknown_region: { zhCN: '区域不存在', en: 'the region does not exist' },
  unknown_cycle: { zhCN: '考评周期不存在', en: 'the cycle does not exist' },
  unknown_service_item: { zhCN: '服务事项不存在或已停用', en: 'the service item does not exist or is retired' },
  unknown_case: { zhCN: '办件不存在', en: 'the case does not exist' },
  item_not_offered: { zhCN: '单位未提供该事项', en: 'the unit does not offer the service item' },
  reference_mismatch: { zhCN: '引用不一致', en: 'a code and an id in the row name different records' },
  case_of_another_unit: { zhCN: '办件属于其他单位', en: 'the case belongs to another unit than the one rated' },
  case_already_rated: { zhCN: '办件已评价（一事一评）', en: 'the case already has its rating (一事一评)' },
  // Against what is stored or earlier rows
  duplicate_in_file: { zhCN: '文件内重复', en: 'an earlier row of the same file names the same record' },
  version_conflict: { zhCN: '版本不一致', en: 'the record is at another version than the row names' },
  immutable_field: { zhCN: '不可修改', en: 'the value of an existing record cannot change (a department does not move)' },
  org_code_taken: { zhCN: '机构代码已被使用', en: 'another unit or department holds the org code (统一社会信用代码)' },
  name_taken: { zhCN: '名称已被使用', en: 'another department of the region has the name' },
} as const satisfies Record<string, Label>;

export type RowErrorCode = keyof typeof rowErrorCatalogue;
export const rowErrorCodes = Object.keys(rowErrorCatalogue) as [RowErrorCode, ...RowErrorCode[]];

/** One row error as the import reports it. */
export interface RowIssue {
  field: string;
  code: RowErrorCode;
  message: string;
}

/**
 * A zod issue's code as ours: a value of the wrong type that was not given at all (`given` false) is `required`, the
 * rest by the kind of check that failed.
 */
export function zodIssueCode(issue: z.core.$ZodIssue, given: boolean): RowErrorCode {
  switch (issue.code) {
    case 'invalid_type':
      return given ? 'invalid_type' : 'required';
    case 'invalid_format':
      return 'invalid_format';
    case 'too_small':
      return 'too_small';
    case 'too_big':
      return 'too_big';
    default:
      return 'invalid_value';
  }
}

/** The catalogue as the API lists it (GET /import-row-error-codes). */
export const importRowErrorCode = z.enum(rowErrorCodes).meta({ id: 'ImportRowErrorCode', description: 'stable machine-readable code of an import row error (src/lib/row-errors.ts)' });
