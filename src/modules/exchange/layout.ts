/**
 * The provincial 好差评 platform's field layout (省级政务服务"好差评"系统, GB/T 39734-2020 fields as the province names them) and
 * how each field maps onto manyi: the one place the mapping lives; docs/provincial-exchange.md documents it field by field.
 */
import type { RatingChannel, RatingSubjectKind } from '../ratings/schemas.js';

/** Columns of a provincial ratings file, in order. */
export const ratingColumns = [
  '评价编号',
  '办件编号',
  '事项编码',
  '评价对象类型',
  '部门编码',
  '实施机构编码',
  '行政区划代码',
  '评价渠道',
  '评价等级',
  '评价等级名称',
  '评价时间',
  '评价人标识',
  '评价内容',
  '差评整改状态',
] as const;
export type RatingColumn = (typeof ratingColumns)[number];
export const requiredRatingColumns = ['评价编号', '实施机构编码', '评价渠道', '评价等级', '评价时间'] as const;

/** Columns of a provincial cases (办件) file, in order. */
export const caseColumns = [
  '办件编号',
  '事项编码',
  '部门编码',
  '实施机构编码',
  '行政区划代码',
  '办件状态',
  '收件时间',
  '受理时间',
  '办结时间',
  '承诺时限',
  '是否按时办结',
  '退回或不予受理原因',
  '首问负责人标识',
  '评价等级',
  '差评整改状态',
] as const;
export type CaseColumn = (typeof caseColumns)[number];
export const requiredCaseColumns = ['办件编号', '事项编码', '实施机构编码', '收件时间'] as const;

/** 评价渠道: the province's names; the first five are the 好差评 scheme's own channels. Bijective, so a file round-trips. */
export const channelNames: Record<RatingChannel, string> = {
  window_device: '评价器',
  qr_code: '二维码',
  kiosk: '自助终端',
  app: 'APP',
  hotline: '12345',
  portal: '网站',
  sms: '短信',
  questionnaire: '问卷',
  household_visit: '走访',
  forum: '座谈会',
  phone_inquiry: '电话询访',
  mailbox: '信箱',
  tv_inquiry: '电视问政',
  face_to_face_review: '面对面评议',
  ten_thousand_review: '万人评机关',
  three_party_inquiry: '三方询访',
};
const channelByName = new Map<string, RatingChannel>(Object.entries(channelNames).map(([code, name]) => [name.toUpperCase(), code as RatingChannel]));
/** A provincial channel name (or manyi's own code) as a manyi channel; undefined when unknown. */
export function channelOf(name: string): RatingChannel | undefined {
  const v = name.trim();
  return channelByName.get(v.toUpperCase()) ?? (Object.hasOwn(channelNames, v) ? (v as RatingChannel) : undefined);
}

/** 评价等级名称 of the national five levels. */
export const levelNames: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };
export const levelOfName = (name: string) => Object.entries(levelNames).find(([, n]) => n === name.trim())?.[0];

/** 评价对象类型. */
export const subjectNames: Record<RatingSubjectKind, string> = { unit: '窗口', department: '部门', leadership: '领导班子' };
export const subjectOfName = (name: string) => (Object.entries(subjectNames).find(([, n]) => n === name.trim())?.[0] as RatingSubjectKind | undefined);

/** 差评整改状态: the 差评核实 loop's state (ratings/follow-ups), named as the province does. */
export const loopStateNames: Record<string, string> = { open: '待核实', verified: '已核实', rectifying: '整改中', called_back: '已回访', closed: '已办结' };

/** 办件状态. */
export const caseStateNames: Record<string, string> = { received: '已收件', accepted: '已受理', completed: '已办结', returned: '退回补正', refused: '不予受理' };
export const caseStateOfName = (name: string) => Object.entries(caseStateNames).find(([, n]) => n === name.trim())?.[0];

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}
const parts = (d: Date, timeZone: string) => Object.fromEntries(formatter(timeZone).formatToParts(d).map((p) => [p.type, p.value]));

/** 评价时间 etc.: "YYYY-MM-DD HH:mm:ss" local time in the configured zone (TIME_ZONE); seconds precision. */
export function localTime(d: Date | null, timeZone: string): string {
  if (!d) return '';
  const p = parts(d, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
/**
 * A provincial time as an ISO instant: "YYYY-MM-DD HH:mm[:ss]" is local time in the configured zone; an ISO 8601 time with
 * its zone is taken as is. Anything else is passed through for the import's own check to refuse (naming the field).
 */
export function instantOf(text: string, timeZone: string): string {
  const v = text.trim();
  const m = LOCAL.exec(v);
  if (!m) return v;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  // The zone's offset at that wall time (twice: a guess, then corrected across an offset change).
  let t = wall;
  for (let i = 0; i < 2; i++) {
    const p = parts(new Date(t), timeZone);
    const shown = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
    t = wall - (shown - t);
  }
  return new Date(t).toISOString();
}
