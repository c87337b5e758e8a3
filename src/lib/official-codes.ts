/**
 * Official codes of the organisations and places the campaign covers, with their check characters:
 * - 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters, the last a check character;
 * - 组织机构代码 (organisation code, GB 11714-1997): 8 characters and a check character (written XXXXXXXX-X);
 * - 行政区划代码 (administrative division code, GB/T 2260): 6 digits, province · prefecture · county.
 */
import { z } from 'zod';

/** GB 32100-2015 alphabet: digits and capitals without I, O, Z, S, V (31 characters, value = index). */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const USCC_SHAPE = /^[0-9ABCDEFGHJKLMNPQRTUWXY]{2}\d{6}[0-9ABCDEFGHJKLMNPQRTUWXY]{10}$/;

/** The check character (18th) of a unified social credit code's first 17 characters. */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

export function isValidUscc(code: string): boolean {
  return USCC_SHAPE.test(code) && usccCheckChar(code.slice(0, 17)) === code[17];
}

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
/** Digits count as themselves, letters A–Z as 10–35. */
const orgValue = (c: string) => (c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55);

/** The check character (9th) of an organisation code's first 8 characters (GB 11714): 0–9 or X. */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += orgValue(first8[i]) * ORG_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function isValidOrganisationCode(code: string): boolean {
  return /^[0-9A-Z]{8}[0-9X]$/.test(code) && orgCodeCheckChar(code.slice(0, 8)) === code[8];
}

/** Uppercase, without the hyphen and spaces people write into organisation codes. */
export const normalizeOrgCode = (raw: string) => raw.trim().toUpperCase().replace(/[\s-]/g, '');

/** Either code, checked: what departments and units store in `org_code`, normalized. */
export function orgCodeProblem(code: string): string | null {
  if (code.length === 18) return isValidUscc(code) ? null : 'not a valid 统一社会信用代码 (GB 32100-2015): wrong characters or check character';
  if (code.length === 9) return isValidOrganisationCode(code) ? null : 'not a valid 组织机构代码 (GB 11714): wrong characters or check character';
  return 'expected an 18-character 统一社会信用代码 (GB 32100-2015) or a 9-character 组织机构代码 (GB 11714)';
}

export const orgCodeSchema = z
  .string()
  .max(40)
  .transform(normalizeOrgCode)
  .superRefine((code, ctx) => {
    const problem = orgCodeProblem(code);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('统一社会信用代码 (18 characters, GB 32100-2015) or 组织机构代码 (9 characters, GB 11714), check character verified; unique')
  .meta({ example: '91350100M000100Y43' });

/** GB/T 2260 administrative division code: 6 digits, the first two a province (11–82). */
export function divisionCodeProblem(code: string): string | null {
  if (!/^\d{6}$/.test(code)) return 'expected 6 digits (行政区划代码, GB/T 2260)';
  const province = Number(code.slice(0, 2));
  if (province < 11 || province > 82) return 'the first two digits (province) must be 11–82 (GB/T 2260)';
  return null;
}

export const divisionCodeSchema = z
  .string()
  .trim()
  .superRefine((code, ctx) => {
    const problem = divisionCodeProblem(code);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('行政区划代码 (GB/T 2260): 6 digits, unique')
  .meta({ example: '532300' });
