/**
 * Request-body examples for the OpenAPI document: one realistic, bilingual value per field name (the campaign's own
 * Chinese terms, English beside them), composed along each operation's schema, so that every request body carries
 * an example that validates against it (test/openapi-examples.test.ts). `byOperation` overrides fields for one
 * operation where the generic value would not read true.
 */

type Schema = Record<string, unknown> & { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; required?: string[] };

/** Sample ids (UUIDv7, as the service issues them) by the field that holds them. */
const ids: Record<string, string> = {
  unitId: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a01',
  departmentId: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a02',
  regionId: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a03',
  parentId: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a04',
  cycleId: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a05',
  supervisorId: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a06',
  roundId: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a07',
  taskId: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a08',
  problemId: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a09',
  sourceId: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a0a',
  awardId: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a0b',
  complaintId: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a0c',
};
const anyId = '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7aff';

/** Field values by name; the first that fits the field's schema is used. */
const vocabulary: Record<string, unknown[]> = {
  name: ['城关镇便民服务中心', '城关镇', '县市场监督管理局'],
  nameEn: ['Chengguan Town Citizen Service Centre'],
  nameZh: ['城关镇'],
  // Bilingual titles in request bodies are the criteria document's sections and items.
  zhCN: ['硬件标准化：标识标牌'],
  en: ['Hardware standardization: signage'],
  itemKey: ['signage'],
  ruleKey: ['missing-notice'],
  bonusKey: ['provincial-commendation'],
  code: ['422802100', 'chengguan'],
  service_code: ['service_attitude'],
  to: ['enrollment', 'rectification_ordered'],
  findings: ['经核实，窗口确有推诿。Substantiated: the window passed the applicant around.'],
  text: ['您好，我们已收到您的投诉，将在 5 个工作日内答复。We have your complaint and will reply within 5 working days.'],
  attitude: [4],
  efficiency: [4],
  quality: [3],
  environment: [5],
  discipline: [4],
  headName: ['张丽'],
  headTitle: ['主任 (director)'],
  address: ['利川市都亭街道解放路 88 号'],
  phone: ['0718-7281234'],
  email: ['jiufengban@example.gov.cn'],
  commitments: [['一次告知，限时办结 (one notice, a promised time limit)']],
  title: ['窗口服务态度 (service attitude at the window)'],
  description: ['群众反映窗口工作人员推诿，要求说明办理时限。The public reported staff passing the buck and asked for the time limit.'],
  detail: ['窗口未公示办事流程 (the procedure was not posted at the window)'],
  content: ['窗口工作人员态度冷漠，办理营业执照被要求多次跑腿。Staff were curt; a business licence took several trips.'],
  comment: ['办事很快，工作人员热情。Quick, and the staff were friendly.'],
  reason: ['整改期限内未完成整改 (not rectified by the deadline)'],
  note: ['已电话回访，群众表示满意 (called back; the resident is satisfied)'],
  reply: ['已责成窗口公示办理时限并向您致歉。The window now posts its time limits; we apologise.'],
  resolution: ['窗口已公示办事流程 (the procedure is now posted)'],
  measures: ['公示办事流程，开展服务礼仪培训 (post the procedure; courtesy training)'],
  responsiblePerson: ['李明 (Li Ming)'],
  personName: ['王强 (Wang Qiang)'],
  personRole: ['窗口负责人 (head of the window)'],
  focus: ['服务态度与限时办结 (attitude and time limits)'],
  instructions: ['工作日上午以办事群众身份暗访 (visit as a member of the public on a weekday morning)'],
  contactName: ['刘女士 (Ms Liu)'],
  subject: ['营业执照办理推诿 (passed around over a business licence)'],
  summary: ['窗口服务总体规范 (the window serves by the rules)'],
  affiliation: ['县人大代表 (county people\'s congress deputy)'],
  occasion: ['县委县政府表彰 (county commendation)'],
  conferredBy: ['湖北省人民政府 (Hubei Provincial People\'s Government)'],
  certificateNo: ['鄂政表〔2026〕12 号'],
  respondentKey: ['phone:13800138000'],
  url: ['https://portal.example.gov.cn/hooks/manyi'],
  mediaUrl: ['https://files.example.gov.cn/evidence/2026/0302-01.jpg'],
  evidence: [['https://files.example.gov.cn/evidence/2026/0302-01.jpg']],
  evidenceLinks: [['https://files.example.gov.cn/evidence/2026/0302-01.jpg']],
  events: [['complaint.received', 'award.status_changed']],
  sector: ['market_regulation'],
  key: ['service-attitude'],
  source: ['provincial-hcp'],
  startsAt: ['2026-03-02T08:30:00+08:00'],
  endsAt: ['2026-03-31T17:30:00+08:00'],
  deadline: ['2026-04-15T17:30:00+08:00'],
  year: [2026],
  level: [4, 'township', 'county'],
  version: [1],
  weight: [0.4],
  points: [1],
  maxPoints: [10],
  timeLimitDays: [5],
  lat: [30.291],
  long: [108.936],
  externalId: ['HCP-20260302-000123'],
  deviceId: ['kiosk-cg-01'],
  trackingCode: ['TS2026A7K3'],
};

const FORMATS: Record<string, string> = {
  'date-time': '2026-03-02T09:30:00+08:00',
  date: '2026-03-02',
  uri: 'https://files.example.gov.cn/evidence/2026/0302-01.jpg',
  email: 'jiufengban@example.gov.cn',
};

type Resolve = (ref: string) => Schema | undefined;

function fitsString(value: string, s: Schema): boolean {
  if (typeof s.maxLength === 'number' && value.length > s.maxLength) return false;
  if (typeof s.minLength === 'number' && value.length < s.minLength) return false;
  if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) return false;
  return true;
}

/** Whether a vocabulary value fits the field (shallowly: enums, string bounds, arrays of such). */
function fits(value: unknown, s: Schema | undefined, resolve: Resolve): boolean {
  if (!s) return false;
  if (typeof s.$ref === 'string') return fits(value, resolve(s.$ref), resolve);
  if (Array.isArray(s.enum)) return s.enum.includes(value);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = s[key] as Schema[] | undefined;
    if (branches) return branches.some((b) => fits(value, b, resolve));
  }
  const type = typeOf(s);
  if (typeof value === 'string') return type === 'string' && fitsString(value, s);
  if (typeof value === 'number') return (type === 'number' || (type === 'integer' && Number.isInteger(value))) && !(typeof s.minimum === 'number' && value < s.minimum) && !(typeof s.maximum === 'number' && value > s.maximum);
  if (typeof value === 'boolean') return type === 'boolean';
  if (Array.isArray(value)) return type === 'array' && !(typeof s.maxItems === 'number' && value.length > s.maxItems) && value.every((v) => fits(v, s.items, resolve));
  return false;
}

/** Machine keys (slugs) a pattern may ask for. */
const slugs = ['service-attitude', 'service_attitude', 'market_regulation', 'provincial-hcp', 'a1'];

function typeOf(s: Schema): string | undefined {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (t) return t;
  if (s.properties) return 'object';
  return undefined;
}

function synth(s: Schema | undefined, name: string, resolve: Resolve, depth: number): unknown {
  if (!s || depth > 12) return undefined;
  if (typeof s.$ref === 'string') return synth(resolve(s.$ref), name, resolve, depth + 1);
  if ('const' in s) return s.const;
  const known = vocabulary[name]?.find((v) => fits(v, s, resolve));
  if (known !== undefined) return known;
  if (Array.isArray(s.enum)) return s.enum.find((v) => v !== null);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = s[key] as Schema[] | undefined;
    if (branches) return synth(branches.find((b) => b.type !== 'null') ?? branches[0], name, resolve, depth + 1);
  }
  if (Array.isArray(s.allOf)) return synth(s.allOf[0] as Schema, name, resolve, depth + 1);
  const type = typeOf(s);
  switch (type) {
    case 'string': {
      if (s.format === 'uuid') return ids[name] ?? anyId;
      if (typeof s.format === 'string' && FORMATS[s.format]) return FORMATS[s.format];
      const slug = slugs.find((v) => fitsString(v, s));
      if (typeof s.pattern === 'string' && slug) return slug;
      const fallback = '城关镇便民服务中心 (Chengguan Town Citizen Service Centre)';
      return fitsString(fallback, s) ? fallback : fallback.slice(0, typeof s.maxLength === 'number' ? s.maxLength : undefined);
    }
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : undefined;
      const max = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : undefined;
      return min !== undefined && min > 1 ? min : max !== undefined && max < 1 ? max : 1;
    }
    case 'boolean':
      return false;
    case 'array': {
      const item = synth(s.items, name, resolve, depth + 1);
      const count = Math.max(1, typeof s.minItems === 'number' ? s.minItems : 1);
      return item === undefined ? [] : Array.from({ length: count }, () => item);
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(s.required ?? []);
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        if (!required.has(key) && !(key in vocabulary) && !(key in ids)) continue;
        const value = synth(prop, key, resolve, depth + 1);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** Per operation: fields whose generic value would not be what a real caller sends. */
const region = { nameZh: '城关镇', nameEn: 'Chengguan Town' };
const department = { name: '县市场监督管理局', nameEn: 'County Market Regulation Administration', level: 'county' };
const cycle = { name: '2026 年度百佳基层站所（窗口）创建 (2026 campaign)' };
const round = { name: '2026 年第一季度拉网式暗访 (Q1 2026 sweep)' };
const supervisor = { name: '陈芳 (Chen Fang)' };
const byOperation: Record<string, Record<string, unknown>> = {
  createRegion: region,
  updateRegion: region,
  createDepartment: department,
  updateDepartment: department,
  createCycle: cycle,
  updateCycle: cycle,
  createInspectionRound: round,
  updateInspectionRound: round,
  saveCriteriaSet: {
    sections: [
      {
        key: 'hardware',
        title: { zhCN: '硬件标准化', en: 'Hardware standardization' },
        items: [
          {
            key: 'signage',
            title: { zhCN: '标识标牌统一规范', en: 'Uniform signage' },
            maxPoints: 10,
            checkMethod: 'on_site',
            deductionRules: [{ key: 'missing-sign', description: '每发现一处缺失扣 1 分 (1 point per missing sign)', pointsPerOccurrence: 1, cap: 5 }],
          },
        ],
      },
    ],
  },
  createSupervisor: supervisor,
  updateSupervisor: supervisor,
  // Fields that exclude each other: `undefined` leaves the field out of the example.
  createImprovementMeasure: { departmentId: undefined },
  rectifyFollowUp: { severity: undefined, description: undefined },
  // 行政权力清理: the seed's prefecture-level total, cleaned into kept, merged and abolished.
  // 分期排名: a month of the cycle.
  computePeriodRanking: { period: '2016-03' },
  createPerson: { name: '王建国 (Wang Jianguo)', role: 'unit_head', post: '站长 (head of station)', departmentId: undefined, regionId: undefined },
  // 排名靠后: the unit's entry in a published ranking, the cause `unitId` names (only a ranking entry does).
  createAccountabilityAction: { cause: { type: 'ranking_entry', id: '0192f7a0-5c3e-7a10-8b21-3c4d5e6f7a0d', unitId: ids.unitId } },
  recordPowerListCleanup: { registered: 4473, kept: 3120, merged: 846, abolished: 507 },
  correctPowerListCleanup: { registered: 4473, kept: 3120, merged: 846, abolished: 507 },
};

export function requestExample(operationId: string, schema: Schema, resolve: Resolve): unknown {
  const example = synth(schema, '', resolve, 0);
  const overrides = byOperation[operationId];
  if (overrides && example && typeof example === 'object' && !Array.isArray(example)) {
    const fields = example as Record<string, unknown>;
    for (const [key, value] of Object.entries(overrides)) {
      if (!(key in fields)) continue;
      if (value === undefined) delete fields[key];
      else fields[key] = value;
    }
  }
  return example;
}
