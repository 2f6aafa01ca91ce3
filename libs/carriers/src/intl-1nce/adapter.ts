import { DateTime } from 'luxon';
import { CardStatus, cycleContaining, NotSupported, OperationType, Rejected, UTC } from '@simgate/core';
import type { CardRef, CarrierAdapter, CarrierReceipt, Cursor, OperationOrder } from '@simgate/core';
import { accountOptions, PerCardAdapter } from '../toolkit';
import { Intl1nceClient, intl1nceCredentials } from './client';
import { errorTable } from './errors';
import { manifest, ONENCE_PAGE_SIZE, optionsSchema } from './manifest';
import { decodeSim, mapCycleUsage, mapDailyUsage, mapSimListPage, mapSimWithQuota, mapUsage, nativeIccid } from './map';
import type { SimStatusChange } from './wire';

/** The raw status each supported operation sets (and whose reading confirms it). */
export const TARGET_STATUS: Readonly<Partial<Record<OperationType, { raw: SimStatusChange['status']; status: CardStatus }>>> = {
  [OperationType.SUSPEND]: { raw: 'Disabled', status: CardStatus.SUSPENDED },
  [OperationType.RESUME]: { raw: 'Enabled', status: CardStatus.ACTIVE },
};

const utcDayOf = (t: Date): string => DateTime.fromJSDate(t, { zone: UTC }).toFormat('yyyy-MM-dd');

/** 1NCE: one SIM per read, no pools (PerCardAdapter), status changes confirmed by re-reading the SIM. */
export class Intl1nceAdapter extends PerCardAdapter implements CarrierAdapter {
  readonly manifest = manifest;
  protected readonly errors = errorTable;
  readonly options = accountOptions(manifest.id, optionsSchema, this.config);
  private readonly client = new Intl1nceClient(this.deps.http, this.config.baseUrl, intl1nceCredentials(this.config.credentials), this.deps.now);

  async listCards(cursor: Cursor | null, _since: string | null, at: Date) {
    const page = this.pageOf(cursor, 'v1/sims');
    const { res, secrets } = await this.client.call({
      method: 'GET',
      path: 'v1/sims',
      endpoint: 'v1/sims',
      query: { page: String(page), pageSize: String(ONENCE_PAGE_SIZE) },
    });
    const mapped = mapSimListPage(res.body, res.headers, at, this.ctx('v1/sims', secrets, res.status));
    const more = mapped.totalPages !== null ? page < mapped.totalPages : mapped.cards.length === ONENCE_PAGE_SIZE;
    return { cards: mapped.cards, next: more && mapped.cards.length > 0 ? String(page + 1) : null, total: mapped.totalCount };
  }

  private getSim(ref: CardRef) {
    return this.client.call({ method: 'GET', path: `v1/sims/${nativeIccid(ref.iccid)}`, endpoint: 'v1/sims/{iccid}' });
  }

  private getQuota(ref: CardRef) {
    return this.client.call({ method: 'GET', path: `v1/sims/${nativeIccid(ref.iccid)}/quota/data`, endpoint: 'v1/sims/{iccid}/quota/data' });
  }

  /** Two requests per card: the SIM, and its data quota (plan volume and expiry: PLAN_EXPIRED shows only there). */
  async fetchCards(refs: CardRef[], at: Date) {
    return this.perCard(refs, async (ref) => {
      const sim = await this.getSim(ref);
      const quota = await this.getQuota(ref);
      return mapSimWithQuota(
        sim.res.body,
        quota.res.body,
        at,
        this.ctx('v1/sims/{iccid}', sim.secrets, sim.res.status),
        this.ctx('v1/sims/{iccid}/quota/data', quota.secrets, quota.res.status),
      );
    });
  }

  private getUsage(ref: CardRef, from: string, to: string) {
    return this.client.call({
      method: 'GET',
      path: `v1/sims/${nativeIccid(ref.iccid)}/usage`,
      endpoint: 'v1/sims/{iccid}/usage',
      query: { start_dt: from, end_dt: to },
    });
  }

  /** Two requests per card: this month's daily stats (UTC) and the lifetime quota. */
  async fetchUsage(refs: CardRef[], at: Date) {
    const cycle = cycleContaining(this.manifest.billingCycle, at);
    const from = utcDayOf(cycle.start);
    const to = utcDayOf(at);
    return this.perCard(refs, async (ref) => {
      const usage = await this.getUsage(ref, from, to);
      const quota = await this.getQuota(ref);
      return mapUsage(
        usage.res.body,
        quota.res.body,
        ref,
        at,
        this.ctx('v1/sims/{iccid}/usage', usage.secrets, usage.res.status),
        this.ctx('v1/sims/{iccid}/quota/data', quota.secrets, quota.res.status),
      );
    });
  }

  async fetchDailyUsage(ref: CardRef, from: string, to: string, _at: Date) {
    this.checkDays(from, to, 'v1/sims/{iccid}/usage');
    const { res, secrets } = await this.getUsage(ref, from, to);
    return mapDailyUsage(res.body, ref, this.ctx('v1/sims/{iccid}/usage', secrets, res.status));
  }

  /** A past (or the current) month: `/usage` from its first day to its last (or today), one request per card. */
  async fetchCycleUsage(refs: CardRef[], label: string, at: Date) {
    const { cycle, last } = this.cycleToRead(label, at);
    const from = utcDayOf(cycle.start);
    const to = utcDayOf(last);
    return this.perCard(refs, async (ref) => {
      const { res, secrets } = await this.getUsage(ref, from, to);
      return mapCycleUsage(res.body, ref, label, at, this.ctx('v1/sims/{iccid}/usage', secrets, res.status));
    });
  }

  /** One card: `PUT /v1/sims/{iccid}`; several: `POST /v1/sims` (201, queued). Confirmed by re-reading the SIM. */
  async submit(order: OperationOrder, _refs: CardRef[], at: Date): Promise<CarrierReceipt> {
    const target = TARGET_STATUS[order.type];
    if (!target || !this.manifest.capabilities.operations.includes(order.type)) {
      throw new NotSupported(`${manifest.id}: ${order.type} is not supported (1NCE changes only Enabled/Disabled)`, { platform: manifest.id });
    }
    const max = this.manifest.batchSizes.operation;
    if (order.iccids.length === 0 || order.iccids.length > max) {
      throw new Rejected(`${manifest.id}: an order names 1 to ${max} cards, got ${order.iccids.length}`, { platform: manifest.id });
    }
    const changes: SimStatusChange[] = order.iccids.map((iccid) => ({ iccid: nativeIccid(iccid), status: target.raw }));
    const single = changes.length === 1;
    const { res } = single
      ? await this.client.call({ method: 'PUT', path: `v1/sims/${changes[0].iccid}`, endpoint: 'v1/sims/{iccid}', body: changes[0], order: true })
      : await this.client.call({ method: 'POST', path: 'v1/sims', endpoint: 'v1/sims', body: changes, order: true });
    return {
      type: order.type,
      iccids: [...order.iccids],
      confirmBy: 'STATUS',
      carrierRef: null,
      expectedStatus: target.status,
      submittedAt: at,
      raw: { request: single ? 'PUT v1/sims/{iccid}' : 'POST v1/sims', status: target.raw, httpStatus: res.status },
    };
  }

  /** Pending until the SIM reads the target status (the engine applies the deadline). */
  async progress(receipt: CarrierReceipt, refs: CardRef[], _at: Date) {
    const target = TARGET_STATUS[receipt.type];
    if (!target) throw new NotSupported(`${manifest.id}: ${receipt.type} is not supported`, { platform: manifest.id });
    return this.confirmByStatus(receipt, refs, {
      target: target.raw,
      read: async (ref) => {
        const { res, secrets } = await this.getSim(ref);
        return decodeSim(res.body, this.ctx('v1/sims/{iccid}', secrets, res.status)).status ?? '';
      },
      waiting: (raw) => `status ${raw}, waiting for ${target.raw}`,
    });
  }
}
