import {
  addInZone,
  CardStatus,
  dayInZone,
  isCarrierError,
  NotSupported,
  OperationState,
  OperationType,
  Rejected,
  SHANGHAI,
  Transient,
  type AdapterDeps,
  type AdapterManifest,
  type BatchResult,
  type CardRecord,
  type CardRef,
  type CarrierAccountConfig,
  type CarrierAdapter,
  type CarrierError,
  type Cursor,
  type DailyUsage,
  type InventoryPage,
  type OperationOrder,
  type OperationProgress,
  type OperationReceipt,
  type PoolMembersPage,
  type PoolRecord,
  type UsageSnapshot,
} from '@simgate/core';
import { DateTime } from 'luxon';
import type { ZodType, ZodTypeDef } from 'zod';
import { OneLinkClient } from './client';
import { isCardScoped, PLATFORM } from './errors';
import { ONELINK_MANIFEST } from './manifest';
import {
  codeSetOf,
  statusRule,
  isStopped,
  mapBatchProgress,
  mapCard,
  mapDailyUsage,
  mapMonthlyUsage,
  mapOrderProgress,
  mapPool,
  mapUsage,
  type CodeSet,
} from './map';
import {
  BATCH_OPER_TYPE,
  batchDataAmountSchema,
  batchResultSchema,
  changeStatusBatchSchema,
  changeStatusSchema,
  groupDataMarginSchema,
  groupDataUsageSchema,
  groupMemberSchema,
  OPER_TYPE,
  orderInfoSchema,
  simBasicInfoSchema,
  simCardInfoSchema,
  simDataMarginSchema,
  simDataUsageSchema,
  simStatusSchema,
  simStopReasonSchema,
  STOP_RESUME_REASON,
  type SimCardInfo,
  type SimStatus,
} from './wire';

/** Account options (`options` in the accounts file). */
export interface OneLinkOptions {
  /** OneLink has no "list my pools" call: the group ids (流量池 groupId) of the account's pools. */
  groupIds: string[];
  /**
   * When `sim-basic-info` (one request per card, for the open and activation dates) is asked:
   * `auto` (default) only when the ref's hints do not already give the dates; `always`; `never`.
   */
  basicInfo: 'auto' | 'always' | 'never';
  /** Single-card requests in flight at once within one adapter call (the rate limiter still applies). */
  concurrency: number;
  /** Members per `group-member` page (≤ 50). */
  memberPageSize: number;
}

export function parseOneLinkOptions(options: Record<string, unknown> | undefined): OneLinkOptions {
  const o = options ?? {};
  const groupIds = Array.isArray(o.groupIds) ? o.groupIds.filter((g): g is string => typeof g === 'string' && g !== '') : [];
  const basicInfo = o.basicInfo === 'always' || o.basicInfo === 'never' ? o.basicInfo : 'auto';
  const concurrency = typeof o.concurrency === 'number' && Number.isInteger(o.concurrency) && o.concurrency >= 1 ? Math.min(o.concurrency, 10) : 4;
  const memberPageSize =
    typeof o.memberPageSize === 'number' && Number.isInteger(o.memberPageSize) && o.memberPageSize >= 1 ? Math.min(o.memberPageSize, 50) : 50;
  return { groupIds, basicInfo, concurrency, memberPageSize };
}

export const BATCH_LIMIT = 100;
const DAILY_WINDOW_DAYS = 7;

type Outcome<R> = { ok: true; value: R } | { ok: false; error: CarrierError };

/** Thrown inside `eachCard` to record a failure of one card (e.g. a malformed answer about it) and go on. */
class CardFailure extends Error {
  constructor(readonly error: CarrierError) {
    super(error.message);
  }
}

/**
 * Runs `fn` for each item with at most `concurrency` in flight. A `Rejected`, a `Transient` (5xx, timeout,
 * malformed answer) about one card is that card's failure: the sync engine retries the failed cards alone.
 * An account-wide error (rate limit, auth, unreachable) stops launching new requests and is thrown once the
 * ones in flight settle: the sync engine retries the whole call.
 */
async function eachCard<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<Outcome<R>[]> {
  const out: Outcome<R>[] = new Array(items.length);
  let next = 0;
  let abort: unknown = null;
  const worker = async (): Promise<void> => {
    while (abort === null && next < items.length) {
      const i = next++;
      try {
        out[i] = { ok: true, value: await fn(items[i]) };
      } catch (err) {
        if (err instanceof CardFailure) out[i] = { ok: false, error: err.error };
        else if (isCarrierError(err) && (err.kind === 'REJECTED' || err.kind === 'TRANSIENT')) out[i] = { ok: false, error: err };
        else if (abort === null) abort = err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (abort !== null) throw abort;
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function uniqueRefs(refs: readonly CardRef[]): CardRef[] {
  const seen = new Map<string, CardRef>();
  for (const r of refs) if (!seen.has(r.iccid)) seen.set(r.iccid, r);
  return [...seen.values()];
}

/** Items of a batch answer keyed by the ICCID asked for: by `iccid` when given, else by position. */
function byIccid<T extends { iccid: string | null }>(asked: readonly string[], items: readonly T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const it of items) if (it.iccid) out.set(it.iccid, it);
  if (out.size === 0 && items.length === asked.length) asked.forEach((iccid, i) => out.set(iccid, items[i]));
  return out;
}

function missing(endpoint: string, iccid: string): Rejected {
  return new Rejected(`OneLink ${endpoint}: card ${iccid} is not in the answer`, { platform: PLATFORM, endpoint });
}

function mappingFailure(err: unknown): CarrierError {
  if (isCarrierError(err)) return err;
  return new Transient(`OneLink: could not map the answer (${err instanceof Error ? err.message : String(err)})`, { platform: PLATFORM });
}

/** The OneLink adapter: one per carrier account. Never sleeps, retries or counts. */
export class OneLinkAdapter implements CarrierAdapter {
  readonly manifest: AdapterManifest = ONELINK_MANIFEST;
  readonly account: Pick<CarrierAccountConfig, 'id' | 'platform' | 'baseUrl'>;
  readonly options: OneLinkOptions;
  private readonly client: OneLinkClient;

  constructor(config: CarrierAccountConfig, deps: AdapterDeps) {
    const appid = config.credentials.appid;
    const password = config.credentials.password;
    if (!appid) throw new Rejected(`account ${config.id}: credentials.appid is missing`, { platform: PLATFORM });
    if (!password) throw new Rejected(`account ${config.id}: credentials.password is missing`, { platform: PLATFORM });
    this.account = { id: config.id, platform: config.platform, baseUrl: config.baseUrl };
    this.options = parseOneLinkOptions(config.options);
    this.client = new OneLinkClient({ baseUrl: config.baseUrl, appid, password, http: deps.http, now: deps.now });
  }

  /** IMPORTED inventory: OneLink offers no card list. Cards come from order lists and `fetchCards`. */
  async listCards(): Promise<InventoryPage> {
    throw new NotSupported('OneLink has no card list call: import the order lists and resolve them with fetchCards', {
      platform: PLATFORM,
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
      const outcomes = await eachCard(ready, this.options.concurrency, async (ref) => {
        const st = statuses.get(ref.iccid)!;
        const stop = isStopped(st.cardStatus) ? await this.single('query/sim-stop-reason', ref.iccid, simStopReasonSchema) : undefined;
        const basic = this.needsDates(ref, st.cardStatus) ? await this.single('query/sim-basic-info', ref.iccid, simBasicInfoSchema) : undefined;
        try {
          return mapCard(
            { iccid: ref.iccid, info: infos.get(ref.iccid), status: st, stop, basic, knownDates: ref.hints },
            at,
          );
        } catch (err) {
          // A malformed answer about one card: that card's failure (Transient), the others stand.
          throw new CardFailure(mappingFailure(err));
        }
      });
      outcomes.forEach((o, i) => (o.ok ? result.items.push(o.value) : result.failures.push({ iccid: ready[i].iccid, error: o.error })));
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

  private async cardInfos(group: CardRef[], failures: BatchResult<unknown>['failures']): Promise<Map<string, SimCardInfo>> {
    const endpoint = 'query/sim-card-info/batch';
    const asked = group.map((r) => r.iccid);
    const items = await this.batch(endpoint, asked, simCardInfoSchema, failures);
    if (!items) return new Map();
    const keyed = byIccid(asked, items);
    const found = new Map<string, SimCardInfo>();
    for (const iccid of asked) {
      const it = keyed.get(iccid);
      if (!it) failures.push({ iccid, error: missing(endpoint, iccid) });
      else if (it.status !== '0') {
        failures.push({
          iccid,
          error: new Rejected(`OneLink ${endpoint}: card ${iccid}: ${it.status} ${it.message ?? ''}`.trim(), {
            platform: PLATFORM,
            endpoint,
            carrierCode: it.status,
            carrierMessage: it.message ?? '',
          }),
        });
      } else found.set(iccid, it);
    }
    return found;
  }

  private async statuses(group: CardRef[], failures: BatchResult<unknown>['failures']): Promise<Map<string, SimStatus>> {
    const endpoint = 'query/sim-status/batch';
    const asked = group.map((r) => r.iccid);
    const items = await this.batch(endpoint, asked, simStatusSchema, failures);
    if (!items) return new Map();
    const keyed = byIccid(asked, items);
    for (const iccid of asked) if (!keyed.has(iccid)) failures.push({ iccid, error: missing(endpoint, iccid) });
    return keyed;
  }

  /** A batch call by ICCIDs; a card-scoped refusal of a one-card batch is that card's failure. */
  private async batch<T>(
    endpoint: string,
    iccids: string[],
    schema: ZodType<T, ZodTypeDef, unknown>,
    failures: BatchResult<unknown>['failures'],
  ): Promise<T[] | null> {
    try {
      return await this.client.call(endpoint, { iccids: iccids.join('_') }, schema);
    } catch (err) {
      if (iccids.length === 1 && isCarrierError(err) && err.kind === 'REJECTED' && isCardScoped(err)) {
        failures.push({ iccid: iccids[0], error: err });
        return null;
      }
      throw err;
    }
  }

  /** A single-card query by ICCID; its first result (an empty result is malformed). */
  private async single<T>(endpoint: string, iccid: string, schema: ZodType<T, ZodTypeDef, unknown>): Promise<T> {
    const [first] = await this.client.call(endpoint, { iccid }, schema);
    if (first === undefined) throw new Transient(`OneLink ${endpoint}: empty result`, { platform: PLATFORM, endpoint });
    return first;
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
      const outcomes = await eachCard(group, this.options.concurrency, async (ref) => {
        const usage = await this.single('query/sim-data-usage', ref.iccid, simDataUsageSchema);
        const [margin] = await this.client.call('query/sim-data-margin', { iccid: ref.iccid }, simDataMarginSchema);
        try {
          return mapUsage(ref.iccid, usage, margin ?? null, codeSets.get(ref.iccid) ?? null, at);
        } catch (err) {
          throw new CardFailure(mappingFailure(err));
        }
      });
      outcomes.forEach((o, i) => (o.ok ? result.items.push(o.value) : result.failures.push({ iccid: group[i].iccid, error: o.error })));
    }
    return result;
  }

  /** Past cycles: `sim-data-usage-monthly/batch` (`queryDate=yyyyMM`, last 6 months), 100 cards per request. */
  async fetchCycleUsage(refs: CardRef[], label: string, at: Date): Promise<BatchResult<UsageSnapshot>> {
    if (!/^\d{4}-\d{2}$/.test(label)) throw new Rejected(`cycle label must be yyyy-MM, got '${label}'`, { platform: PLATFORM });
    const result: BatchResult<UsageSnapshot> = { items: [], failures: [] };
    const endpoint = 'query/sim-data-usage-monthly/batch';
    for (const group of chunks(uniqueRefs(refs), BATCH_LIMIT)) {
      const asked = group.map((r) => r.iccid);
      const items = await this.client.call(endpoint, { iccids: asked.join('_'), queryDate: label.replace('-', '') }, batchDataAmountSchema);
      const keyed = byIccid(asked, items);
      for (const iccid of asked) {
        const it = keyed.get(iccid);
        if (!it) result.failures.push({ iccid, error: missing(endpoint, iccid) });
        else {
          try {
            result.items.push(mapMonthlyUsage(iccid, it, label, at));
          } catch (err) {
            result.failures.push({ iccid, error: mappingFailure(err) });
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
      throw new Rejected(`OneLink serves daily usage for ${w.from}..${w.to} only, not '${day}'`, { platform: PLATFORM, carrierCode: '12022' });
    }
    const endpoint = 'query/sim-data-usage-daily/batch';
    const result: BatchResult<DailyUsage> = { items: [], failures: [] };
    for (const group of chunks(uniqueRefs(refs), BATCH_LIMIT)) {
      const asked = group.map((r) => r.iccid);
      const items = await this.client.call(endpoint, { iccids: asked.join('_'), queryDate: day.replace(/-/g, '') }, batchDataAmountSchema);
      const keyed = byIccid(asked, items);
      for (const iccid of asked) {
        const it = keyed.get(iccid);
        if (!it) result.failures.push({ iccid, error: missing(endpoint, iccid) });
        else {
          try {
            result.items.push(mapDailyUsage(iccid, it, day));
          } catch (err) {
            result.failures.push({ iccid, error: mappingFailure(err) });
          }
        }
      }
    }
    return result;
  }

  private daysInWindow(from: string, to: string, at: Date): string[] {
    const f = DateTime.fromISO(from, { zone: SHANGHAI });
    const t = DateTime.fromISO(to, { zone: SHANGHAI });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || !f.isValid || !t.isValid) {
      throw new Rejected(`daily usage range must be yyyy-MM-dd..yyyy-MM-dd, got '${from}'..'${to}'`, { platform: PLATFORM });
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

  /**
   * OneLink has no call listing pools: the account's `options.groupIds` name them. Per pool:
   * `group-data-usage` (used), `group-data-margin` (plan total) and `group-member` (page size 1, for the total).
   */
  async listPools(at: Date): Promise<PoolRecord[]> {
    const pools: PoolRecord[] = [];
    for (const groupId of this.options.groupIds) {
      const [usage] = await this.client.call('query/group-data-usage', { groupId }, groupDataUsageSchema);
      const [margin] = await this.client.call('query/group-data-margin', { groupId }, groupDataMarginSchema);
      const [members] = await this.client.call('query/group-member', { groupId, pageSize: '1', startNum: '1' }, groupMemberSchema);
      if (!usage || !margin) throw new Transient(`OneLink group ${groupId}: empty usage or margin result`, { platform: PLATFORM });
      pools.push(mapPool(groupId, usage, margin, members?.total ?? null, at));
    }
    return pools;
  }

  /** `group-member`, `startNum` = the page number from 1 (the cursor), `pageSize` ≤ 50. */
  async listPoolMembers(poolId: string, cursor: Cursor | null, _at?: Date): Promise<PoolMembersPage> {
    const page = cursor === null ? 1 : Number(cursor);
    if (!Number.isSafeInteger(page) || page < 1) throw new Rejected(`invalid pool member cursor '${cursor}'`, { platform: PLATFORM });
    const size = this.options.memberPageSize;
    const [answer] = await this.client.call(
      'query/group-member',
      { groupId: poolId, pageSize: String(size), startNum: String(page) },
      groupMemberSchema,
    );
    if (!answer) return { iccids: [], next: null, total: null };
    const total = Number(answer.total);
    const iccids = answer.memberList.map((m) => m.iccid).filter((i): i is string => !!i);
    const more = Number.isFinite(total) ? page * size < total : answer.memberList.length === size;
    return { iccids, next: more && answer.memberList.length > 0 ? String(page + 1) : null, total: Number.isFinite(total) ? total : null };
  }

  // ------------------------------------------------------------------------------------------- operations

  /**
   * One card: `change/sim-status` → an order (confirmed by `order-info`). Several (≤100): one
   * `change/sim-status/batch` → a job (confirmed by `sim-batch-result`). ACTIVATE first reads the cards'
   * status (one `sim-status/batch`), since the operType depends on where the card comes from.
   */
  async submit(order: OperationOrder, refs: CardRef[], at: Date): Promise<OperationReceipt> {
    if (order.type !== OperationType.ACTIVATE && order.type !== OperationType.SUSPEND && order.type !== OperationType.RESUME) {
      throw new NotSupported(`OneLink does not support ${order.type}`, { platform: PLATFORM });
    }
    const iccids = [...new Set(order.iccids)];
    if (!iccids.length) throw new Rejected('an order needs at least one card', { platform: PLATFORM });
    if (iccids.length > BATCH_LIMIT) throw new Rejected(`OneLink takes at most ${BATCH_LIMIT} cards per order`, { platform: PLATFORM });
    const refOf = new Map(refs.map((r) => [r.iccid, r]));
    const msisdnOf: Record<string, string> = {};
    for (const iccid of iccids) {
      const m = refOf.get(iccid)?.msisdn;
      if (m) msisdnOf[iccid] = m;
    }

    let single: string | null = null;
    let batch: string | null = null;
    if (order.type === OperationType.SUSPEND) [single, batch] = [OPER_TYPE.STOP, BATCH_OPER_TYPE.STOP];
    else if (order.type === OperationType.RESUME) [single, batch] = [OPER_TYPE.RESUME, BATCH_OPER_TYPE.RESUME];
    else {
      const statuses = await this.client.call('query/sim-status/batch', { iccids: iccids.join('_') }, simStatusSchema);
      const keyed = byIccid(iccids, statuses);
      for (const [iccid, st] of keyed) if (st.msisdn) msisdnOf[iccid] ??= st.msisdn;
      const kinds = iccids.map((iccid) => {
        const code = keyed.get(iccid)?.cardStatus;
        if (code === undefined) throw new Rejected(`OneLink: no status for card ${iccid}; cannot choose the activation`, { platform: PLATFORM });
        return { iccid, code, ...activationOf(code) };
      });
      const wanted = iccids.length === 1 ? kinds.map((k) => k.single) : kinds.map((k) => k.batch);
      const bad = kinds.filter((_, i) => wanted[i] === null);
      if (bad.length) {
        throw new Rejected(
          `OneLink cannot ${iccids.length === 1 ? '' : 'batch-'}activate ${bad.map((b) => `${b.iccid} (cardStatus ${b.code})`).join(', ')}` +
            (iccids.length > 1 ? '; test cards activate one at a time' : ''),
          { platform: PLATFORM },
        );
      }
      const distinct = [...new Set(wanted)];
      if (distinct.length > 1) {
        throw new Rejected('OneLink activates inventory and awaiting-activation cards with different batch operations: split the order by status', {
          platform: PLATFORM,
        });
      }
      [single, batch] = [wanted[0], wanted[0]];
    }

    const expectedStatus = order.type === OperationType.SUSPEND ? CardStatus.SUSPENDED : CardStatus.ACTIVE;
    const deadline = new Date(at.getTime() + this.manifest.orderProcessing.deadlineHours * 3600_000);
    const base = { type: order.type, iccids, expectedStatus, submittedAt: at, deadline };

    if (iccids.length === 1) {
      const params: Record<string, string> = { iccid: iccids[0], operType: single! };
      if (order.type !== OperationType.ACTIVATE) params.reason = STOP_RESUME_REASON;
      const [res] = await this.client.call('change/sim-status', params, changeStatusSchema);
      if (!res) throw new Transient('OneLink change/sim-status: empty result', { platform: PLATFORM, endpoint: 'change/sim-status' });
      if (res.msisdn) msisdnOf[iccids[0]] ??= res.msisdn;
      return { ...base, confirmBy: 'ORDER', carrierRef: res.orderNum, raw: { operType: single, orderNum: res.orderNum, msisdns: msisdnOf } };
    }

    const lacking = iccids.filter((i) => !msisdnOf[i]);
    if (lacking.length) {
      const infos = await this.client.call('query/sim-card-info/batch', { iccids: lacking.join('_') }, simCardInfoSchema);
      for (const [iccid, it] of byIccid(lacking, infos)) if (it.status === '0' && it.msisdn) msisdnOf[iccid] = it.msisdn;
      const still = lacking.filter((i) => !msisdnOf[i]);
      if (still.length) throw new Rejected(`OneLink: no MSISDN known for ${still.join(', ')} (unknown cards?)`, { platform: PLATFORM, carrierCode: '12006' });
    }
    const [res] = await this.client.call(
      'change/sim-status/batch',
      { msisdns: iccids.map((i) => msisdnOf[i]).join('_'), operType: batch!, reason: STOP_RESUME_REASON },
      changeStatusBatchSchema,
    );
    if (!res) throw new Transient('OneLink change/sim-status/batch: empty result', { platform: PLATFORM, endpoint: 'change/sim-status/batch' });
    return { ...base, confirmBy: 'JOB', carrierRef: res.jobId, raw: { operType: batch, jobId: res.jobId, msisdns: msisdnOf } };
  }

  /** `order-info` or `sim-batch-result`; pending until the platform says done or failed, or the deadline passes. */
  async progress(receipt: OperationReceipt, _refs: CardRef[], at: Date): Promise<OperationProgress> {
    if (!receipt.carrierRef) throw new Rejected('OneLink receipt without an order number or job id', { platform: PLATFORM });
    let progress: OperationProgress;
    if (receipt.confirmBy === 'ORDER') {
      const [info] = await this.client.call('query/order-info', { orderNum: receipt.carrierRef }, orderInfoSchema);
      if (!info) throw new Transient('OneLink query/order-info: empty result', { platform: PLATFORM, endpoint: 'query/order-info' });
      progress = mapOrderProgress(receipt.iccids, info);
    } else if (receipt.confirmBy === 'JOB') {
      const [res] = await this.client.call('query/sim-batch-result', { jobId: receipt.carrierRef }, batchResultSchema);
      if (!res) throw new Transient('OneLink query/sim-batch-result: empty result', { platform: PLATFORM, endpoint: 'query/sim-batch-result' });
      const msisdns = (receipt.raw?.msisdns ?? {}) as Record<string, string>;
      progress = mapBatchProgress(receipt.iccids, msisdns, res);
    } else {
      throw new Rejected(`OneLink receipts are confirmed by ORDER or JOB, not ${receipt.confirmBy}`, { platform: PLATFORM });
    }
    if (progress.state === OperationState.SUBMITTED && at.getTime() >= receipt.deadline.getTime()) {
      const message = `still pending at the deadline ${receipt.deadline.toISOString()}`;
      return { ...progress, state: OperationState.FAILED, message, items: progress.items.map((i) => ({ ...i, state: OperationState.FAILED, message })) };
    }
    return progress;
  }
}

/** Which operType activates a card from its current `cardStatus` (null: this call cannot). */
export function activationOf(cardStatus: string): { single: string | null; batch: string | null } {
  switch (cardStatus) {
    case '7': // 库存 inventory
      return { single: OPER_TYPE.INVENTORY_TO_ACTIVE, batch: BATCH_OPER_TYPE.INVENTORY_TO_ACTIVE };
    case '1': // 待激活 awaiting activation (CT)
    case '07': // 待激活 awaiting activation (PB)
      return { single: OPER_TYPE.AWAITING_TO_ACTIVE, batch: BATCH_OPER_TYPE.AWAITING_TO_ACTIVE };
    case '6': // 可测试 test: single call only
      return { single: OPER_TYPE.TEST_TO_ACTIVE, batch: null };
    default:
      return { single: null, batch: null };
  }
}

export function connectOneLink(config: CarrierAccountConfig, deps: AdapterDeps): OneLinkAdapter {
  return new OneLinkAdapter(config, deps);
}
