/**
 * What a department (部门/行业) must satisfy, for the single create and update (service.ts) and for every row of a
 * department import (import-service.ts): one place for each rule.
 */
import type { regionLevels } from '../regions/schemas.js';

type RegionLevel = (typeof regionLevels)[number];

/** A county bureau sits in a county: a department's level is its region's. The problem, or null. */
export function levelProblem(level: RegionLevel, regionLevel: RegionLevel): string | null {
  return level === regionLevel ? null : `a ${level}-level department cannot sit in a ${regionLevel}`;
}

/** An organisation code (统一社会信用代码/组织机构代码) names one department: what a writer is told when another holds it. */
export const orgCodeTaken = (code: string | null | undefined) => `a department with org code ${code} already exists`;

/** A name names one department within a region (departments_name_region_key). */
export const nameTaken = (name: string) => `a department named ${name} already exists in this region`;
