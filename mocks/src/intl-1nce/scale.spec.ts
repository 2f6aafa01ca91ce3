import { SimClock } from '../sim/clock';
import type { SimRequest } from '../sim/types';
import { createSimulator } from './index';

/** 1,000,000 SIMs are derived, not stored: sweeping the whole fleet and changing 10,000 SIMs stays small. */
describe('intl-1nce at fleet scale', () => {
  it('pages through 1,000,000 SIMs and keeps state only for what changed', async () => {
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const clock = SimClock.fixed('2026-03-15T12:00:00Z');
    const sim = createSimulator({ cards: 1_000_000, seed: 5, clock, orderDelayMs: 60_000, quotaFactor: 1_000_000 });
    const basic = 'Basic ' + Buffer.from(`${sim.credentials.username}:${sim.credentials.password}`).toString('base64');
    const tokenRes = await sim.handle({ method: 'POST', path: 'oauth/token', query: {}, headers: { authorization: basic }, body: '{"grant_type":"client_credentials"}' });
    const bearer = `Bearer ${(JSON.parse(tokenRes.body) as { access_token: string }).access_token}`;
    const listReq: SimRequest = { method: 'GET', path: 'v1/sims', query: { page: '1', pageSize: '100' }, headers: { authorization: bearer }, body: '' };
    let seen = 0;
    const quotaIds = [0, 0, 0];
    for (let page = 1; page <= 10_001; page++) {
      listReq.query.page = String(page);
      const r = await sim.handle(listReq);
      expect(r.status).toBe(200);
      const body = JSON.parse(r.body) as Array<{ quota_status: { id: number } }>;
      seen += body.length;
      if (page % 101 === 0) for (const s of body) quotaIds[s.quota_status.id]++;
      if (page === 10_001) expect(body).toEqual([]);
    }
    expect(seen).toBe(1_000_000);
    expect(quotaIds.every((n) => n > 0)).toBe(true);
    expect(sim.fleet.indexOf(sim.fleet.iccidWithLuhnOf(999_999))).toBe(999_999);
    let changes = 0;
    for (let i = 0; changes < 10_000; i++) {
      const v = sim.card(i);
      if (v.expiryMs === null || v.expiryMs <= clock.nowMs()) continue;
      const iccid = v.base.iccid;
      const r = await sim.handle({ method: 'PUT', path: `v1/sims/${iccid}`, query: {}, headers: { authorization: bearer }, body: JSON.stringify({ iccid, status: 'Disabled' }) });
      expect(r.status).toBe(200);
      changes++;
    }
    clock.advance(60_000);
    for (const i of [...sim.fleet.pending.keys()]) sim.fleet.settle(i, clock.nowMs());
    expect(sim.fleet.states.size).toBe(10_000);
    expect(sim.fleet.pending.size).toBe(0);
    global.gc?.();
    expect((process.memoryUsage().heapUsed - heapBefore) / 1_048_576).toBeLessThan(60);
    // Process RSS is not asserted here: a Jest worker carries what earlier suites left behind. The RSS of the
    // four simulators at 1,000,000 cards each is measured on `npm run mocks` (mocks/README.md).
  }, 120_000);
});
