import t from 'tap';
import { loadConfig } from '../src/config.js';
import { localDate, nextDate } from '../src/lib/working-days.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

// Deadlines are counted on local days in Asia/Shanghai over the holiday calendar: N working days end at
// 23:59:59.999 Beijing time (15:59:59.999Z) on the N-th working day after the day of receipt (次日起算).
const h = await setup(t);
const w = await referenceWorld(h);

type Day = { date: string; kind: 'holiday' | 'workday'; name: string; nameEn?: string | null };

/** A complaint received at `receivedAt` (in the past): its triage deadline (2 working days by default). */
async function triageDeadline(receivedAt: string): Promise<string> {
  const res = await h.as('integration', {
    method: 'POST',
    url: '/api/v1/complaints',
    payload: { source: 'hotline', category: 'discipline', subject: '办事拖延', description: '窗口人员推诿', receivedAt },
  });
  if (res.statusCode !== 201) throw new Error(`complaint not recorded: ${res.body}`);
  return res.json().stageDeadline;
}

const deadline = async (from: string, days: number, regionId?: string) => {
  const res = await h.as('anonymous', { method: 'GET', url: '/api/v1/calendar/deadline', query: { from, days: String(days), ...(regionId ? { regionId } : {}) } });
  if (res.statusCode !== 200) throw new Error(`no deadline: ${res.body}`);
  return res.json() as { localDate: string; deadline: string; timeZone: string };
};

const putYear = (who: Parameters<typeof h.as>[0], year: number | string, days: Day[], regionId?: string) =>
  h.as(who, { method: 'PUT', url: regionId ? `/api/v1/calendar/regions/${regionId}/years/${year}` : `/api/v1/calendar/years/${year}`, payload: { days } });

t.test('TIME_ZONE is an IANA zone, Asia/Shanghai unless set; a wrong one stops the start naming it', async (t) => {
  t.equal(loadConfig({}).TIME_ZONE, 'Asia/Shanghai');
  t.equal(loadConfig({ TIME_ZONE: 'Asia/Urumqi' }).TIME_ZONE, 'Asia/Urumqi');
  t.throws(() => loadConfig({ TIME_ZONE: 'Beijing' }), /TIME_ZONE: must be an IANA time zone/);
});

t.test('the official schedules ship with the service: 2026 has 国庆 1–7 October off and 20 September, 10 October worked', async (t) => {
  const res = await h.as('anonymous', { method: 'GET', url: '/api/v1/calendar/years/2026' });
  t.equal(res.statusCode, 200, res.body);
  const s = res.json();
  t.equal(s.regionId, null);
  t.match(s.loadedBy, /^chinese-days@/);
  const national = s.days.filter((d: Day) => d.name === '国庆节');
  t.same(national.filter((d: Day) => d.kind === 'holiday').map((d: Day) => d.date), ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']);
  t.same(national.filter((d: Day) => d.kind === 'workday').map((d: Day) => d.date), ['2026-09-20', '2026-10-10']);
  // The whole year as 国务院办公厅 published it (2025-11-04): days off, then 调休 days worked.
  const range = (from: string, to: string) => {
    const out = [from];
    while (out[out.length - 1] !== to) out.push(nextDate(out[out.length - 1]));
    return out;
  };
  const official = [range('2026-01-01', '2026-01-03'), range('2026-02-15', '2026-02-23'), range('2026-04-04', '2026-04-06'), range('2026-05-01', '2026-05-05'), range('2026-06-19', '2026-06-21'), range('2026-09-25', '2026-09-27'), range('2026-10-01', '2026-10-07')].flat();
  t.same(s.days.filter((d: Day) => d.kind === 'holiday').map((d: Day) => d.date), official);
  t.same(s.days.filter((d: Day) => d.kind === 'workday').map((d: Day) => d.date), ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  t.same(s.days.find((d: Day) => d.date === '2026-02-17').kindLabel, { zhCN: '法定节假日（放假）', en: 'Public holiday (day off)' });
  const years = (await h.as('anonymous', { method: 'GET', url: '/api/v1/calendar/schedules?national=true&limit=3' })).json();
  t.same(years.items.map((y: { year: number }) => y.year), [2026, 2025, 2024], 'newest year first');
  t.ok(years.nextCursor, 'paged');
  const next = (await h.as('anonymous', { method: 'GET', url: `/api/v1/calendar/schedules?national=true&limit=3&cursor=${years.nextCursor}` })).json();
  t.same(next.items.map((y: { year: number }) => y.year), [2023, 2022, 2021]);
});

t.test('a complaint received just before 国庆 2026 is due on the second working day after the holiday', async (t) => {
  // Wednesday 30 September: 1–7 October are off, Thursday 8 is the 1st working day, Friday 9 the 2nd.
  t.equal(await triageDeadline('2026-09-30T10:00:00+08:00'), '2026-10-09T15:59:59.999Z');
  // Saturday 10 October is a 调休 working day: the 3rd.
  t.equal((await deadline('2026-09-30T10:00:00+08:00', 3)).localDate, '2026-10-10');
});

t.test('a complaint received before 春节 2026 counts the 调休 Saturday and skips the nine-day break', async (t) => {
  // Friday 13 February: Saturday 14 is worked (1st), 15–23 are off, Tuesday 24 is the 2nd.
  t.equal(await triageDeadline('2026-02-13T10:00:00+08:00'), '2026-02-24T15:59:59.999Z');
});

t.test('a 调休 Sunday is a working day', async (t) => {
  // Saturday 3 January 2026 is 元旦 off; Sunday 4 January is worked.
  t.same(await deadline('2026-01-03T10:00:00+08:00', 1), { from: '2026-01-03T10:00:00+08:00', days: 1, localDate: '2026-01-04', deadline: '2026-01-04T15:59:59.999Z', timeZone: 'Asia/Shanghai' });
  t.equal(await triageDeadline('2026-01-03T10:00:00+08:00'), '2026-01-05T15:59:59.999Z');
});

t.test('a case received on a Saturday evening in Beijing counts from the next local day', async (t) => {
  // Saturday 9 May 2026 20:00 in Beijing is 12:00Z the same Saturday; counting starts on Sunday 10 (off), so
  // Monday 11 and Tuesday 12 are the two working days.
  t.equal(await triageDeadline('2026-05-09T20:00:00+08:00'), '2026-05-12T15:59:59.999Z');
  // Saturday 16 May 07:00 in Beijing is still Friday 23:00 in UTC: the local day (Saturday) decides, so the
  // deadline is Tuesday 19 May, not Monday 18 as counting from a UTC Friday would give.
  t.equal(await triageDeadline('2026-05-15T23:00:00Z'), '2026-05-19T15:59:59.999Z');
});

t.test('a year with no schedule counts weekends only, and readiness names the current or next year without one', async (t) => {
  // 2030 has no schedule: 1 and 2 October 2030 (Tuesday, Wednesday) are working days.
  t.equal((await deadline('2030-09-30T10:00:00+08:00', 2)).localDate, '2030-10-02');
  const thisYear = Number(localDate(new Date(), 'Asia/Shanghai').slice(0, 4));
  const shipped = (await h.sql<{ year: number }>('select year from calendar_schedules where region_id is null')).map((r) => r.year);
  const missing = [thisYear, thisYear + 1].filter((y) => !shipped.includes(y));
  const ready = await h.as('anonymous', { method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 200, 'a warning, not an outage');
  t.same(ready.json().calendar.missingYears, missing);
  if (missing.length) t.match(ready.json().calendar.warning, new RegExp(String(missing[0])));
  for (const year of missing) t.equal((await putYear('admin', year, [])).statusCode, 200);
  const after = (await h.as('anonymous', { method: 'GET', url: '/readyz' })).json();
  t.same(after.calendar.missingYears, []);
  t.equal(after.calendar.warning, undefined);
});

t.test('loading a year changes the next deadline computed, and is audited', async (t) => {
  t.equal((await deadline('2030-09-30T10:00:00+08:00', 2)).localDate, '2030-10-02');
  const golden = ['01', '02', '03', '04', '05', '06', '07'].map((d): Day => ({ date: `2030-10-${d}`, kind: 'holiday', name: '国庆节', nameEn: 'National Day' }));
  const put = await putYear('admin', 2030, [...golden, { date: '2030-09-29', kind: 'workday', name: '国庆节' }]);
  t.equal(put.statusCode, 200, put.body);
  t.equal(put.json().days.length, 8);
  t.equal(put.json().days[0].date, '2030-09-29', 'days in date order');
  t.equal((await deadline('2030-09-30T10:00:00+08:00', 2)).localDate, '2030-10-09', 'the holiday is skipped now');
  t.equal((await deadline('2030-09-28T10:00:00+08:00', 1)).localDate, '2030-09-29', 'the 调休 Sunday is worked');

  // A complaint in a shipped year: the office corrects 2025 (an extra day off on 2 December) and the next intake uses it.
  t.equal(await triageDeadline('2025-12-01T10:00:00+08:00'), '2025-12-03T15:59:59.999Z');
  const y2025 = (await h.as('admin', { method: 'GET', url: '/api/v1/calendar/years/2025' })).json();
  const corrected = await putYear('admin', 2025, [...y2025.days.map((d: Day) => ({ date: d.date, kind: d.kind, name: d.name })), { date: '2025-12-02', kind: 'holiday', name: '临时放假' }]);
  t.equal(corrected.statusCode, 200, corrected.body);
  t.equal(corrected.json().version, 2);
  t.not(corrected.json().loadedBy, y2025.loadedBy, 'who loaded it now');
  t.equal(await triageDeadline('2025-12-01T10:00:00+08:00'), '2025-12-04T15:59:59.999Z');

  const log = await h.as('admin', { method: 'GET', url: `/api/v1/audit-log?entityType=calendar_schedule&entityId=${y2025.id}` });
  t.equal(log.statusCode, 200, log.body);
  const [entry] = log.json().items;
  t.match(entry, { action: 'calendar.schedule_loaded', entityId: y2025.id });
  t.equal(entry.before.days.length + 1, entry.after.days.length);
});

t.test('a schedule that does not fit its year is refused whole, naming the field', async (t) => {
  const before = (await h.as('admin', { method: 'GET', url: '/api/v1/calendar/years/2030' })).json();
  const outside = await putYear('admin', 2030, [{ date: '2031-01-01', kind: 'holiday', name: '元旦' }]);
  t.equal(outside.statusCode, 422, outside.body);
  t.match(outside.headers['content-type'], /application\/problem\+json/);
  t.same(outside.json().errors.map((e: { field: string }) => e.field), ['days.0.date']);
  const twice = await putYear('admin', 2030, [
    { date: '2030-05-01', kind: 'holiday', name: '劳动节' },
    { date: '2030-05-01', kind: 'workday', name: '劳动节' },
  ]);
  t.equal(twice.statusCode, 422, twice.body);
  t.same(twice.json().errors.map((e: { field: string }) => e.field), ['days.1.date']);
  const kind = await h.as('admin', { method: 'PUT', url: '/api/v1/calendar/years/2030', payload: { days: [{ date: '2030-05-01', kind: 'off', name: '' }] } });
  t.equal(kind.statusCode, 400, kind.body);
  const fields = kind.json().errors.map((e: { field: string }) => e.field);
  t.ok(fields.includes('body.days.0.kind') && fields.includes('body.days.0.name'), fields.join());
  const year = await putYear('admin', 1800, []);
  t.equal(year.statusCode, 400, year.body);
  t.match(year.json().errors[0].field, /year/);
  t.same((await h.as('admin', { method: 'GET', url: '/api/v1/calendar/years/2030' })).json(), before, 'nothing was written');
});

t.test('only the office loads schedules; everyone may read them', async (t) => {
  const unit = { role: 'unit' as const, unitId: w.units.forestStation.id };
  const others = [{ role: 'inspector' as const }, { role: 'integration' as const }, unit, { role: 'department' as const, departmentId: w.departments.forestry.id }, { role: 'supervisor' as const, supervisorId: w.units.taxAudit.id }];
  for (const who of others) t.equal((await putYear(who, 2031, [])).statusCode, 403, `${who.role} may not load a year`);
  t.equal((await putYear('anonymous', 2031, [])).statusCode, 401);
  t.equal((await h.as(unit, { method: 'DELETE', url: `/api/v1/calendar/regions/${w.regions.countyA.id}/years/2026` })).statusCode, 403);
  t.equal((await h.as('anonymous', { method: 'GET', url: '/api/v1/calendar/years/2031' })).statusCode, 404);
  const gql = await h.as(unit, {
    method: 'POST',
    url: '/graphql',
    payload: { query: 'mutation { putCalendarSchedule(year: 2031, input: { days: [] }) { id } }' },
  });
  t.equal(gql.json().errors[0].extensions.code, 'forbidden');
  const read = await h.as('anonymous', { method: 'POST', url: '/graphql', payload: { query: '{ calendarSchedule(year: 2026) { year days { date kind name } } calendarDeadline(from: "2026-09-30T10:00:00+08:00", days: 2) { localDate } }' } });
  t.equal(read.statusCode, 200, read.body);
  t.equal(read.json().data.calendarDeadline.localDate, '2026-10-09');
  t.ok(read.json().data.calendarSchedule.days.length > 20);
});

t.test('a regional override applies to units in that region and below only, until it is deleted', async (t) => {
  // Ten local days from tomorrow are off in 利川市 (countyA, which holds 汪营镇 and its 林业站); 建始县 works as usual.
  const days: Day[] = [];
  let date = localDate(new Date(), 'Asia/Shanghai');
  for (let i = 0; i < 10; i++) days.push({ date: (date = nextDate(date)), kind: 'holiday', name: '民族节日' });
  const years = [...new Set(days.map((d) => Number(d.date.slice(0, 4))))];
  for (const year of years) {
    const res = await putYear('admin', year, days.filter((d) => d.date.startsWith(`${year}-`)), w.regions.countyA.id);
    t.equal(res.statusCode, 200, res.body);
    t.equal(res.json().regionId, w.regions.countyA.id);
  }
  const open = async (unitId: string) => {
    const res = await h.as('admin', { method: 'POST', url: '/api/v1/problems', payload: { unitId, sourceType: 'manual', severity: 'serious', description: '服务窗口未公示办事流程' } });
    t.equal(res.statusCode, 201, res.body);
    return res.json().deadline as string;
  };
  const now = new Date().toISOString();
  const inTown = await open(w.units.forestStation.id);
  const elsewhere = await open(w.units.taxHallB.id);
  t.equal(inTown, (await deadline(now, 5, w.regions.townA.id)).deadline, '汪营镇 lies in 利川市: the override applies');
  t.equal(elsewhere, (await deadline(now, 5)).deadline, '建始县 follows the national calendar');
  t.ok(Date.parse(inTown) - Date.parse(elsewhere) >= 7 * 86_400_000, 'ten days off push the deadline out');

  const listed = (await h.as('anonymous', { method: 'GET', url: `/api/v1/calendar/schedules?regionId=${w.regions.countyA.id}` })).json();
  t.same(listed.items.map((s: { year: number }) => s.year).sort(), years.sort());
  for (const year of years) {
    t.equal((await h.as('admin', { method: 'DELETE', url: `/api/v1/calendar/regions/${w.regions.countyA.id}/years/${year}` })).statusCode, 204);
  }
  t.equal(await open(w.units.forestStation.id), (await deadline(new Date().toISOString(), 5)).deadline, 'back on the national calendar');
  t.equal((await h.as('admin', { method: 'DELETE', url: `/api/v1/calendar/regions/${w.regions.countyA.id}/years/${years[0]}` })).statusCode, 404);
  const unknownRegion = await putYear('admin', 2026, [], '0190a000-0000-7000-8000-000000000000');
  t.equal(unknownRegion.statusCode, 422, unknownRegion.body);
  t.equal(unknownRegion.json().errors[0].field, 'regionId');
});

t.test('another copy of the service picks up a change within its refresh interval', async (t) => {
  const other = await h.copy({ CALENDAR_REFRESH_INTERVAL_MS: 100 });
  const ask = async () => (await other.as('anonymous', { method: 'GET', url: '/api/v1/calendar/deadline', query: { from: '2032-03-01T10:00:00+08:00', days: '1' } })).json().localDate;
  t.equal(await ask(), '2032-03-02');
  t.equal((await putYear('admin', 2032, [{ date: '2032-03-02', kind: 'holiday', name: '测试' }])).statusCode, 200);
  const until = Date.now() + 10_000;
  let seen = await ask();
  while (seen !== '2032-03-03' && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    seen = await ask();
  }
  t.equal(seen, '2032-03-03', 'the other copy reloaded');
});

t.test('local days agree with Intl in every zone, across daylight-saving changes and odd-minute transitions', async (t) => {
  // localDate remembers a zone's offset per UTC quarter hour; these instants straddle transitions the memo must not
  // smear: New York's spring change (07:00 UTC), Newfoundland's at 00:01 local (1994), Lord Howe's half hour, Nepal's +5:45.
  const zones = ['Asia/Shanghai', 'America/New_York', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];
  let checked = 0;
  const wrong: string[] = [];
  for (const zone of zones) {
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    for (const start of [Date.UTC(1994, 9, 29, 20), Date.UTC(2026, 2, 8, 4), Date.UTC(2026, 3, 4, 12), Date.UTC(2026, 9, 3, 12), Date.UTC(2026, 10, 1, 2)]) {
      for (let at = start; at < start + 12 * 3_600_000; at += 60_000 + 7_001) {
        checked++;
        const ours = localDate(new Date(at), zone);
        if (ours !== intl.format(new Date(at)) && wrong.length < 5) wrong.push(`${zone} ${new Date(at).toISOString()}: ${ours}`);
      }
    }
  }
  t.same(wrong, [], `${checked} instants`);
});
