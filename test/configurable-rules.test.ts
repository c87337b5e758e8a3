import t from 'tap';
import { loadConfig } from '../src/config.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

// The office sets its own deadlines and limits; the defaults are in src/config.ts.
const h = await setup(t, {
  config: { COMPLAINT_DEADLINE_WORKING_DAYS: { triage: 1, investigation: 15, reply: 3 }, FOLLOW_UP_WORKING_DAYS: 2, VERIFICATION_WORKING_DAYS: 1, PUBLIC_RATINGS_PER_RESPONDENT_PER_DAY: 2 },
});
const w = await referenceWorld(h);

t.test('the variables parse, and a malformed value names the variable', async (t) => {
  const c = loadConfig({ COMPLAINT_DEADLINE_WORKING_DAYS: 'triage=1, investigation=15, reply=3', FOLLOW_UP_WORKING_DAYS: '2' });
  t.same(c.COMPLAINT_DEADLINE_WORKING_DAYS, { triage: 1, investigation: 15, reply: 3 });
  t.same(loadConfig({}).COMPLAINT_DEADLINE_WORKING_DAYS, { triage: 2, investigation: 10, reply: 5 });
  t.throws(() => loadConfig({ COMPLAINT_DEADLINE_WORKING_DAYS: 'triage=2' }), /COMPLAINT_DEADLINE_WORKING_DAYS/);
  t.throws(() => loadConfig({ PUBLIC_RATINGS_PER_RESPONDENT_PER_DAY: '0' }), /PUBLIC_RATINGS_PER_RESPONDENT_PER_DAY/);
});

t.test('a complaint is due for triage after the configured number of working days', async (t) => {
  const res = await h.as('anonymous', { method: 'POST', url: '/api/v1/public/complaints', payload: { category: 'discipline', subject: '上班玩游戏', description: '窗口人员上班时间玩游戏' } });
  t.equal(res.statusCode, 201, res.body);
  const [c] = (await h.as('admin', { method: 'GET', url: '/api/v1/complaints' })).json().items;
  t.equal(c.stageDeadline, h.app.services.calendar.addWorkingDays(new Date(c.receivedAt), 1).toISOString());
});

t.test('a respondent may rate a unit as often per day as configured; a bad rating is followed up in the configured days', async (t) => {
  const rate = (level: number) =>
    h.as('anonymous', { method: 'POST', url: '/api/v1/public/ratings', payload: { unitId: w.units.taxHallA.id, channel: 'portal', level, respondentKey: '13900001111', comment: '等候太久' } });
  t.equal((await rate(2)).statusCode, 201);
  t.equal((await rate(4)).statusCode, 201);
  const third = await rate(5);
  t.equal(third.statusCode, 409);
  t.equal(third.json().code, 'rating_limit_reached');
  const [f] = (await h.as('admin', { method: 'GET', url: '/api/v1/follow-ups' })).json().items;
  const [r] = (await h.as('admin', { method: 'GET', url: '/api/v1/ratings?level=2' })).json().items;
  // 差评核实: verified within VERIFICATION_WORKING_DAYS, called back FOLLOW_UP_WORKING_DAYS after that (until a problem sets it).
  t.equal(f.verifyBy, h.app.services.calendar.addWorkingDays(new Date(r.receivedAt), 1).toISOString());
  t.equal(f.deadline, h.app.services.calendar.addWorkingDays(h.app.services.calendar.addWorkingDays(new Date(r.receivedAt), 1), 2).toISOString());
});
