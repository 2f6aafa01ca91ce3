import { CardStatus, cycleContaining, NotSupported, OperationState, OperationType, Rejected, usageSnapshot } from '@simgate/core';
import type { BatchResult, CardRecord, CardRef, CarrierAdapter, CarrierReceipt, Cursor, DailyUsage, InventoryPage } from '@simgate/core';
import type { OperationItemProgress, OperationOrder, OperationProgress, UsageSnapshot } from '@simgate/core';
import { accountOptions, overallState, PerCardAdapter } from '../toolkit';
import { IntlSupersimClient, intlSupersimCredentials } from './client';
import { errorTable } from './errors';
import { manifest, optionsSchema } from './manifest';
import { DAY_MS, decodeSim, mapSim, mapUsage, reportedUntil, ruleOf, SCHEDULED, statusOf, type StatusRule } from './map';
import { SIM, SIMS, SupersimReads, unknownSim, USAGE } from './reads';
import type { WireFleet, WireSim } from './wire';

function notSupported(what: string): NotSupported {
  return new NotSupported(`${manifest.id}: ${what} is not supported (manifest)`, { platform: manifest.id });
}

/** The raw status an order asks for, and the status the card shows once it applied. */
const TARGET: Partial<Record<OperationType, { raw: string; status: CardStatus }>> = {
  [OperationType.ACTIVATE]: { raw: 'active', status: CardStatus.ACTIVE },
  [OperationType.RESUME]: { raw: 'active', status: CardStatus.ACTIVE },
  [OperationType.SUSPEND]: { raw: 'inactive', status: CardStatus.SUSPENDED },
};

/**
 * Super SIM (carriers.md §6), one per account. Inventory and status come from the SIM list's pages; usage from
 * `/UsageRecords` grouped by SIM across the account, summed per SIM over its own current billing period (see
 * reads.ts for what is cached); `OVER_QUOTA` from that usage against the fleet's `data_limit`; changes are
 * `POST /Sims/{Sid}` confirmed by re-reading the SIM; a cap is a move to the fleet `options.capFleets` names.
 * It has no pools (the toolkit's PerCardAdapter refuses them and holds the account).
 */
export class IntlSupersimAdapter extends PerCardAdapter implements CarrierAdapter {
  readonly manifest = manifest;
  protected readonly errors = errorTable;
  readonly options = accountOptions(manifest.id, optionsSchema, this.config);
  private readonly client = new IntlSupersimClient(this.deps.http, this.config.baseUrl, intlSupersimCredentials(this.config.credentials));
  private readonly reads = new SupersimReads(this.client, this.options);
  /** The last status other than `scheduled` each card showed (carriers.md §5: `scheduled` keeps it). */
  private readonly seen = new Map<string, StatusRule>();

  /** One page of the SIM list; the cursor is the page's `next_page_url`. */
  async listCards(cursor: Cursor | null, _since: string | null, at: Date): Promise<InventoryPage> {
    if (cursor !== null && !/^(https?:\/\/|\/)/.test(cursor)) throw new Rejected(`${manifest.id} ${SIMS}: bad inventory cursor`, { platform: manifest.id });
    const page = await this.reads.listPage(cursor);
    const res = await this.records(page.items, [], at, this.reads.accountWide(page.items.length));
    return { cards: res.items, next: page.next, failures: res.failures };
  }

  async fetchCards(refs: CardRef[], at: Date): Promise<BatchResult<CardRecord>> {
    const wide = this.reads.accountWide(refs.length);
    const found: WireSim[] = [];
    const failures: BatchResult<CardRecord>['failures'] = [];
    if (wide) {
      const all = await this.reads.allSims(at);
      for (const r of refs) {
        const s = all.get(r.iccid);
        if (s) found.push(s);
        else failures.push({ iccid: r.iccid, error: unknownSim(r.iccid) });
      }
    } else {
      const res = await this.reads.perCard(refs, (r) => this.reads.simByIccid(r.iccid));
      found.push(...res.items);
      failures.push(...res.failures);
    }
    const res = await this.records(found, refs, at, wide);
    return { items: res.items, failures: [...failures, ...res.failures] };
  }

  /** SIMs → records: the fleet, the over-quota verdict of `active` SIMs, the status seen before a `scheduled` one. */
  private async records(sims: WireSim[], refs: readonly CardRef[], at: Date, wide: boolean): Promise<BatchResult<CardRecord>> {
    const fleets = sims.length ? await this.reads.fleets(at) : new Map<string, WireFleet>();
    const hints = new Map(refs.map((r) => [r.iccid, r.hints?.rawStatus]));
    const byIccid = new Map(sims.map((s) => [s.iccid, s]));
    return this.reads.perCard(
      sims.map((s) => ({ iccid: s.iccid })),
      async (ref) => {
        const sim = byIccid.get(ref.iccid)!;
        const fleet = sim.fleet_sid ? (fleets.get(sim.fleet_sid) ?? null) : null;
        const hint = hints.get(sim.iccid);
        const previous = this.seen.get(sim.iccid) ?? (hint && hint !== SCHEDULED && statusOf(hint).status !== CardStatus.UNKNOWN ? ruleOf(hint, false, null) : null);
        const record = mapSim(sim, { overQuota: await this.reads.overQuota(sim, fleet, at, wide), previous, fleet }, at);
        if (sim.status !== SCHEDULED) this.seen.set(sim.iccid, { status: record.status, reason: record.suspendReason });
        return record;
      },
    );
  }

  /** Each card's data in its own current billing period, in bytes, against its fleet's limit. */
  async fetchUsage(refs: CardRef[], at: Date): Promise<BatchResult<UsageSnapshot>> {
    const wide = this.reads.accountWide(refs.length);
    const all = wide ? await this.reads.allSims(at) : null;
    const fleets = await this.reads.fleets(at);
    return this.reads.perCard(refs, async (ref) => {
      let id: { sid: string; fleetSid: string | null };
      if (all) {
        const s = all.get(ref.iccid);
        if (!s) throw unknownSim(ref.iccid);
        id = { sid: s.sid, fleetSid: s.fleet_sid ?? null };
      } else id = await this.reads.sidOf(ref.iccid);
      const fleet = id.fleetSid ? (fleets.get(id.fleetSid) ?? null) : null;
      const period = await this.reads.period(id.sid, at);
      // A `new` SIM has no billing period and no usage: nothing in the account's month.
      if (!period) return usageSnapshot(ref.iccid, 0, fleet?.data_limit ? fleet.data_limit * 1_000_000 : null, cycleContaining(manifest.billingCycle, at), at);
      return mapUsage(ref.iccid, await this.reads.periodUsage(id.sid, period, at, wide), fleet, period, at);
    });
  }

  /** Daily usage from `Granularity=day` (UTC days, at most 3 months); a day without a record had no data. */
  async fetchDailyUsage(ref: CardRef, from: string, to: string, at: Date): Promise<DailyUsage[]> {
    if (!this.manifest.capabilities.dailyUsage) throw notSupported('daily usage');
    this.checkDays(from, to, USAGE);
    const start = Date.parse(`${from}T00:00:00Z`);
    const end = Math.min(Date.parse(`${to}T00:00:00Z`) + DAY_MS, reportedUntil(at));
    const { sid } = await this.reads.sidOf(ref.iccid);
    const bytes = await this.reads.daily(sid, start, end);
    const out: DailyUsage[] = [];
    for (let d = start; d < end; d += DAY_MS) {
      const day = new Date(d).toISOString().slice(0, 10);
      out.push({ iccid: ref.iccid, day, usedBytes: bytes.get(day) ?? 0 });
    }
    return out;
  }

  /** `POST /Sims/{Sid}` (one SIM per order): `Status=active|inactive`, or `Fleet=HF…` for a cap. */
  async submit(order: OperationOrder, refs: CardRef[], at: Date): Promise<CarrierReceipt> {
    if (!this.manifest.capabilities.operations.includes(order.type)) throw notSupported(`operation ${order.type}`);
    if (order.iccids.length !== 1) throw new Rejected(`${manifest.id}: an order names 1 SIM, got ${order.iccids.length}`, { platform: manifest.id });
    const params = this.changeOf(order);
    const { sid } = await this.reads.sidOf((refs[0] ?? { iccid: order.iccids[0] }).iccid);
    const a = await this.client.call({ method: 'POST', path: `Sims/${sid}`, endpoint: SIM, params, order: true });
    if (a.res.body.trim()) decodeSim(a.res.body, this.reads.ctx(SIM, a));
    return {
      type: order.type,
      iccids: [...order.iccids],
      confirmBy: 'STATUS',
      carrierRef: sid,
      expectedStatus: TARGET[order.type]?.status ?? null,
      submittedAt: at,
      raw: { sid, ...params, httpStatus: a.res.status },
    };
  }

  private changeOf(order: OperationOrder): Record<string, string> {
    const target = TARGET[order.type];
    if (target) return { Status: target.raw };
    const cap = order.params.capMb;
    const fleet = cap === null || cap === undefined ? undefined : this.options.capFleets[String(cap)];
    if (!fleet) {
      const known = Object.keys(this.options.capFleets).join(', ') || 'none';
      throw new Rejected(`${manifest.id}: no fleet for a cap of ${cap ?? 'none'} MB in the account's options.capFleets (caps: ${known})`, { platform: manifest.id });
    }
    return { Fleet: fleet };
  }

  /** Each SIM re-read: done on the target, waiting while `scheduled`, failed on anything else (carriers.md §6). */
  async progress(receipt: CarrierReceipt, _refs: CardRef[], _at: Date): Promise<OperationProgress> {
    const target = TARGET[receipt.type];
    const fleet = typeof receipt.raw?.Fleet === 'string' ? receipt.raw.Fleet : null;
    if (!target && !fleet) throw notSupported(`operation ${receipt.type}`);
    const items: OperationItemProgress[] = [];
    for (const iccid of receipt.iccids) {
      const sid = receipt.iccids.length === 1 && receipt.carrierRef ? receipt.carrierRef : (await this.reads.sidOf(iccid)).sid;
      const a = await this.client.call({ method: 'GET', path: `Sims/${sid}`, endpoint: SIM });
      const sim = decodeSim(a.res.body, this.reads.ctx(SIM, a));
      const done = target ? sim.status === target.raw : sim.status !== SCHEDULED && sim.fleet_sid === fleet;
      if (done) items.push({ iccid, state: OperationState.COMPLETED });
      else if (sim.status === SCHEDULED) items.push({ iccid, state: OperationState.SUBMITTED, message: 'scheduled: the change is being applied' });
      else items.push({ iccid, state: OperationState.FAILED, message: `status ${sim.status}${fleet ? `, fleet ${sim.fleet_sid}` : ''}: the change did not apply` });
    }
    return { state: overallState(items), items };
  }
}
