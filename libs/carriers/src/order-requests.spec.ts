import { CardStatus, OperationType, type CardRef, type CarrierAdapter, type HttpPort, type HttpRequest, type HttpResponse } from '@simgate/core';
import { SimClock, createSimulators, type ControlledSimulator, type SimulatorSet } from '@simgate/mocks';
import type { OneLinkSimulator } from '@simgate/mocks/cmcc-onelink';
import type { JasperSimulator } from '@simgate/mocks/cucc-jasper';
import { platform as ctcc } from './ctcc-cmp';
import { platform as jasper } from './cucc-jasper';
import { platform as onelink } from './cmcc-onelink';
import { platform as intl } from './intl-1nce';
import { sendContext, withSendContext } from './toolkit/send-context';

/**
 * The order requests of every adapter's `submit` are marked `order: true` (the sync engine marks items sent in
 * `beforeSend`, once the request holds its quota slot), and only those: token fetches and reads are not. Runs the
 * adapters against the simulators in process through an HttpPort that calls `beforeSend` as the HTTP layer does.
 */

const ORIGIN = 'http://sim.test';
const NOW = '2026-03-10T04:00:00Z';

interface Sent {
  method: string;
  endpoint: string;
  order: boolean;
}

/** Hands requests to the simulator; records each, calling the context's beforeSend for order requests first. */
function simPort(sim: ControlledSimulator, sent: Sent[]): HttpPort {
  return {
    async send(req: HttpRequest): Promise<HttpResponse> {
      if (req.order) await sendContext()?.beforeSend?.(req);
      sent.push({ method: req.method, endpoint: req.endpoint, order: req.order === true });
      const u = new URL(req.url);
      const path = u.pathname.slice(sim.basePath.length);
      const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      const body = req.body === undefined ? '' : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      if (req.body !== undefined && typeof req.body !== 'string') headers['content-type'] = 'application/json';
      const res = await sim.handle({ method: req.method, path, query: req.query ?? {}, headers, body });
      return { status: res.status, headers: res.headers ?? {}, body: res.body };
    },
  };
}

let sims: SimulatorSet;
let clock: SimClock;
beforeEach(() => {
  clock = SimClock.fixed(NOW);
  sims = createSimulators({ cards: 30, seed: 11, clock, orderDelayMs: 60_000, quotaFactor: 1000 });
});

function connect(p: typeof onelink, sim: ControlledSimulator, sent: Sent[]): CarrierAdapter {
  const entry = sim.accountEntry(ORIGIN) as { id: string; platform: string; baseUrl: string; credentials: Record<string, string> };
  return p.connect({ id: entry.id, platform: entry.platform, baseUrl: entry.baseUrl, credentials: entry.credentials }, { http: simPort(sim, sent), now: () => clock.now() });
}

/** Active cards of a simulator, read through the adapter (ICCIDs from the sim's listing or order list). */
async function activeRefs(adapter: CarrierAdapter, iccids: string[], n: number): Promise<CardRef[]> {
  const read = await adapter.fetchCards(iccids.map((iccid) => ({ iccid })), clock.now());
  const active = read.items.filter((c) => c.status === CardStatus.ACTIVE && !c.suspendReasons.length);
  if (active.length < n) throw new Error(`only ${active.length} active cards`);
  return active.slice(0, n).map((c) => ({ iccid: c.iccid, msisdn: c.msisdn }));
}

function iccidsOf(sim: ControlledSimulator & { fleet?: { iccidOf(i: number): string } }, platformId: string): string[] {
  const out: string[] = [];
  if (platformId === 'cmcc-onelink') {
    for (const chunk of sims.get<OneLinkSimulator>('cmcc-onelink').orderListLines()) for (const line of chunk.split('\n').slice(1)) if (line) out.push(line.split(',')[0]);
    return out.filter((x) => /^\d+$/.test(x)).slice(0, 30);
  }
  if (platformId === 'cucc-jasper') {
    for (let i = 0; i < 30; i++) out.push(sims.get<JasperSimulator>('cucc-jasper').fleet.iccidOf(i));
    return out;
  }
  throw new Error(`no listing for ${sim.platform}`);
}

describe('order requests are marked `order: true`, and nothing else is', () => {
  const cases = [
    { name: 'cmcc-onelink', p: onelink, n: [1, 3], orderEndpoints: ['change/sim-status', 'change/sim-status/batch'] },
    { name: 'cucc-jasper', p: jasper, n: [1], orderEndpoints: ['devices/{iccid}'] },
    { name: 'ctcc-cmp', p: ctcc, n: [1], orderEndpoints: ['disabledNumber'] },
    { name: 'intl-1nce', p: intl, n: [1, 3], orderEndpoints: ['v1/sims/{iccid}', 'v1/sims'] },
  ] as const;
  for (const c of cases) {
    it(`${c.name}: SUSPEND submissions mark the change request only; beforeSend runs before it leaves`, async () => {
      const sim = sims.get(c.name);
      const sent: Sent[] = [];
      const adapter = connect(c.p as typeof onelink, sim, sent);
      let refs: CardRef[];
      if (c.name === 'ctcc-cmp' || c.name === 'intl-1nce') {
        const page = await adapter.listCards(null, null, clock.now());
        refs = await activeRefs(adapter, page.cards.map((x) => x.iccid).slice(0, 30), 4);
      } else refs = await activeRefs(adapter, iccidsOf(sim, c.name), 4);
      let used = 0;
      for (const n of c.n) {
        const batch = refs.slice(used, used + n);
        used += n;
        sent.length = 0;
        const ordersBefore = sim.counters.orders.length;
        const calls: number[] = [];
        await withSendContext(
          {
            beforeSend: async () => {
              // Called with the order not yet at the carrier.
              calls.push(sim.counters.orders.length - ordersBefore);
            },
          },
          () => adapter.submit({ type: OperationType.SUSPEND, iccids: batch.map((r) => r.iccid), params: {}, idempotencyKey: `k-${c.name}-${n}` }, batch, clock.now()),
        );
        const orders = sent.filter((s) => s.order);
        expect(orders.length).toBe(1);
        expect(c.orderEndpoints).toContain(orders[0].endpoint);
        expect(calls).toEqual([0]);
        expect(sim.counters.orders.length - ordersBefore).toBe(n);
        // Reads and token fetches before it are not orders.
        for (const s of sent.filter((x) => !x.order)) expect(c.orderEndpoints).not.toContain(s.endpoint);
      }
    });
  }

  it('a beforeSend that throws keeps the order from leaving', async () => {
    const sim = sims.get('cucc-jasper');
    const sent: Sent[] = [];
    const adapter = connect(jasper as unknown as typeof onelink, sim, sent);
    const [ref] = await activeRefs(adapter, iccidsOf(sim, 'cucc-jasper'), 1);
    const before = sim.counters.orders.length;
    await expect(
      withSendContext({ beforeSend: async () => Promise.reject(new Error('taken by another run')) }, () =>
        adapter.submit({ type: OperationType.SUSPEND, iccids: [ref.iccid], params: {}, idempotencyKey: 'k' }, [ref], clock.now()),
      ),
    ).rejects.toThrow('taken by another run');
    expect(sim.counters.orders.length).toBe(before);
  });
});

describe('Jasper pendingOrders: the audit trail shows a status change asked and not yet applied', () => {
  it('pending after the PUT, not before it and not once it applied', async () => {
    const sim = sims.get('cucc-jasper');
    const sent: Sent[] = [];
    const adapter = connect(jasper as unknown as typeof onelink, sim, sent);
    const refs = await activeRefs(adapter, iccidsOf(sim, 'cucc-jasper'), 2);
    const pending = async () => new Map((await adapter.pendingOrders!(refs, clock.now())).items.map((p) => [p.iccid, p.pending]));
    expect(await pending()).toEqual(new Map(refs.map((r) => [r.iccid, false])));
    await adapter.submit({ type: OperationType.SUSPEND, iccids: [refs[0].iccid], params: {}, idempotencyKey: 'k' }, [refs[0]], clock.now());
    expect(await pending()).toEqual(new Map([[refs[0].iccid, true], [refs[1].iccid, false]]));
    clock.advance(61_000);
    expect(await pending()).toEqual(new Map(refs.map((r) => [r.iccid, false])));
    const read = await adapter.fetchCards([refs[0]], clock.now());
    expect(read.items[0].status).toBe(CardStatus.SUSPENDED);
  });
});
