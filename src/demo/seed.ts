import { systemContext } from '../lib/principal.js';
import type { Services } from '../modules/services.js';
import { categories } from '../modules/units/schemas.js';
import type { Category } from '../modules/units/schemas.js';
import { sampleCriteriaDocument } from './criteria-document.js';

/**
 * The demo data set (演示数据), loaded only into a NEW embedded database (DEMO_DATA=false skips it).
 * Every name carries 【演示】 / "(demo)" so nobody mistakes it for real records.
 */
const DEMO = '【演示】';

const counties = [
  { code: 'DEMO-C1', nameZh: '利川市', nameEn: 'Lichuan (demo)', towns: ['汪营镇', '谋道镇'] },
  { code: 'DEMO-C2', nameZh: '建始县', nameEn: 'Jianshi (demo)', towns: ['业州镇', '高坪镇'] },
  { code: 'DEMO-C3', nameZh: '咸丰县', nameEn: 'Xianfeng (demo)', towns: ['高乐山镇'] },
];

const departments: { name: string; nameEn: string; sector: string; unit: string; category: Category }[] = [
  { name: '供电公司', nameEn: 'Power supply company', sector: 'power_supply', unit: '供电营业厅', category: 'public_service' },
  { name: '国税局', nameEn: 'State taxation bureau', sector: 'state_tax', unit: '国税办税服务厅', category: 'economic_social_management' },
  { name: '地税局', nameEn: 'Local taxation bureau', sector: 'local_tax', unit: '地税办税服务厅', category: 'economic_social_management' },
  { name: '卫生局', nameEn: 'Health bureau', sector: 'health', unit: '卫生院', category: 'public_service' },
  { name: '交通运输局', nameEn: 'Transport bureau', sector: 'transport', unit: '运管所', category: 'law_enforcement' },
  { name: '邮政局', nameEn: 'Post office', sector: 'post', unit: '邮政支局', category: 'public_service' },
  { name: '农村信用社', nameEn: 'Rural credit cooperative', sector: 'finance', unit: '信用社营业网点', category: 'economic_social_management' },
  { name: '林业局', nameEn: 'Forestry bureau', sector: 'forestry', unit: '林业站', category: 'law_enforcement' },
  { name: '工商局', nameEn: 'Administration for industry and commerce', sector: 'industry_commerce', unit: '工商所', category: 'law_enforcement' },
  { name: '人社局', nameEn: 'Human resources and social security bureau', sector: 'social_security', unit: '社保服务窗口', category: 'public_service' },
];

export async function loadDemoData(services: Services): Promise<Record<string, number>> {
  const ctx = systemContext('demo-data');
  const prefecture = await services.regions.create(ctx, { parentId: null, level: 'prefecture', code: 'DEMO-P', nameZh: `${DEMO}恩施州`, nameEn: 'Enshi Prefecture (demo)' });
  const towns: { id: string; nameZh: string; countyName: string }[] = [];
  for (const c of counties) {
    const county = await services.regions.create(ctx, { parentId: prefecture.id, level: 'county', code: c.code, nameZh: `${DEMO}${c.nameZh}`, nameEn: c.nameEn });
    for (const [i, t] of c.towns.entries()) {
      const town = await services.regions.create(ctx, { parentId: county.id, level: 'township', code: `${c.code}-T${i + 1}`, nameZh: `${DEMO}${t}` });
      towns.push({ id: town.id, nameZh: t, countyName: c.nameZh });
    }
  }
  let unitCount = 0;
  for (const d of departments) {
    const dept = await services.departments.create(ctx, { name: `${DEMO}州${d.name}`, nameEn: `${d.nameEn} (demo)`, sector: d.sector, level: 'prefecture', regionId: prefecture.id });
    for (const town of towns) {
      await services.units.create(ctx, {
        departmentId: dept.id,
        regionId: town.id,
        category: d.category,
        name: `${DEMO}${town.countyName}${town.nameZh}${d.unit}`,
        headName: null,
        commitments: ['首问负责，一次性告知', '限时办结，一周办结制', '公开办事流程和收费标准'],
        serviceItems: [
          { name: '业务咨询', timeLimitDays: 0, modes: ['first_contact_responsibility'] },
          { name: '业务办理', timeLimitDays: 5, modes: ['committed', 'time_limited'] },
          { name: '预约上门服务', timeLimitDays: 3, modes: ['by_appointment', 'full_process'] },
        ],
      });
      unitCount++;
    }
  }
  // One cycle, open for enrollment, with the sample standard for every category and every unit enrolled.
  const created = await services.cycles.create(ctx, {
    name: `${DEMO}2026年度百佳基层站所(窗口)创建`,
    year: 2026,
    settings: { quotas: { top100: 10, top10: 3, perCategory: null }, minimumSamples: { ratings: 5, scorecards: 1, inspectionReports: 1 } },
  });
  const cycle = await services.cycles.transition(ctx, created.id, created.version, 'enrollment');
  for (const category of categories) await services.criteria.save(ctx, cycle.id, category, undefined, sampleCriteriaDocument);
  const enrolled = await services.enrollments.enrollMany(ctx, cycle.id, {});
  return { regions: 1 + counties.length + towns.length, departments: departments.length, units: unitCount, cycles: 1, criteriaSets: categories.length, enrollments: enrolled.enrolled };
}
