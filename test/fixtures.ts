import { systemContext } from '../src/lib/principal.js';
import type { TestApp } from './helper.js';

/**
 * A small reference world through the services (not HTTP, for speed): a prefecture with two counties,
 * two departments, and units in every category. Tests build on it and create what else they need.
 */
export async function referenceWorld(h: TestApp) {
  const s = h.app.services;
  const ctx = systemContext('fixtures');
  const prefecture = await s.regions.create(ctx, { parentId: null, level: 'prefecture', code: 'P1', nameZh: '恩施州', nameEn: 'Enshi' });
  const countyA = await s.regions.create(ctx, { parentId: prefecture.id, level: 'county', code: 'C1', nameZh: '利川市' });
  const countyB = await s.regions.create(ctx, { parentId: prefecture.id, level: 'county', code: 'C2', nameZh: '建始县' });
  const townA = await s.regions.create(ctx, { parentId: countyA.id, level: 'township', code: 'T1', nameZh: '汪营镇' });
  const forestry = await s.departments.create(ctx, { name: '州林业局', sector: 'forestry', level: 'prefecture', regionId: prefecture.id });
  const tax = await s.departments.create(ctx, { name: '州国税局', sector: 'state_tax', level: 'prefecture', regionId: prefecture.id });
  const mk = (name: string, departmentId: string, regionId: string, category: 'law_enforcement' | 'public_service' | 'economic_social_management') =>
    s.units.create(ctx, { name, departmentId, regionId, category });
  const forestStation = await mk('汪营林业站', forestry.id, townA.id, 'law_enforcement');
  const forestPolice = await mk('利川森林派出所', forestry.id, countyA.id, 'law_enforcement');
  const taxHallA = await mk('利川国税办税服务厅', tax.id, countyA.id, 'public_service');
  const taxHallB = await mk('建始国税办税服务厅', tax.id, countyB.id, 'public_service');
  const taxAudit = await mk('建始国税稽查局', tax.id, countyB.id, 'economic_social_management');
  return {
    regions: { prefecture, countyA, countyB, townA },
    departments: { forestry, tax },
    units: { forestStation, forestPolice, taxHallA, taxHallB, taxAudit },
  };
}
export type ReferenceWorld = Awaited<ReturnType<typeof referenceWorld>>;
