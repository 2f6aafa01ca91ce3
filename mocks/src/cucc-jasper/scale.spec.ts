import { SimClock } from '../sim/clock';
import { serve } from '../sim/http-face';
import { createSimulator } from './index';

type Json = Record<string, unknown>;

/** 1,000,000 devices are derived, not stored: the far end of the inventory answers as fast as its start. */
describe('cucc-jasper at fleet scale', () => {
  it('1,000,000 devices: the first page of a full sync and the last page answer quickly', async () => {
    const sim = createSimulator({ cards: 1_000_000, seed: 9, clock: SimClock.fixed('2026-03-10T10:00:00+08:00') });
    const served = await serve(sim);
    const authorization = 'Basic ' + Buffer.from(`${sim.credentials.username}:${sim.credentials.apiKey}`).toString('base64');
    const devicesPage = async (pageNumber: number): Promise<Json> => {
      const url = new URL('devices', served.baseUrl);
      for (const [k, v] of Object.entries({ modifiedSince: '2015-01-01T00:00:00Z', pageSize: '50', pageNumber: String(pageNumber) })) url.searchParams.set(k, v);
      const res = await fetch(url, { headers: { authorization, 'content-type': 'application/json' } });
      expect(res.status).toBe(200);
      return (await res.json()) as Json;
    };
    try {
      const t0 = Date.now();
      const first = await devicesPage(1);
      expect((first.devices as Json[])[0].iccid).toBe(sim.fleet.iccidOf(0));
      const last = await devicesPage(20_000);
      expect(last.lastPage).toBe(true);
      expect((last.devices as Json[]).length).toBe(50);
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      await served.close();
    }
  });
});
