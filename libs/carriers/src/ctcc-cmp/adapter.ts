import { CardStatus, formatInZone, NotSupported, OperationType, Rejected, SHANGHAI } from '@simgate/core';
import type { CardRef, CarrierAdapter, CarrierReceipt, Cursor, OperationOrder } from '@simgate/core';
import { accountOptions, completedOnAcceptance, PerCardAdapter, refFor } from '../toolkit';
import { cardKeyOf, ctccCmpCredentials, CtccCmpClient } from './client';
import { errorTable } from './errors';
import { CTCC_PAGE_SIZE, manifest, optionsSchema } from './manifest';
import { compactDay, mapCardMainStatus, mapCycleTraffic, mapDailyTraffic, mapOrderAnswer, mapSimListPage, mapTraffic } from './map';
import type { CtccMethod, CtccParams } from './wire';

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
        if (cap === undefined) throw new Rejected(`${manifest.id}: SET_USAGE_CAP needs params.capMb (MB, or null to remove the cap)`, { platform: manifest.id });
        return { method: 'offNetAction', params: { signed: { action: '3', quota: '0', type: '1' }, unsigned: {} }, expectedStatus: null, expectedRawStatus: null };
      }
      if (!Number.isInteger(cap) || cap <= 0) {
        throw new Rejected(`${manifest.id}: params.capMb must be a positive whole number of MB`, { platform: manifest.id });
      }
      const action = ref.hints?.usageCapMb !== undefined && ref.hints.usageCapMb !== null ? '2' : '1';
      return { method: 'offNetAction', params: { signed: { action, quota: String(cap), type: '1' }, unsigned: {} }, expectedStatus: null, expectedRawStatus: null };
    }
    case OperationType.REBIND: {
      const imei = order.params.imei;
      if (!imei || !/^\d{14,16}$/.test(imei)) {
        throw new Rejected(`${manifest.id}: REBIND needs params.imei (14–16 digits)`, { platform: manifest.id });
      }
      return { method: 'IMEIReRecord', params: { signed: { action: 'ADD' }, unsigned: { imei } }, expectedStatus: null, expectedRawStatus: null };
    }
  }
}

/** China Telecom CMP: one request per card, no pools (PerCardAdapter), orders confirmed by `productMainStatusCd`. */
export class CtccCmpAdapter extends PerCardAdapter implements CarrierAdapter {
  readonly manifest = manifest;
  protected readonly errors = errorTable;
  readonly options = accountOptions(manifest.id, optionsSchema, this.config);
  private readonly client = new CtccCmpClient(this.deps.http, this.config.baseUrl, ctccCmpCredentials(this.config.credentials));

  async listCards(cursor: Cursor | null, _since: string | null, at: Date) {
    const page = this.pageOf(cursor, 'getSIMList');
    const { res, secrets } = await this.client.call('getSIMList', null, { signed: {}, unsigned: { pageIndex: String(page) } });
    const mapped = mapSimListPage(res.body, at, this.ctx('getSIMList', secrets, res.status), this.options.planMb);
    const total = mapped.totalCount;
    const done =
      mapped.cards.length === 0 || mapped.cards.length < CTCC_PAGE_SIZE || (total !== null && page * CTCC_PAGE_SIZE >= total);
    return { cards: mapped.cards, next: done ? null : String(page + 1), total };
  }

  async fetchCards(refs: CardRef[], at: Date) {
    return this.perCard(refs, (ref) => this.readStatus(ref, at));
  }

  /**
   * `queryCardMainStatus` with `queryDropCard=true` (sent, not signed): without it the platform answers a
   * cancelled card (`7` 拆机) with the unknown-card error `-4` (carriers.md §3), and a card simgate knows
   * would look unknown (conformance finding).
   */
  private async readStatus(ref: CardRef, at: Date) {
    const { res, secrets } = await this.client.call('queryCardMainStatus', cardKeyOf(ref, this.options.cardKey), DROP_CARD);
    return mapCardMainStatus(res.body, ref, at, this.ctx('queryCardMainStatus', secrets, res.status), this.options.planMb);
  }

  async fetchUsage(refs: CardRef[], at: Date) {
    return this.perCard(refs, async (ref) => {
      const { res, secrets } = await this.client.call('queryTraffic', cardKeyOf(ref, this.options.cardKey), {
        signed: {},
        unsigned: { needDtl: '0' },
      });
      return mapTraffic(res.body, ref, at, this.ctx('queryTraffic', secrets, res.status), this.options.planMb);
    });
  }

  async fetchDailyUsage(ref: CardRef, from: string, to: string, _at: Date) {
    this.checkDays(from, to, 'queryTrafficByDate');
    const { res, secrets } = await this.client.call('queryTrafficByDate', cardKeyOf(ref, this.options.cardKey), {
      signed: {},
      unsigned: { startDate: compactDay(from), endDate: compactDay(to), needDtl: '1' },
    });
    return mapDailyTraffic(res.body, ref, this.ctx('queryTrafficByDate', secrets, res.status));
  }

  /** A past (or the current) cycle: `queryTrafficByDate` from its first day to its last (or today), one request per card. */
  async fetchCycleUsage(refs: CardRef[], label: string, at: Date) {
    const { cycle, last } = this.cycleToRead(label, at);
    const startDate = formatInZone(cycle.start, SHANGHAI, 'yyyyMMdd');
    const endDate = formatInZone(last, SHANGHAI, 'yyyyMMdd');
    return this.perCard(refs, async (ref) => {
      const { res, secrets } = await this.client.call('queryTrafficByDate', cardKeyOf(ref, this.options.cardKey), {
        signed: {},
        unsigned: { startDate, endDate, needDtl: '0' },
      });
      return mapCycleTraffic(res.body, ref, label, at, this.ctx('queryTrafficByDate', secrets, res.status), this.options.planMb);
    });
  }

  async submit(order: OperationOrder, refs: CardRef[], at: Date): Promise<CarrierReceipt> {
    if (!this.manifest.capabilities.operations.includes(order.type)) {
      throw new NotSupported(`${manifest.id}: ${order.type} is not supported`, { platform: manifest.id });
    }
    if (order.iccids.length !== this.manifest.batchSizes.operation) {
      throw new Rejected(`${manifest.id}: an order names exactly ${this.manifest.batchSizes.operation} card (the platform has no batch orders), got ${order.iccids.length}`, {
        platform: manifest.id,
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
      raw: {
        method: plan.method,
        ...plan.params.signed,
        expectedRawStatus: plan.expectedRawStatus,
        resultCode: answer.resultCode,
        resultMsg: answer.resultMsg,
      },
    };
  }

  /** Re-reads `queryCardMainStatus` until the confirming status shows; pending until then (the engine applies the deadline). */
  async progress(receipt: CarrierReceipt, refs: CardRef[], at: Date) {
    const target = CONFIRMING_STATUS[receipt.type];
    if (target === null) return completedOnAcceptance(receipt, 'the platform accepted the change (resultCode 0) and serves no read-back');
    return this.confirmByStatus(receipt, refs, {
      target,
      read: async (ref) => (await this.readStatus(ref, at)).rawStatus,
      waiting: (raw) => `productMainStatusCd ${raw}, waiting for ${target}`,
    });
  }
}
