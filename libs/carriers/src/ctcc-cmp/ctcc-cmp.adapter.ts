import { readPerCard } from '../toolkit/per-card';
import {
  CardStatus,
  formatInZone,
  NotSupported,
  OperationState,
  OperationType,
  Rejected,
  isCarrierError,
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
  type OperationItemProgress,
  type OperationOrder,
  type OperationProgress,
  type OperationReceipt,
  type PoolMembersPage,
  type PoolRecord,
  type UsageSnapshot,
} from '@simgate/core';
import { cardKeyOf, ctccCredentials, CtccClient, type CtccCardKeyMode } from './client';
import { isPerCard } from './errors';
import { CTCC_PAGE_SIZE, CTCC_PLATFORM_ID, manifest as ctccManifest } from './manifest';
import {
  compactDay,
  CTCC_ZONE,
  cycleOfLabel,
  mapCardMainStatus,
  mapCycleTraffic,
  mapDailyTraffic,
  mapOrderAnswer,
  mapSimListPage,
  mapTraffic,
  type AnswerContext,
} from './map';
import type { CtccMethod, CtccParams } from './wire';

/** Account options (`options` in the accounts file). */
export interface CtccOptions {
  /** Monthly plan volume in MB: CTCC serves none (carriers.md §5); null when not configured. */
  planMb: number | null;
  /** How requests name a card. */
  cardKey: CtccCardKeyMode;
  /** Hours after submission at which an unconfirmed order is failed. */
  orderDeadlineHours: number;
}

export function ctccOptions(options: Record<string, unknown> | undefined, m: AdapterManifest = ctccManifest): CtccOptions {
  const o = options ?? {};
  const planMb = typeof o.planMb === 'number' && Number.isFinite(o.planMb) && o.planMb >= 0 ? o.planMb : null;
  const cardKey: CtccCardKeyMode = o.cardKey === 'msisdn' ? 'msisdn' : 'iccid';
  const orderDeadlineHours =
    typeof o.orderDeadlineHours === 'number' && o.orderDeadlineHours > 0 ? o.orderDeadlineHours : m.orderProcessing.deadlineHours;
  return { planMb, cardKey, orderDeadlineHours };
}

/** What each operation sends, and the `productMainStatusCd` that confirms it (null: confirmed on acceptance). */
interface OperationPlan {
  method: CtccMethod;
  params: CtccParams;
  expectedStatus: CardStatus | null;
  expectedRawStatus: string | null;
}

const NONE: CtccParams = { signed: {}, unsigned: {} };
/** Shows cancelled cards (`7`) instead of the unknown-card error. */
const DROP_CARD: CtccParams = { signed: {}, unsigned: { queryDropCard: 'true' } };

/** The `productMainStatusCd` an order's completion shows, by operation. */
export const CONFIRMING_STATUS: Readonly<Record<OperationType, string | null>> = {
  [OperationType.SUSPEND]: '5',
  [OperationType.RESUME]: '4',
  [OperationType.ACTIVATE]: '4',
  // offNetAction and IMEIReRecord take effect on acceptance and serve no read-back (carriers.md §3).
  [OperationType.SET_USAGE_CAP]: null,
  [OperationType.REBIND]: null,
};

export function operationPlan(order: OperationOrder, ref: CardRef): OperationPlan {
  switch (order.type) {
    case OperationType.SUSPEND:
      return { method: 'disabledNumber', params: { signed: { orderTypeId: '19', acctCd: '' }, unsigned: {} }, expectedStatus: CardStatus.SUSPENDED, expectedRawStatus: '5' };
    case OperationType.RESUME:
      return { method: 'disabledNumber', params: { signed: { orderTypeId: '20', acctCd: '' }, unsigned: {} }, expectedStatus: CardStatus.ACTIVE, expectedRawStatus: '4' };
    case OperationType.ACTIVATE:
      return { method: 'requestServActive', params: NONE, expectedStatus: CardStatus.ACTIVE, expectedRawStatus: '4' };
    case OperationType.SET_USAGE_CAP: {
      const cap = order.params.capMb;
      if (cap === null || cap === undefined) {
        if (cap === undefined) throw new Rejected(`${CTCC_PLATFORM_ID}: SET_USAGE_CAP needs params.capMb (MB, or null to remove the cap)`, { platform: CTCC_PLATFORM_ID });
        return { method: 'offNetAction', params: { signed: { action: '3', quota: '0', type: '1' }, unsigned: {} }, expectedStatus: null, expectedRawStatus: null };
      }
      if (!Number.isInteger(cap) || cap <= 0) {
        throw new Rejected(`${CTCC_PLATFORM_ID}: params.capMb must be a positive whole number of MB`, { platform: CTCC_PLATFORM_ID });
      }
      const action = ref.hints?.usageCapMb !== undefined && ref.hints.usageCapMb !== null ? '2' : '1';
      return { method: 'offNetAction', params: { signed: { action, quota: String(cap), type: '1' }, unsigned: {} }, expectedStatus: null, expectedRawStatus: null };
    }
    case OperationType.REBIND: {
      const imei = order.params.imei;
      if (!imei || !/^\d{14,16}$/.test(imei)) {
        throw new Rejected(`${CTCC_PLATFORM_ID}: REBIND needs params.imei (14–16 digits)`, { platform: CTCC_PLATFORM_ID });
      }
      return { method: 'IMEIReRecord', params: { signed: { action: 'ADD' }, unsigned: { imei } }, expectedStatus: null, expectedRawStatus: null };
    }
  }
}

function refFor(refs: readonly CardRef[], iccid: string): CardRef {
  return refs.find((r) => r.iccid === iccid) ?? { iccid };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class CtccCmpAdapter implements CarrierAdapter {
  readonly manifest = ctccManifest;
  readonly account: Pick<CarrierAccountConfig, 'id' | 'platform' | 'baseUrl'>;
  private readonly client: CtccClient;
  readonly options: CtccOptions;

  constructor(account: CarrierAccountConfig, deps: AdapterDeps) {
    this.account = { id: account.id, platform: account.platform, baseUrl: account.baseUrl };
    this.options = ctccOptions(account.options);
    this.client = new CtccClient(deps.http, account.baseUrl, ctccCredentials(account.credentials));
  }

  private ctx(endpoint: string, secrets: readonly string[], httpStatus: number): AnswerContext {
    return { endpoint, secrets, httpStatus };
  }

  async listCards(cursor: Cursor | null, _since: string | null, at: Date): Promise<InventoryPage> {
    const page = cursor === null ? 1 : Number(cursor);
    if (!Number.isSafeInteger(page) || page < 1) {
      throw new Rejected(`${CTCC_PLATFORM_ID}: bad inventory cursor '${cursor}'`, { platform: CTCC_PLATFORM_ID, endpoint: 'getSIMList' });
    }
    const { res, secrets } = await this.client.call('getSIMList', null, { signed: {}, unsigned: { pageIndex: String(page) } });
    const mapped = mapSimListPage(res.body, at, this.ctx('getSIMList', secrets, res.status), this.options.planMb);
    const total = mapped.totalCount;
    const done =
      mapped.cards.length === 0 || mapped.cards.length < CTCC_PAGE_SIZE || (total !== null && page * CTCC_PAGE_SIZE >= total);
    return { cards: mapped.cards, next: done ? null : String(page + 1), total };
  }

  private perCard<T>(refs: readonly CardRef[], read: (ref: CardRef) => Promise<T>): Promise<BatchResult<T>> {
    return readPerCard(refs, read, { refusalIsCards: isPerCard });
  }

  async fetchCards(refs: CardRef[], at: Date): Promise<BatchResult<CardRecord>> {
    return this.perCard(refs, (ref) => this.readStatus(ref, at));
  }

  /**
   * `queryCardMainStatus` with `queryDropCard=true` (sent, not signed): without it the platform answers a
   * cancelled card (`7` 拆机) with the unknown-card error `-4` (carriers.md §3), and a card simgate knows
   * would look unknown (conformance finding).
   */
  private async readStatus(ref: CardRef, at: Date): Promise<CardRecord> {
    const { res, secrets } = await this.client.call('queryCardMainStatus', cardKeyOf(ref, this.options.cardKey), DROP_CARD);
    return mapCardMainStatus(res.body, ref, at, this.ctx('queryCardMainStatus', secrets, res.status), this.options.planMb);
  }

  async fetchUsage(refs: CardRef[], at: Date): Promise<BatchResult<UsageSnapshot>> {
    return this.perCard(refs, async (ref) => {
      const { res, secrets } = await this.client.call('queryTraffic', cardKeyOf(ref, this.options.cardKey), {
        signed: {},
        unsigned: { needDtl: '0' },
      });
      return mapTraffic(res.body, ref, at, this.ctx('queryTraffic', secrets, res.status), this.options.planMb);
    });
  }

  async fetchDailyUsage(ref: CardRef, from: string, to: string, _at: Date): Promise<DailyUsage[]> {
    if (!DAY.test(from) || !DAY.test(to) || from > to) {
      throw new Rejected(`${CTCC_PLATFORM_ID}: daily usage needs from ≤ to as yyyy-MM-dd`, { platform: CTCC_PLATFORM_ID, endpoint: 'queryTrafficByDate' });
    }
    const { res, secrets } = await this.client.call('queryTrafficByDate', cardKeyOf(ref, this.options.cardKey), {
      signed: {},
      unsigned: { startDate: compactDay(from), endDate: compactDay(to), needDtl: '1' },
    });
    return mapDailyTraffic(res.body, ref, this.ctx('queryTrafficByDate', secrets, res.status));
  }

  /** A past (or the current) cycle: `queryTrafficByDate` from its first day to its last (or today), one request per card. */
  async fetchCycleUsage(refs: CardRef[], label: string, at: Date): Promise<BatchResult<UsageSnapshot>> {
    const cycle = cycleOfLabel(label);
    if (!cycle) throw new Rejected(`${CTCC_PLATFORM_ID}: cycle label must be yyyy-MM, got '${label}'`, { platform: CTCC_PLATFORM_ID });
    if (cycle.start.getTime() > at.getTime()) throw new Rejected(`${CTCC_PLATFORM_ID}: cycle ${label} has not started`, { platform: CTCC_PLATFORM_ID });
    const lastInstant = new Date(Math.min(cycle.end.getTime() - 1, at.getTime()));
    const startDate = formatInZone(cycle.start, CTCC_ZONE, 'yyyyMMdd');
    const endDate = formatInZone(lastInstant, CTCC_ZONE, 'yyyyMMdd');
    return this.perCard(refs, async (ref) => {
      const { res, secrets } = await this.client.call('queryTrafficByDate', cardKeyOf(ref, this.options.cardKey), {
        signed: {},
        unsigned: { startDate, endDate, needDtl: '0' },
      });
      return mapCycleTraffic(res.body, ref, label, at, this.ctx('queryTrafficByDate', secrets, res.status), this.options.planMb);
    });
  }

  async listPools(_at: Date): Promise<PoolRecord[]> {
    throw new NotSupported(`${CTCC_PLATFORM_ID}: the platform has no pools`, { platform: CTCC_PLATFORM_ID });
  }

  async listPoolMembers(_poolId: string, _cursor: Cursor | null, _at: Date): Promise<PoolMembersPage> {
    throw new NotSupported(`${CTCC_PLATFORM_ID}: the platform has no pools`, { platform: CTCC_PLATFORM_ID });
  }

  async submit(order: OperationOrder, refs: CardRef[], at: Date): Promise<OperationReceipt> {
    if (!this.manifest.capabilities.operations.includes(order.type)) {
      throw new NotSupported(`${CTCC_PLATFORM_ID}: ${order.type} is not supported`, { platform: CTCC_PLATFORM_ID });
    }
    if (order.iccids.length !== this.manifest.batchSizes.operation) {
      throw new Rejected(`${CTCC_PLATFORM_ID}: an order names exactly ${this.manifest.batchSizes.operation} card (the platform has no batch orders), got ${order.iccids.length}`, {
        platform: CTCC_PLATFORM_ID,
      });
    }
    const ref = refFor(refs, order.iccids[0]);
    const plan = operationPlan(order, ref);
    const { res, secrets } = await this.client.call(plan.method, cardKeyOf(ref, this.options.cardKey), plan.params, { order: true });
    const answer = mapOrderAnswer(res.body, this.ctx(plan.method, secrets, res.status));
    return {
      type: order.type,
      iccids: [...order.iccids],
      confirmBy: 'STATUS',
      carrierRef: answer.GROUP_TRANSACTIONID ?? null,
      expectedStatus: plan.expectedStatus,
      submittedAt: at,
      deadline: new Date(at.getTime() + this.options.orderDeadlineHours * 3_600_000),
      raw: {
        method: plan.method,
        ...plan.params.signed,
        expectedRawStatus: plan.expectedRawStatus,
        resultCode: answer.resultCode,
        resultMsg: answer.resultMsg,
      },
    };
  }

  /** Re-reads `queryCardMainStatus` until the confirming status shows; pending until then, failed after the deadline. */
  async progress(receipt: OperationReceipt, refs: CardRef[], at: Date): Promise<OperationProgress> {
    const target = CONFIRMING_STATUS[receipt.type];
    if (target === null) {
      return {
        state: OperationState.COMPLETED,
        items: receipt.iccids.map((iccid) => ({ iccid, state: OperationState.COMPLETED })),
        message: 'the platform accepted the change (resultCode 0) and serves no read-back',
      };
    }
    const items: OperationItemProgress[] = [];
    for (const iccid of receipt.iccids) {
      const ref = refFor(refs, iccid);
      let record: CardRecord;
      try {
        record = await this.readStatus(ref, at);
      } catch (e) {
        if (isCarrierError(e) && isPerCard(e)) {
          items.push({ iccid, state: OperationState.FAILED, message: (e as CarrierError).message });
          continue;
        }
        throw e;
      }
      if (record.rawStatus.trim() === target) items.push({ iccid, state: OperationState.COMPLETED });
      else if (at.getTime() >= receipt.deadline.getTime()) {
        items.push({ iccid, state: OperationState.FAILED, message: `deadline passed with productMainStatusCd ${record.rawStatus}, not ${target}` });
      } else items.push({ iccid, state: OperationState.SUBMITTED, message: `productMainStatusCd ${record.rawStatus}, waiting for ${target}` });
    }
    const state = items.some((i) => i.state === OperationState.SUBMITTED)
      ? OperationState.SUBMITTED
      : items.every((i) => i.state === OperationState.COMPLETED)
        ? OperationState.COMPLETED
        : OperationState.FAILED;
    return { state, items };
  }
}
