import t from 'tap';
import { PUBLIC_RATINGS_PER_MINUTE } from '../src/modules/ratings/rules.js';
import { referenceWorld } from './fixtures.js';
import { setup } from './helper.js';

const h = await setup(t);
const w = await referenceWorld(h);

t.test('the public rating route limits anonymous submissions per IP', async (t) => {
  const statuses: number[] = [];
  for (let i = 0; i <= PUBLIC_RATINGS_PER_MINUTE; i++) {
    const res = await h.as('anonymous', {
      method: 'POST',
      url: '/api/v1/public/ratings',
      payload: { unitId: w.units.taxHallA.id, channel: 'portal', level: 5, respondentKey: `1350000${String(i).padStart(4, '0')}` },
    });
    statuses.push(res.statusCode);
  }
  t.same(statuses.slice(0, PUBLIC_RATINGS_PER_MINUTE), Array(PUBLIC_RATINGS_PER_MINUTE).fill(201));
  t.equal(statuses[PUBLIC_RATINGS_PER_MINUTE], 429);
  const integration = await h.as({ role: 'integration', subject: 'portal' }, {
    method: 'POST',
    url: '/api/v1/public/ratings',
    payload: { unitId: w.units.taxHallA.id, channel: 'portal', level: 5, respondentKey: '13511112222' },
  });
  t.equal(integration.statusCode, 201, 'an integration is accountable through its token and not limited');
});
