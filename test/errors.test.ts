import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { catalogues, errorCatalogue, errorCodes } from '../src/error-catalogue.js';
import { DomainError } from '../src/lib/errors.js';
import type { StateMachine } from '../src/lib/state-machine.js';
import { problemMachine } from '../src/modules/problems/service.js';
import { awardMachine } from '../src/modules/awards/transitions.js';
import { complaintMachine } from '../src/modules/complaints/service.js';
import { taskMachine } from '../src/modules/supervision/tasks.js';
import { roundMachine } from '../src/modules/supervision/rounds.js';
import { scorecardMachine } from '../src/modules/assessments/service.js';
import { followUpMachine } from '../src/modules/ratings/follow-ups.service.js';
import { phaseMachine } from '../src/modules/cycles/service.js';
import { nextPhase, phases } from '../src/modules/cycles/schemas.js';
import { setup } from './helper.js';

const statusesOf = (s: number | readonly number[]) => [s].flat();

t.test('no code is declared twice, and each declaration is complete', async (t) => {
  const owners = new Map<string, string[]>();
  for (const [owner, catalogue] of Object.entries(catalogues)) {
    for (const [code, spec] of Object.entries(catalogue)) {
      owners.set(code, [...(owners.get(code) ?? []), owner]);
      t.match(code, /^[a-z][a-z0-9_]*$/, `${code} is snake_case`);
      t.ok(spec.title && spec.description, `${code} has a title and a description`);
      t.ok(spec.zh && /\p{Script=Han}/u.test(spec.zh.title) && /\p{Script=Han}/u.test(spec.zh.description), `${code} has a Chinese title and description`);
      for (const s of statusesOf(spec.status)) t.ok(s >= 400 && s < 600, `${code}: ${s} is an error status`);
    }
  }
  t.same([...owners].filter(([, o]) => o.length > 1), [], 'each code has one owner, so one status');
});

t.test('the OpenAPI ProblemDetails schema lists exactly the catalogue codes', async (t) => {
  const doc = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'));
  const enumed = doc.components.schemas.ProblemDetails.properties.code.enum as string[];
  t.same([...enumed].sort(), Object.keys(errorCatalogue).sort());
  t.same([...errorCodes], Object.keys(errorCatalogue).sort());
});

/** Every source file under src/. */
function sources(dir = new URL('../src', import.meta.url).pathname): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

t.test('every code string thrown in src/ is in the catalogue, with the status its helper answers with', async (t) => {
  const helpers: [RegExp, number | null][] = [
    [/\bconflict\(\s*'([a-z_]+)'/g, 409],
    [/\bbadRequest\(\s*'([a-z_]+)'/g, 400],
    [/\brequirePhase\([^;]*?,\s*'([a-z_]+)'\s*[,)]/g, 409],
    [/\binvalid(?:Many)?\([^;]*?,\s*'([a-z_]+)'\s*,?\s*\)/g, 422],
    [/\{ code: '([a-z_]+)', detail/g, 409],
    [/new DomainError\(\s*\d+,\s*'([a-z_]+)'/g, null],
    [/instance[^,]*, code: '([a-z_]+)'/g, null],
    [/extensions: \{ code: [^}]*?'([a-z_]+)'/g, null],
  ];
  const seen = new Set<string>();
  for (const file of sources()) {
    const text = readFileSync(file, 'utf8');
    for (const [re, status] of helpers) {
      for (const m of text.matchAll(re)) {
        const code = m[1];
        seen.add(code);
        const spec = errorCatalogue[code];
        t.ok(spec, `${code} (${file.replace(/.*\/src\//, 'src/')}) is declared`);
        if (spec && status) t.ok(statusesOf(spec.status).includes(status), `${code} is declared with ${status}`);
      }
    }
  }
  // The shared helpers (notFound, forbidden, versionMismatch, …) declare theirs in lib/errors.ts itself.
  t.ok(seen.size >= 45, `the scan found the throw sites (${seen.size} codes)`);
});

const machines: [string, StateMachine<string>, Record<string, readonly string[]>][] = [
  ['award', awardMachine, { active: ['rectification_ordered', 'revoked'], rectification_ordered: ['active', 'yellow_card', 'revoked'], yellow_card: ['active', 'revoked'], revoked: [] }],
  ['problem', problemMachine, { open: ['rectifying'], rectifying: ['submitted'], submitted: ['verified', 'rectifying'], verified: [] }],
  ['complaint', complaintMachine, { received: ['triaged'], triaged: ['investigating'], investigating: ['substantiated', 'unsubstantiated'], substantiated: ['closed'], unsubstantiated: ['closed'], closed: [] }],
  [
    'inspection task',
    taskMachine,
    { assigned: ['accepted', 'reported', 'expired', 'cancelled'], accepted: ['reported', 'expired', 'cancelled'], reported: ['reviewed'], reviewed: [], expired: [], cancelled: [] },
  ],
  ['inspection round', roundMachine, { draft: ['generated', 'closed'], generated: ['closed'], closed: [] }],
  ['scorecard', scorecardMachine, { draft: ['submitted'], submitted: ['confirmed', 'draft'], confirmed: [] }],
  ['follow-up', followUpMachine, { open: ['verified', 'closed'], verified: ['rectifying'], rectifying: ['called_back'], called_back: ['closed'], closed: [] }],
  ['cycle', phaseMachine, { draft: ['enrollment'], enrollment: ['assessment'], assessment: ['ranking'], ranking: ['naming'], naming: ['closed'], closed: [] }],
];

for (const [entity, machine, expected] of machines) {
  t.test(`the ${entity} state machine declares its moves and refuses the rest with { from, to, allowed }`, async (t) => {
    t.same(machine.transitions, expected);
    for (const from of Object.keys(expected)) {
      t.same(machine.allowed(from), expected[from]);
      t.equal(machine.isFinal(from), expected[from].length === 0);
      for (const to of Object.keys(expected)) {
        const legal = expected[from].includes(to);
        t.equal(machine.can(from, to), legal, `${from} → ${to}`);
        if (legal) {
          t.doesNotThrow(() => machine.assert(entity, 'x1', from, to));
          t.ok(machine.sources(to).includes(from));
          continue;
        }
        let thrown: unknown;
        try {
          machine.assert(entity, 'x1', from, to);
        } catch (err) {
          thrown = err;
        }
        t.ok(thrown instanceof DomainError, `${from} → ${to} is refused`);
        const e = thrown as DomainError;
        t.equal(e.status, 409);
        t.equal(e.code, 'illegal_transition');
        t.same(e.extra, { from, to, allowed: expected[from] });
      }
    }
  });
}

t.test('the phase machine agrees with nextPhase', async (t) => {
  for (const p of phases) t.same(phaseMachine.allowed(p), nextPhase(p) ? [nextPhase(p)] : []);
});

t.test('a refusal that keeps an older code still carries { from, to, allowed }', async (t) => {
  // The 差评核实 loop replaced 回访's follow_up_* codes; call_back_already_given is a 409 of its own with the same shape.
  t.throws(() => followUpMachine.assert('follow-up', 'f1', 'closed', 'closed', { code: 'call_back_already_given' }), {
    status: 409,
    code: 'call_back_already_given',
    extra: { from: 'closed', to: 'closed', allowed: [] },
  });
  t.throws(() => problemMachine.assertOpen('problem', 'p1', 'verified'), { code: 'illegal_transition', extra: { from: 'verified', to: 'verified', allowed: [] } });
  t.doesNotThrow(() => problemMachine.assertOpen('problem', 'p1', 'open'));
});

t.test('through the API', async (t) => {
  const h = await setup(t);
  const shape = (body: Record<string, unknown>) => Object.keys(body).sort();

  t.test('an illegal complaint move is 409 illegal_transition with from, to and allowed', async (t) => {
    const c = await h.as('admin', {
      method: 'POST',
      url: '/api/v1/complaints',
      payload: { category: 'discipline', subject: '窗口人员上班玩游戏', description: '办税窗口工作人员在玩手机游戏', source: 'hotline' },
    });
    t.equal(c.statusCode, 201, c.body);
    const r = await h.as('admin', { method: 'POST', url: `/api/v1/complaints/${c.json().id}/start-investigation`, payload: {} });
    t.equal(r.statusCode, 409, r.body);
    t.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.match(r.json(), { type: 'urn:manyi:problem:illegal_transition', title: 'Conflict', status: 409, code: 'illegal_transition', from: 'received', to: 'investigating' });
    t.same(r.json().allowed, ['triaged']);
    t.same(shape(r.json()), ['allowed', 'code', 'detail', 'from', 'instance', 'status', 'title', 'to', 'type']);
  });

  t.test('an illegal cycle phase move is 409 illegal_transition with from, to and allowed', async (t) => {
    const c = await h.as('admin', { method: 'POST', url: '/api/v1/cycles', payload: { name: '非法跳转', year: 2024 } });
    t.equal(c.statusCode, 201, c.body);
    const r = await h.as('admin', { method: 'POST', url: `/api/v1/cycles/${c.json().id}/transitions`, payload: { to: 'ranking' }, headers: { 'if-match': '"1"' } });
    t.equal(r.statusCode, 409, r.body);
    t.match(r.json(), { code: 'illegal_transition', from: 'draft', to: 'ranking' });
    t.same(r.json().allowed, ['enrollment']);
    t.same(shape(r.json()), ['allowed', 'code', 'detail', 'from', 'instance', 'status', 'title', 'to', 'type']);
  });

  t.test('titles and details follow Accept-Language: zh-CN or English, the code never changes', async (t) => {
    const missing = '/api/v1/units/01900000-0000-7000-8000-000000000042';
    const en = await h.as('admin', { method: 'GET', url: missing });
    t.equal(en.statusCode, 404);
    t.match(en.json(), { title: 'Not Found', code: 'not_found', detail: /does not exist/ });
    t.equal(en.headers['content-language'], 'en');
    t.match(String(en.headers.vary), /accept-language/i);
    const zh = await h.as('admin', { method: 'GET', url: missing, headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } });
    t.match(zh.json(), { title: '未找到', code: 'not_found', type: 'urn:manyi:problem:not_found', detail: /不存在/ });
    t.equal(zh.headers['content-language'], 'zh-CN');
    t.equal(zh.headers['content-type'], 'application/problem+json; charset=utf-8');
    const preferEn = await h.as('admin', { method: 'GET', url: missing, headers: { 'accept-language': 'zh;q=0.5, en' } });
    t.equal(preferEn.json().title, 'Not Found', 'q-values decide');
    const invalid = await h.as('admin', { method: 'GET', url: '/api/v1/cycles?limit=0', headers: { 'accept-language': 'zh-Hans-CN' } });
    t.equal(invalid.statusCode, 400);
    t.match(invalid.json(), { title: '校验未通过', code: 'validation_failed', detail: /^请求不符合接口格式（querystring\.limit: / });
    t.equal(invalid.json().errors[0].field, 'querystring.limit', 'field names stay as they are');
    const route = await h.as('anonymous', { method: 'GET', url: '/api/v1/nowhere', headers: { 'accept-language': 'zh-CN' } });
    t.match(route.json(), { code: 'route_not_found', title: '未找到', detail: '没有接口 GET /api/v1/nowhere' });
    const unauth = await h.as('anonymous', { method: 'GET', url: '/api/v1/cycles', headers: { 'accept-language': 'zh-CN' } });
    t.match(unauth.json(), { code: 'unauthorized', title: '未认证' });
  });

  t.test('a malformed cursor is a declared 400, not an ad-hoc error', async (t) => {
    const r = await h.as('admin', { method: 'GET', url: '/api/v1/cycles?cursor=not-a-cursor' });
    t.equal(r.statusCode, 400, r.body);
    t.equal(r.json().code, 'invalid_cursor');
  });
});
