import t from 'tap';
import Fastify from 'fastify';
import pg from 'pg';
import { DrizzleQueryError } from 'drizzle-orm';
import errorsPlugin from '../src/plugins/errors.js';
import { TEST_DATABASE_URL, gql, onPglite, setup } from './helper.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `ready` every 10 ms; fails the wait (never hangs) after `ms`. */
async function until(ready: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

t.test('the errors plugin answers a lost database connection with 503 database_unavailable and Retry-After', async (t) => {
  const app = Fastify();
  await app.register(errorsPlugin);
  const lost: Record<string, Error> = {
    admin_shutdown: withCode('terminating connection due to administrator command', '57P01'),
    cannot_connect_now: withCode('the database system is starting up', '57P03'),
    connection_failure: withCode('connection failure', '08006'),
    terminated: new DrizzleQueryError('insert into "regions" …', [], new Error('Connection terminated unexpectedly')),
    not_queryable: new DrizzleQueryError('rollback', [], new Error('Client has encountered a connection error and is not queryable')),
    refused: withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
    refused_every_address: Object.assign(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], ''), {}),
    reset: withCode('read ECONNRESET', 'ECONNRESET'),
  };
  for (const [name, err] of Object.entries(lost)) {
    app.get(`/${name}`, async () => {
      throw err;
    });
  }
  app.get('/duplicate', async () => {
    throw new DrizzleQueryError('insert', [], withCode('duplicate key value', '23505'));
  });
  app.get('/bug', async () => {
    throw new TypeError('undefined is not a function');
  });
  t.teardown(() => app.close());

  for (const name of Object.keys(lost)) {
    const res = await app.inject({ method: 'GET', url: `/${name}` });
    t.equal(res.statusCode, 503, `${name}: 503`);
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.match(res.headers['retry-after'], /^[1-5]$/, `${name}: Retry-After in seconds`);
    t.equal(res.json().code, 'database_unavailable');
  }
  const duplicate = await app.inject({ method: 'GET', url: '/duplicate' });
  t.equal(duplicate.statusCode, 409, 'a statement error is still the statement\'s error');
  const bug = await app.inject({ method: 'GET', url: '/bug' });
  t.equal(bug.statusCode, 500, 'anything else is still a 500');
  t.notOk(bug.headers['retry-after']);
});

t.test('PostgreSQL going away under the service', { skip: onPglite && 'terminates PostgreSQL backends' }, async (t) => {
  const h = await setup(t);
  const pool = h.database.pool!;
  // h.sql runs on the app's own pool, whose connections are the ones terminated: inspect through a separate session.
  const admin = new pg.Client({ connectionString: (pool.options as { connectionString: string }).connectionString });
  await admin.connect();
  // Dropping the test database at teardown ends this session too, whichever teardown runs first.
  admin.on('error', () => undefined);
  // pg_stat_activity is a snapshot taken once per transaction: cleared first, every look sees the backends as they are now.
  const activity = async <T>(text: string) => {
    await admin.query('select pg_stat_clear_snapshot()');
    return (await admin.query(text)).rows as T[];
  };
  const adminSql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await admin.query(text, params)).rows as T[];
  /** Kills every backend of the service's database but this session, waiting (bounded) until each has exited. */
  const terminate = async () =>
    (
      await activity<{ n: number }>(
        'select count(*)::int as n from (select pg_terminate_backend(pid, 2000) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()) k',
      )
    )[0].n;
  const region = (code: string) => ({ method: 'POST' as const, url: '/api/v1/regions', payload: { level: 'prefecture', code, nameZh: `测试州${code}` } });

  t.test('after its idle connections are terminated, the next requests succeed on new ones', async (t) => {
    await Promise.all([1, 2, 3].map(() => h.as('admin', { method: 'GET', url: '/api/v1/regions' })));
    t.ok((await terminate()) >= 1, 'the pool had connections to terminate');
    // The pool drops a dead idle client when its socket reports the loss; a request a moment earlier would get a 503.
    await until(() => pool.idleCount === 0, 2000, 'the pool to drop its dead clients');
    t.equal((await h.as('admin', { method: 'GET', url: '/api/v1/regions' })).statusCode, 200);
    t.equal((await h.as('admin', region('IDLE1'))).statusCode, 201);
    t.equal((await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  });

  t.test('a write whose connection dies inside its transaction gets 503 with Retry-After, and nothing of it is saved', async (t) => {
    // Holding the table lock parks both writes inside their transactions, so the termination is sure to catch them there.
    await admin.query('begin');
    await admin.query('lock table regions in access exclusive mode');
    const rest = h.as('admin', region('LOCKED1'));
    const graphql = gql(h, 'admin', 'mutation { createRegion(input: { level: prefecture, code: "LOCKED2", nameZh: "锁州" }) { id } }');
    try {
      await until(
        async () => (await activity<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"))[0].n >= 2,
        5000,
        'both writes to wait on the lock',
      );
      t.ok((await terminate()) >= 2);
    } finally {
      await admin.query('rollback');
    }
    const res = await rest;
    t.equal(res.statusCode, 503);
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.match(res.headers['retry-after'], /^[1-5]$/);
    t.equal(res.json().code, 'database_unavailable');
    const g = await graphql;
    t.equal(g.data, null);
    t.equal(g.errors?.[0].extensions?.code, 'database_unavailable');
    t.same(await adminSql("select code from regions where code in ('LOCKED1', 'LOCKED2')"), []);
    t.same(await adminSql("select seq from audit_log where action = 'region.created' and after->>'code' in ('LOCKED1', 'LOCKED2')"), []);
  });

  t.test('under concurrent writes, backends terminated three times: every write is committed and acknowledged, or refused with 503', { timeout: 20_000 }, async (t) => {
    const attempted = 40;
    const started = Date.now();
    let finished = 0;
    const writes = Array.from({ length: attempted }, (_, i) =>
      h.as('admin', region(`LOAD${i}`)).finally(() => {
        finished++;
      }),
    );
    // Terminate at a quarter, half and three quarters done: writes are still running (and in transactions) each time.
    let terminations = 0;
    for (const share of [0.25, 0.5, 0.75]) {
      await until(() => finished >= attempted * share, 10_000, `${share * 100}% of the writes`);
      await terminate();
      terminations++;
    }
    const responses = await Promise.all(writes);
    const elapsed = Date.now() - started;

    const acknowledged = responses.filter((r) => r.statusCode === 201).map((r) => r.json().id as string);
    const refused = responses.filter((r) => r.statusCode === 503);
    t.same(
      responses.filter((r) => r.statusCode !== 201 && r.statusCode !== 503).map((r) => `${r.statusCode} ${r.body}`),
      [],
      'every response is 201 or 503',
    );
    for (const r of refused) {
      t.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
      t.match(r.headers['retry-after'], /^[1-5]$/);
      t.equal(r.json().code, 'database_unavailable');
    }
    const saved = await adminSql<{ id: string }>('select id from regions where id = any($1)', [acknowledged]);
    const audited = await adminSql<{ entity_id: string }>("select entity_id from audit_log where action = 'region.created' and entity_id = any($1)", [acknowledged]);
    const lost = acknowledged.filter((id) => !saved.some((s) => s.id === id) || !audited.some((a) => a.entity_id === id));
    t.same(lost, [], 'every acknowledged write is in the database and in the audit log');
    t.comment(`writes attempted ${attempted}, 201 ${acknowledged.length}, 503 ${refused.length}, lost ${lost.length}, terminations ${terminations}, ${elapsed} ms`);

    t.equal((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the process still serves');
    // As a client honouring Retry-After would (shortened): the last termination's dead idle clients are dropped by then.
    await until(async () => (await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, 5000, '/readyz to be 200');
    t.equal((await h.as('admin', region('AFTER1'))).statusCode, 201, 'a fresh write succeeds');
    t.ok(Date.now() - started < 20_000, 'bounded');
  });

  t.test('/readyz is 503 while the database refuses connections, and 200 again by itself once it accepts them', async (t) => {
    const [{ name }] = await adminSql<{ name: string }>('select current_database() as name');
    // A database cannot shut its doors from inside: this runs from the server's maintenance database.
    const server = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await server.connect();
    t.teardown(() => server.end());
    await server.query(`alter database "${name}" allow_connections false`);
    try {
      await terminate();
      await until(() => pool.idleCount === 0, 2000, 'the pool to drop its dead clients');
      const down = await h.app.inject({ method: 'GET', url: '/readyz' });
      t.equal(down.statusCode, 503);
      t.equal(down.json().code, 'database_unreachable');
    } finally {
      await server.query(`alter database "${name}" allow_connections true`);
    }
    t.equal((await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  });

  t.teardown(() => admin.end());
});
