import axios, { type AxiosInstance } from 'axios';
import { createSimulator as createOneLink } from '../cmcc-onelink';
import type { OneLinkSimulator } from '../cmcc-onelink/simulator';
import { createSimulator as createIntl, type IntlSimulator } from '../intl-1nce';
import { SimClock } from './clock';
import { FaultInjector } from './faults';
import { serve, type ServedSimulator } from './http-face';

/**
 * Token revocation injection (`tokenRevokeEverySeconds`): every N seconds of real elapsed time each token
 * issued before stops working with the platform's own expired-token answer. The simulators' real-time
 * source is replaced by a hand-driven one, so the tests do not depend on the machine's speed.
 */

describe('FaultInjector.revocationDue', () => {
  it('fires once per elapsed period, starting when the setting is made, and stops when it is cleared', () => {
    const f = new FaultInjector();
    expect(f.revocationDue(0)).toBe(false);
    f.configure({ tokenRevokeEverySeconds: 2 });
    expect(f.revocationDue(1000)).toBe(false); // schedule starts here
    expect(f.revocationDue(2999)).toBe(false);
    expect(f.revocationDue(3000)).toBe(true);
    expect(f.revocationDue(3500)).toBe(false);
    expect(f.revocationDue(9500)).toBe(true); // three instants passed without a request: one revocation
    expect(f.revocationDue(9600)).toBe(false);
    f.configure({ tokenRevokeEverySeconds: null });
    expect(f.revocationDue(20_000)).toBe(false);
    f.configure({ tokenRevokeEverySeconds: 1 });
    expect(f.revocationDue(20_000)).toBe(false);
    expect(f.revocationDue(21_000)).toBe(true);
    f.reset();
    expect(f.config.tokenRevokeEverySeconds).toBeNull();
    expect(f.revocationDue(30_000)).toBe(false);
  });
});

describe('token revocation on the OneLink simulator', () => {
  let sim: OneLinkSimulator;
  let served: ServedSimulator;
  let real = 0;
  let seq = 0;

  const transid = (): string =>
    `${sim.credentials.appid}${'20260310100000'}${String(++seq).padStart(8, '0')}`;
  const call = async (
    path: string,
    params: Record<string, string>,
  ): Promise<{ status: string; result: Array<Record<string, unknown>> }> => {
    const url = new URL(path, served.baseUrl);
    for (const [k, v] of Object.entries({ transid: transid(), ...params })) url.searchParams.set(k, v);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return (await res.json()) as { status: string; result: Array<Record<string, unknown>> };
  };
  const login = async (): Promise<string> => {
    const env = await call('get/token', { appid: sim.credentials.appid, password: sim.credentials.password });
    expect(env.status).toBe('0');
    return String(env.result[0].token);
  };
  const status = async (token: string): Promise<string> =>
    (await call('query/sim-status', { token, msisdn: sim.fleet.msisdnOf(0) })).status;

  beforeEach(async () => {
    real = 0;
    sim = createOneLink({ cards: 100, seed: 5, clock: SimClock.fixed('2026-03-10T10:00:00+08:00') });
    sim.realNow = () => real;
    served = await serve(sim);
  });
  afterEach(() => served.close());

  it('answers 12021 for every token issued before a revocation instant, set through POST /_sim/faults', async () => {
    const set = await fetch(served.origin + '/_sim/faults', {
      method: 'POST',
      body: JSON.stringify({ tokenRevokeEverySeconds: 5 }),
    });
    expect(((await set.json()) as { tokenRevokeEverySeconds: number }).tokenRevokeEverySeconds).toBe(5);
    real = 100; // the schedule starts at the first request after the setting
    const first = await login();
    real = 5_099;
    expect(await status(first)).toBe('0');
    real = 5_100;
    expect(await status(first)).toBe('12021');
    // get/token returns a fresh token (the old one is gone), which works until the next instant.
    const second = await login();
    expect(second).not.toBe(first);
    expect(await status(second)).toBe('0');
    real = 10_200;
    expect(await status(second)).toBe('12021');
    const third = await login();
    expect(await status(third)).toBe('0');
    const counters = (await (await fetch(served.origin + '/_sim/counters')).json()) as {
      faults: Record<string, number>;
    };
    expect(counters.faults.tokenRevocations).toBe(2);
    expect(counters.faults.tokensRevoked).toBe(2);
  });

  it('stops revoking when the setting is cleared', async () => {
    sim.faults.configure({ tokenRevokeEverySeconds: 1 });
    const token = await login();
    real = 900;
    expect(await status(token)).toBe('0');
    await fetch(served.origin + '/_sim/faults', {
      method: 'POST',
      body: JSON.stringify({ tokenRevokeEverySeconds: null }),
    });
    real = 60_000;
    expect(await status(token)).toBe('0');
    expect(sim.counters.faults.get('tokensRevoked')).toBeUndefined();
  });
});

describe('token revocation on the 1NCE simulator', () => {
  let sim: IntlSimulator;
  let served: ServedSimulator;
  let http: AxiosInstance;
  let real = 0;
  let creds: { username: string; password: string };

  const token = async (): Promise<string> => {
    const r = await http.post('oauth/token', { grant_type: 'client_credentials' }, { auth: creds });
    expect(r.status).toBe(200);
    return (r.data as { access_token: string }).access_token;
  };
  const list = async (bearer: string): Promise<number> =>
    (
      await http.get('v1/sims', {
        params: { page: 1, pageSize: 1 },
        headers: { authorization: `Bearer ${bearer}` },
      })
    ).status;

  beforeEach(async () => {
    real = 0;
    sim = createIntl({ cards: 100, seed: 5, clock: SimClock.fixed('2026-03-15T12:00:00Z') });
    sim.realNow = () => real;
    served = await serve(sim);
    const entry = sim.accountEntry(served.origin) as {
      baseUrl: string;
      credentials: { username: string; password: string };
    };
    creds = entry.credentials;
    http = axios.create({ baseURL: entry.baseUrl, validateStatus: () => true });
  });
  afterEach(() => served.close());

  it('answers 401 for every token minted before a revocation instant; tokens minted after work', async () => {
    await fetch(served.origin + '/_sim/faults', {
      method: 'POST',
      body: JSON.stringify({ tokenRevokeEverySeconds: 3 }),
    });
    const a = await token(); // schedule starts at real 0
    const b = await token();
    expect(await list(a)).toBe(200);
    real = 3_000;
    const after = await http.get('v1/sims', { headers: { authorization: `Bearer ${a}` } });
    expect(after.status).toBe(401);
    expect(after.data).toMatchObject({ statusCode: 401 });
    expect(await list(b)).toBe(401);
    const c = await token();
    expect(await list(c)).toBe(200);
    real = 5_999;
    expect(await list(c)).toBe(200);
    real = 6_000;
    expect(await list(c)).toBe(401);
    expect(sim.counters.faults.get('tokenRevocations')).toBe(2);
    expect(sim.counters.faults.get('tokensRevoked')).toBe(3);
  });
});
