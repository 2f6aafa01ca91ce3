import { SimClock } from '../../sim/clock';
import type { SimRequest } from '../../sim/types';
import { createSimulator } from '../index';

/** A month-boundary scenario whose answers depend on UTC calendar arithmetic. */
export async function monthBoundary(): Promise<Record<string, unknown>> {
  const clock = SimClock.fixed('2026-03-31T23:59:00Z');
  const sim = createSimulator({ cards: 2000, seed: 7, clock, orderDelayMs: 60_000, quotaFactor: 1000 });
  const basic = 'Basic ' + Buffer.from(`${sim.credentials.username}:${sim.credentials.password}`).toString('base64');
  const send = async (method: string, path: string, query: Record<string, string> = {}, body = '', auth?: string) => {
    const req: SimRequest = { method, path, query, headers: { authorization: auth ?? '' }, body };
    const r = await sim.handle(req);
    return { status: r.status, body: r.body, headers: r.headers ?? {} };
  };
  const tokenBody = JSON.parse((await send('POST', 'oauth/token', {}, '{"grant_type":"client_credentials"}', basic)).body) as { access_token: string };
  const bearer = `Bearer ${tokenBody.access_token}`;
  const i = sim.fleet.find((b) => b.status === 'Enabled' && b.activatedAtMs !== null && b.expiredAtMs === null);
  const iccid = sim.fleet.iccidOf(i);
  const out: Record<string, unknown> = {};
  out.sim = (await send('GET', `v1/sims/${iccid}`, {}, '', bearer)).body;
  out.quota = (await send('GET', `v1/sims/${iccid}/quota/data`, {}, '', bearer)).body;
  out.march = (await send('GET', `v1/sims/${iccid}/usage`, { start_dt: '2026-03-29', end_dt: '2026-04-30' }, '', bearer)).body;
  out.tooOld = (await send('GET', `v1/sims/${iccid}/usage`, { start_dt: '2025-09-29', end_dt: '2025-10-01' }, '', bearer)).status;
  out.oldest = (await send('GET', `v1/sims/${iccid}/usage`, { start_dt: '2025-09-30', end_dt: '2025-10-01' }, '', bearer)).status;
  clock.set('2026-04-01T00:30:00Z');
  out.april = (await send('GET', `v1/sims/${iccid}/usage`, { start_dt: '2026-04-01', end_dt: '2026-04-30' }, '', bearer)).body;
  out.tooOldInApril = (await send('GET', `v1/sims/${iccid}/usage`, { start_dt: '2025-09-30', end_dt: '2025-10-01' }, '', bearer)).status;
  out.oldestInApril = (await send('GET', `v1/sims/${iccid}/usage`, { start_dt: '2025-10-01', end_dt: '2025-10-01' }, '', bearer)).status;
  out.list = (await send('GET', 'v1/sims', { page: '1', pageSize: '20' }, '', bearer)).body;
  const inv = sim.fleet.find((b) => b.activatedAtMs === null);
  out.forceActivateAt = sim.fleet.base(inv).forceActivateAtMs;
  out.shippedAt = sim.fleet.base(inv).shippedAtMs;
  // Forced activations of every unactivated card: calendar months added in UTC.
  out.forced = [];
  for (let k = 0; k < sim.fleet.size; k++) {
    const b = sim.fleet.base(k);
    if (b.activatedAtMs === null) (out.forced as Array<[number, number | null]>).push([b.shippedAtMs, b.forceActivateAtMs]);
  }
  return out;
}
