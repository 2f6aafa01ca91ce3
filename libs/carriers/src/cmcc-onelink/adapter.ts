import { addInZone, CardStatus, dayInZone, isCarrierError, NotSupported, Rejected, SHANGHAI } from '@simgate/core';
import type { AdapterDeps, CarrierAccountConfig, CarrierAdapter, Cursor, InventoryPage } from '@simgate/core';
import type { BatchResult, CardRecord, CardRef, DailyUsage, UsageSnapshot } from '@simgate/core';
import type { CarrierReceipt, OperationOrder, OperationProgress, PoolMembersPage, PoolRecord } from '@simgate/core';
import { DateTime } from 'luxon';
import type { ZodType, ZodTypeDef } from 'zod';
import { accountOptions, cardScoped, chunks, mapped, mappingFailure, readPerCard, requireCredentials, uniqueRefs } from '../toolkit';
import { CmccOnelinkClient } from './client';
import { errorTable } from './errors';
import { manifest, optionsSchema, type Options } from './manifest';
import { byIccid, codeSetOf, isStopped, mapCard, mapDailyUsage, mapMonthlyUsage, mapUsage, statusRule, type CodeSet } from './map';
import { BATCH_LIMIT, orderProgress, submitOrder } from './orders';
import { listPoolMembers, listPools } from './pools';
import {
  batchDataAmountSchema,
  simBasicInfoSchema,
  simCardInfoSchema,
  simDataMarginSchema,
  simDataUsageSchema,
  simStatusSchema,
  simStopReasonSchema,
  type BatchDataAmount,
  type SimCardInfo,
  type SimStatus,
} from './wire';

const DAILY_WINDOW_DAYS = 7;

type Failures = BatchResult<unknown>['failures'];

/** Adds a group's result to the call's. */
function merge<T>(into: BatchResult<T>, from: BatchResult<T>): void {
  into.items.push(...from.items);
  into.failures.push(...from.failures);
}

function missing(endpoint: string, iccid: string): Rejected {
  return new Rejected(`OneLink ${endpoint}: card ${iccid} is not in the answer`, { platform: manifest.id, endpoint });
}

/** The OneLink adapter (pools in pools.ts, orders in orders.ts): one per carrier account. Never sleeps, retries or counts. */
export class CmccOnelinkAdapter implements CarrierAdapter {
  readonly manifest = manifest;
  readonly account: Pick<CarrierAccountConfig, 'id' | 'platform' | 'baseUrl'>;
  readonly options: Options;
  private readonly client: CmccOnelinkClient;

  constructor(config: CarrierAccountConfig, deps: AdapterDeps) {
    const { appid, password } = requireCredentials(manifest.id, config.credentials, ['appid', 'password']);
    this.account = { id: config.id, platform: config.platform, baseUrl: config.baseUrl };
    this.options = accountOptions(manifest.id, optionsSchema, config);
    this.client = new CmccOnelinkClient({ baseUrl: config.baseUrl, appid, password, http: deps.http, now: deps.now });
  }

  /** IMPORTED inventory: OneLink offers no card list. Cards come from order lists and `fetchCards`. */
  async listCards(): Promise<InventoryPage> {
    throw new NotSupported('OneLink has no card list call: import the order lists and resolve them with fetchCards', {
      platform: manifest.id,
    });
  }

  // ------------------------------------------------------------------------------------------- cards

  /**
   * Per group of ≤100 cards: `sim-card-info/batch` (identifiers, unknown cards refused one by one),
   * `sim-status/batch`, then per card `sim-stop-reason` only for stopped cards and `sim-basic-info` only
   * when the dates are needed (see `needsDates`).
   */
  async fetchCards(refs: CardRef[], at: Date): Promise<BatchResult<CardRecord>> {
    const result: BatchResult<CardRecord> = { items: [], failures: [] };
    for (const group of chunks(uniqueRefs(refs), BATCH_LIMIT)) {
      const infos = await this.cardInfos(group, result.failures);
      const found = group.filter((r) => infos.has(r.iccid));
      if (!found.length) continue;
      const statuses = await this.statuses(found, result.failures);
      const ready = found.filter((r) => statuses.has(r.iccid));
      const read = await readPerCard(
        ready,
        async (ref) => {
          const st = statuses.get(ref.iccid)!;
          const stop = isStopped(st.cardStatus) ? await this.single('query/sim-stop-reason', ref.iccid, simStopReasonSchema) : undefined;
          const basic = this.needsDates(ref, st.cardStatus) ? await this.single('query/sim-basic-info', ref.iccid, simBasicInfoSchema) : undefined;
          // A malformed answer about one card: that card's failure (Transient), the others stand.
          return mapped(manifest.id, 'OneLink', () => mapCard({ iccid: ref.iccid, info: infos.get(ref.iccid)!, status: st, stop, basic, knownDates: ref.hints }, at));
        },
        { concurrency: this.options.concurrency },
      );
      merge(result, read);
    }
    return result;
  }

  /**
   * Dates cost one request per card. They are asked when the ref's hints do not already hold them: the open
   * date is unknown, or the card is past activation and its activation date is unknown.
   */
  needsDates(ref: CardRef, cardStatus: string): boolean {
    if (this.options.basicInfo === 'never') return false;
    if (this.options.basicInfo === 'always') return true;
    const h = ref.hints;
    if (!h || h.openedAt === undefined) return true;
    const status = statusRule(cardStatus)?.status;
    const pastActivation = status !== CardStatus.TEST && status !== CardStatus.INVENTORY;
    return pastActivation && (h.activatedAt === undefined || h.activatedAt === null);
  }

  /** `sim-card-info/batch`: the cards found (item status "0"); an item refused is that card's failure. */
  private cardInfos(group: CardRef[], failures: Failures): Promise<Map<string, SimCardInfo>> {
    const endpoint = 'query/sim-card-info/batch';
    return this.batch(endpoint, group, simCardInfoSchema, failures, (iccid, it) =>
      it.status === '0'
        ? null
        : new Rejected(`OneLink ${endpoint}: card ${iccid}: ${it.status} ${it.message ?? ''}`.trim(), {
            platform: manifest.id,
            endpoint,
            carrierCode: it.status,
            carrierMessage: it.message ?? '',
          }),
    );
  }

  private statuses(group: CardRef[], failures: Failures): Promise<Map<string, SimStatus>> {
    return this.batch('query/sim-status/batch', group, simStatusSchema, failures);
  }

  /**
   * A batch call by ICCIDs, its items keyed by the ICCID asked for; a card absent from the answer, an item
   * `refused` says no to, or the card-scoped refusal of a one-card batch, is that card's failure.
   */
  private async batch<T extends { iccid: string | null }>(
    endpoint: string,
    group: CardRef[],
    schema: ZodType<T, ZodTypeDef, unknown>,
    failures: Failures,
    refused: (iccid: string, item: T) => Rejected | null = () => null,
  ): Promise<Map<string, T>> {
    const asked = group.map((r) => r.iccid);
    let items: T[];
    try {
      items = await this.client.call(endpoint, { iccids: asked.join('_') }, schema);
    } catch (err) {
      if (asked.length === 1 && isCarrierError(err) && err.kind === 'REJECTED' && cardScoped(errorTable)(err)) {
        failures.push({ iccid: asked[0], error: err });
        return new Map();
      }
      throw err;
    }
    const keyed = byIccid(asked, items);
    const out = new Map<string, T>();
    for (const iccid of asked) {
      const it = keyed.get(iccid);
      const error = it ? refused(iccid, it) : missing(endpoint, iccid);
      if (error) failures.push({ iccid, error });
      else out.set(iccid, it!);
    }
    return out;
  }

  /** A single-card query by ICCID; its first result (an empty result is malformed). */
  private single<T>(endpoint: string, iccid: string, schema: ZodType<T, ZodTypeDef, unknown>): Promise<T> {
    return this.client.one(endpoint, { iccid }, schema);
  }

  // ------------------------------------------------------------------------------------------- usage

  /**
   * Per card `sim-data-usage` (month to date) and `sim-data-margin` (the plan: quotaBytes). The code set (CT
   * or PB) decides `asOf`; it comes from the ref's `rawStatus` hint, or from one `sim-status/batch` per
   * group of 100 for the cards without it.
   */
  async fetchUsage(refs: CardRef[], at: Date): Promise<BatchResult<UsageSnapshot>> {
    const result: BatchResult<UsageSnapshot> = { items: [], failures: [] };
    for (const group of chunks(uniqueRefs(refs), BATCH_LIMIT)) {
      const codeSets = new Map<string, CodeSet | null>();
      for (const r of group) if (r.hints?.rawStatus) codeSets.set(r.iccid, codeSetOf(r.hints.rawStatus));
      const unknown = group.filter((r) => !codeSets.has(r.iccid));
      if (unknown.length) {
        try {
          const items = await this.client.call('query/sim-status/batch', { iccids: unknown.map((r) => r.iccid).join('_') }, simStatusSchema);
          for (const [iccid, st] of byIccid(unknown.map((r) => r.iccid), items)) codeSets.set(iccid, codeSetOf(st.cardStatus));
        } catch (err) {
          // Only the freshness claim depends on it: without it asOf is the conservative start of today.
          if (!(isCarrierError(err) && err.kind === 'REJECTED')) throw err;
        }
      }
      const read = await readPerCard(
        group,
        async (ref) => {
          const usage = await this.single('query/sim-data-usage', ref.iccid, simDataUsageSchema);
          const [margin] = await this.client.call('query/sim-data-margin', { iccid: ref.iccid }, simDataMarginSchema);
          return mapped(manifest.id, 'OneLink', () => mapUsage(ref.iccid, usage, margin ?? null, codeSets.get(ref.iccid) ?? null, at));
        },
        { concurrency: this.options.concurrency },
      );
      merge(result, read);
    }
    return result;
  }

  /** Past cycles: `sim-data-usage-monthly/batch` (`queryDate=yyyyMM`, last 6 months), 100 cards per request. */
  async fetchCycleUsage(refs: CardRef[], label: string, at: Date): Promise<BatchResult<UsageSnapshot>> {
    if (!/^\d{4}-\d{2}$/.test(label)) throw new Rejected(`cycle label must be yyyy-MM, got '${label}'`, { platform: manifest.id });
    return this.amounts('query/sim-data-usage-monthly/batch', refs, label.replace('-', ''), (iccid, it) => mapMonthlyUsage(iccid, it, label, at));
  }

  /** A `…/batch` amount call per group of 100 cards (`queryDate` given), each item mapped; absent cards fail. */
  private async amounts<R>(endpoint: string, refs: CardRef[], queryDate: string, map: (iccid: string, item: BatchDataAmount) => R): Promise<BatchResult<R>> {
    const result: BatchResult<R> = { items: [], failures: [] };
    for (const group of chunks(uniqueRefs(refs), BATCH_LIMIT)) {
      const asked = group.map((r) => r.iccid);
      const keyed = byIccid(asked, await this.client.call(endpoint, { iccids: asked.join('_'), queryDate }, batchDataAmountSchema));
      for (const iccid of asked) {
        const it = keyed.get(iccid);
        if (!it) result.failures.push({ iccid, error: missing(endpoint, iccid) });
        else {
          try {
            result.items.push(map(iccid, it));
          } catch (err) {
            result.failures.push({ iccid, error: mappingFailure(manifest.id, 'OneLink', err) });
          }
        }
      }
    }
    return result;
  }

  /** The days OneLink serves daily usage for: the last 7 days up to yesterday (Asia/Shanghai). */
  dailyWindow(at: Date): { from: string; to: string } {
    return {
      from: dayInZone(addInZone(at, SHANGHAI, { days: -DAILY_WINDOW_DAYS }), SHANGHAI),
      to: dayInZone(addInZone(at, SHANGHAI, { days: -1 }), SHANGHAI),
    };
  }

  /**
   * One `sim-data-usage-daily/batch` request per day of `from..to` inside the 7-day window; days outside
   * it are not asked (the platform would answer 12022) and are absent from the answer.
   */
  async fetchDailyUsage(ref: CardRef, from: string, to: string, at: Date): Promise<DailyUsage[]> {
    const days = this.daysInWindow(from, to, at);
    const out: DailyUsage[] = [];
    for (const day of days) {
      const batch = await this.fetchDailyUsageBatch([ref], day, at);
      out.push(...batch.items);
    }
    return out;
  }

  async fetchDailyUsageBatch(refs: CardRef[], day: string, at: Date): Promise<BatchResult<DailyUsage>> {
    const w = this.dailyWindow(at);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || day < w.from || day > w.to) {
      throw new Rejected(`OneLink serves daily usage for ${w.from}..${w.to} only, not '${day}'`, { platform: manifest.id, carrierCode: '12022' });
    }
    return this.amounts('query/sim-data-usage-daily/batch', refs, day.replace(/-/g, ''), (iccid, it) => mapDailyUsage(iccid, it, day));
  }

  private daysInWindow(from: string, to: string, at: Date): string[] {
    const f = DateTime.fromISO(from, { zone: SHANGHAI });
    const t = DateTime.fromISO(to, { zone: SHANGHAI });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || !f.isValid || !t.isValid) {
      throw new Rejected(`daily usage range must be yyyy-MM-dd..yyyy-MM-dd, got '${from}'..'${to}'`, { platform: manifest.id });
    }
    const w = this.dailyWindow(at);
    const days: string[] = [];
    for (let d = f; d <= t; d = d.plus({ days: 1 })) {
      const day = d.toFormat('yyyy-MM-dd');
      if (day >= w.from && day <= w.to) days.push(day);
    }
    return days;
  }

  // ------------------------------------------------------------------------------------------- pools

  async listPools(at: Date): Promise<PoolRecord[]> {
    return listPools(this.client, this.options.groupIds, at);
  }

  async listPoolMembers(poolId: string, cursor: Cursor | null, _at?: Date): Promise<PoolMembersPage> {
    return listPoolMembers(this.client, poolId, cursor, this.options.memberPageSize);
  }

  // ------------------------------------------------------------------------------------------- operations

  async submit(order: OperationOrder, refs: CardRef[], at: Date): Promise<CarrierReceipt> {
    return submitOrder(this.client, order, refs, at);
  }

  async progress(receipt: CarrierReceipt, _refs: CardRef[], _at: Date): Promise<OperationProgress> {
    return orderProgress(this.client, receipt);
  }
}
