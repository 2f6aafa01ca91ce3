import { SimClock } from '../../sim/clock';
import { naturalOrdering, splitKey, strEnc } from '../des';
import { createSimulator } from '../index';

/** A month-boundary scenario whose every answer depends on Asia/Shanghai calendar arithmetic. */
export async function monthBoundary(): Promise<Record<string, unknown>> {
  const clock = SimClock.fixed('2026-03-31T15:59:00Z'); // 23:59 on March 31 in Shanghai
  const sim = createSimulator({ cards: 2000, seed: 42, clock, orderDelayMs: 3_600_000, quotaFactor: 1000 });
  const { userId, password, key } = sim.credentials;
  const [k1, k2, k3] = splitKey(key);
  const signed: Record<string, string[]> = { IMEIReRecord: ['action'] };
  const call = async (method: string, params: Record<string, string>): Promise<string> => {
    const values = [userId, password, method];
    if (params.access_number) values.push(params.access_number);
    for (const n of signed[method] ?? []) values.push(params[n]);
    const query = { method, user_id: userId, passWord: strEnc(password, k1, k2, k3), sign: strEnc(naturalOrdering(values), k1, k2, k3), ...params };
    return (await sim.handle({ method: 'GET', path: '', query, headers: {}, body: '' })).body;
  };
  const i = sim.fleet.find((b) => b.status === '4' && b.thresholdMb === null && b.dailyMeanBytes > 5 * 1_048_576);
  const msisdn = sim.fleet.msisdnOf(i);
  const out: Record<string, unknown> = {};
  out.before = await call('queryTraffic', { access_number: msisdn, needDtl: '1' });
  out.page1 = await call('getSIMList', { pageIndex: '1' });
  out.status = await call('queryCardMainStatus', { access_number: msisdn });
  out.rebinds = [];
  for (const imei of ['864000000000011', '864000000000029', '864000000000037']) (out.rebinds as string[]).push(await call('IMEIReRecord', { access_number: msisdn, action: 'ADD', imei }));
  clock.set('2026-03-31T16:01:00Z'); // 00:01 on April 1 in Shanghai
  out.after = await call('queryTraffic', { access_number: msisdn, needDtl: '1' });
  out.byDate = await call('queryTrafficByDate', { access_number: msisdn, startDate: '20260330', endDate: '20260401', needDtl: '1' });
  out.rebindNextMonth = await call('IMEIReRecord', { access_number: msisdn, action: 'ADD', imei: '864000000000045' });
  const inv = sim.fleet.find((b) => b.status === '1');
  out.forceActivateAt = sim.fleet.base(inv).forceActivateAtMs;
  return out;
}
