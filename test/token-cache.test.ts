import t from 'tap';
import { mintToken } from '../src/lib/keys.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

// Verified tokens are kept in memory until they expire (plugins/auth.ts): what a caller sees must not change.
const h = await setup(t, { config: { JWT_CLOCK_TOLERANCE_SECONDS: 0 } });
const w = await referenceWorld(h);
const sign = (claims: Parameters<typeof mintToken>[1], ttlSeconds: number) =>
  mintToken(h.keys, claims, { issuer: h.config.JWT_ISSUER, audience: h.config.JWT_AUDIENCE, ttlSeconds });

t.test('a token verified before is refused once it expires, though it was kept', async (t) => {
  // exp is in whole seconds: 3 s of life leave at least 2 s for the first two requests on a loaded machine.
  const token = await sign({ role: 'admin' }, 3);
  const { exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number };
  const get = () => h.app.inject({ method: 'GET', url: '/api/v1/regions', headers: { authorization: `Bearer ${token}` } });
  t.equal((await get()).statusCode, 200);
  t.equal((await get()).statusCode, 200, 'again, from memory');
  // Until the token's own expiry has passed (not a fixed pause), so the refusal is the expiry's.
  await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 100));
  const late = await get();
  t.equal(late.statusCode, 401);
  t.equal(late.json().code, 'unauthorized');
});

t.test('kept tokens keep their own scope: two unit tokens each read only their own unit', async (t) => {
  const station = w.units.forestStation.id;
  const hall = w.units.taxHallA.id;
  const tokens = { [station]: await sign({ role: 'unit', unitId: station }, 600), [hall]: await sign({ role: 'unit', unitId: hall }, 600) };
  const read = (token: string, unitId: string) =>
    h.app.inject({ method: 'GET', url: `/api/v1/units/${unitId}/inspection-feedback`, headers: { authorization: `Bearer ${token}` } });
  for (let i = 0; i < 3; i++) {
    for (const [own, other] of [[station, hall], [hall, station]]) {
      t.equal((await read(tokens[own], own)).statusCode, 200, `round ${i}: its own unit`);
      const theirs = await read(tokens[own], other);
      t.equal(theirs.statusCode, 404, `round ${i}: not the other (not visible to it)`);
    }
  }
  const forged = `${tokens[station].slice(0, -4)}AAAA`;
  t.equal((await read(forged, station)).statusCode, 401, 'a changed token is a new token, verified afresh');
});
