import { CardStatus, isCarrierError, NotSupported, OperationType, Rejected } from '@simgate/core';
import type { BillingCycleRule, CarrierAdapter, Cursor, InventoryPage, PendingOrderState } from '@simgate/core';
import type { BatchResult, CardRecord, CardRef, DailyUsage, UsageSnapshot } from '@simgate/core';
import type { CarrierReceipt, OperationOrder, OperationProgress } from '@simgate/core';
import { accountOptions, mapped, PerCardAdapter, readPerCard, requireCredentials, uniqueRefs } from '../toolkit';
import { CuccJasperClient } from './client';
import { errorTable } from './errors';
import { manifest, optionsSchema, type Options } from './manifest';
import { cycleStartParam, jasperCycle, mapCtdUsage, mapDevice, mapZoneUsage, needsInference, type Inference } from './map';
import {
  auditTrailsSchema,
  ctdUsageSchema,
  deviceChangeSchema,
  deviceSchema,
  devicesPageSchema,
  JASPER_STATUS,
  usageInZoneSchema,
  type AuditTrails,
  type DevicesPage,
} from './wire';

/** The listing position kept between pages (the sync checkpoint). */
interface ListCursor {
  v: 1;
  since: string;
  page: number;
  /** When the listing started (our clock): the next high-water mark, minus the overlap. */
  startedAt: string;
  /** ICCIDs of the previous page as first read, to spot devices that slid back across the page boundary. */
  prev: string[];
}

function encodeCursor(c: ListCursor): Cursor {
  return JSON.stringify(c);
}

function decodeCursor(cursor: Cursor): ListCursor {
  try {
    const c = JSON.parse(cursor) as Partial<ListCursor>;
    if (c.v === 1 && typeof c.since === 'string' && Number.isSafeInteger(c.page) && (c.page ?? 0) >= 1 && typeof c.startedAt === 'string' && Array.isArray(c.prev)) {
      return c as ListCursor;
    }
  } catch {
    // fall through
  }
  throw new Rejected(`Jasper: invalid listing cursor '${cursor.slice(0, 80)}'`, { platform: manifest.id });
}

/** ISO 8601 in UTC without milliseconds: `2026-03-15T02:00:00Z`. */
function isoUtc(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** A mapper's failure is the card's failure (Transient for anything but a carrier error). */
function mapOne<T>(f: () => T): T {
  return mapped(manifest.id, 'Jasper', f);
}

/**
 * The Jasper adapter: one per carrier account, one card per request and no pools (the toolkit's
 * PerCardAdapter). Never sleeps, retries or counts; one request at a time.
 */
export class CuccJasperAdapter extends PerCardAdapter implements CarrierAdapter {
  readonly manifest = manifest;
  protected readonly errors = errorTable;
  readonly options: Options = accountOptions(manifest.id, optionsSchema, this.config);
  readonly cycle: BillingCycleRule = jasperCycle(this.options.cycleStartDay);
  private readonly client = new CuccJasperClient({
    baseUrl: this.config.baseUrl,
    ...requireCredentials(manifest.id, this.config.credentials, ['username', 'apiKey']),
    http: this.deps.http,
  });

  private get quotaBytes(): number | null {
    return this.options.planMb === null ? null : Math.round(this.options.planMb * 1024 * 1024);
  }

  // ------------------------------------------------------------------------------------------- inventory

  /**
   * One page of `devices?modifiedSince=…` and a full record per device. Devices that change while we page
   * move to the end of the list, which slides the devices behind them one place back: one of them crosses
   * into the page already read and would be skipped. So from page 2 on, the previous page is read again
   * and devices new to it are read too (one extra list request per page, no extra device requests unless
   * something slid). Devices that changed during the listing are read at its end or by the next increment,
   * whose `modifiedSince` is the listing's start minus an overlap (clock skew, equal timestamps).
   */
  async listCards(cursor: Cursor | null, since: string | null, at: Date): Promise<InventoryPage> {
    const state: ListCursor = cursor
      ? decodeCursor(cursor)
      : { v: 1, since: since ?? this.options.initialModifiedSince, page: 1, startedAt: isoUtc(at), prev: [] };
    const page = await this.devicesPage(state.since, state.page);
    const listed = page.devices.map((d) => d.iccid);
    let slid: string[] = [];
    if (state.page > 1) {
      const again = await this.devicesPage(state.since, state.page - 1);
      const known = new Set([...state.prev, ...listed]);
      slid = again.devices.map((d) => d.iccid).filter((i) => !known.has(i));
    }
    const read = await readPerCard(uniqueRefs([...listed, ...slid].map((iccid) => ({ iccid }))), (ref) => this.readDevice(ref.iccid, at));
    const cards = read.items;
    const failures = read.failures;
    if (page.lastPage) {
      const mark = new Date(Date.parse(state.startedAt) - this.options.modifiedSinceOverlapSeconds * 1000);
      return { cards, next: null, highWaterMark: isoUtc(mark), total: null, ...(failures.length ? { failures } : {}) };
    }
    const next = encodeCursor({ ...state, page: state.page + 1, prev: listed });
    return { cards, next, highWaterMark: null, total: null, ...(failures.length ? { failures } : {}) };
  }

  private devicesPage(since: string, pageNumber: number): Promise<DevicesPage> {
    return this.client.request('GET', 'devices', 'devices', devicesPageSchema, {
      query: { modifiedSince: since, pageSize: String(this.options.pageSize), pageNumber: String(pageNumber) },
    });
  }

  /**
   * `devices/{iccid}`; for DEACTIVATED devices also `ctdUsages` (overageLimitReached → OVER_QUOTA) and, when
   * the overage does not explain it, the audit trail (a named user → MANUAL). A malformed answer about the
   * card is that card's failure (Transient).
   */
  private async readDevice(iccid: string, at: Date): Promise<CardRecord> {
    const path = `devices/${encodeURIComponent(iccid)}`;
    const device = await this.client.request('GET', path, 'devices/{iccid}', deviceSchema);
    const inference: Inference = {};
    if (needsInference(device.status)) {
      const ctd = await this.client.request('GET', `${path}/ctdUsages`, 'devices/{iccid}/ctdUsages', ctdUsageSchema);
      inference.ctd = ctd;
      if (!ctd.overageLimitReached) inference.audit = await this.auditPages(path);
    }
    return mapOne(() => mapDevice(device, inference, { planMb: this.options.planMb }, at));
  }

  private async auditPages(path: string): Promise<AuditTrails[]> {
    const pages: AuditTrails[] = [];
    for (let n = 1; n <= this.options.maxAuditPages; n++) {
      const page = await this.client.request('GET', `${path}/auditTrails`, 'devices/{iccid}/auditTrails', auditTrailsSchema, {
        query: { daysOfHistory: String(this.options.auditDays), pageNumber: String(n) },
      });
      pages.push(page);
      if (page.lastPage) break;
    }
    return pages;
  }

  async fetchCards(refs: CardRef[], at: Date): Promise<BatchResult<CardRecord>> {
    return this.perCard(refs, (ref) => this.readDevice(ref.iccid, at));
  }

  // ------------------------------------------------------------------------------------------- usage

  /** `ctdUsages` per card: bytes of the 27th–26th cycle containing `at`; quota from `options.planMb`. */
  async fetchUsage(refs: CardRef[], at: Date): Promise<BatchResult<UsageSnapshot>> {
    return this.perCard(refs, async ({ iccid }) => {
      const answer = await this.client.request('GET', `devices/${encodeURIComponent(iccid)}/ctdUsages`, 'devices/{iccid}/ctdUsages', ctdUsageSchema);
      return mapOne(() => mapCtdUsage(iccid, answer, this.quotaBytes, this.cycle, at));
    });
  }

  /** `usageInZone?cycleStartDate=yyyy-MM-ddZ` per card: a past cycle (the platform serves the last three). */
  async fetchCycleUsage(refs: CardRef[], label: string, at: Date): Promise<BatchResult<UsageSnapshot>> {
    const cycleStartDate = cycleStartParam(this.cycle, label);
    return this.perCard(refs, async ({ iccid }) => {
      const answer = await this.client.request('GET', `devices/${encodeURIComponent(iccid)}/usageInZone`, 'devices/{iccid}/usageInZone', usageInZoneSchema, {
        query: { cycleStartDate },
      });
      return mapOne(() => mapZoneUsage(iccid, answer, this.quotaBytes, this.cycle, label, at));
    });
  }

  /**
   * One card after the other (one call in flight), each card once. Every refusal about a card is that card's
   * failure whatever its scope (a cycle too old, 10000032, concerns that card's read only), as are passing
   * faults; rate limits and unreachable hosts fail the call.
   */
  protected override perCard<T>(refs: readonly CardRef[], read: (ref: CardRef) => Promise<T>): Promise<BatchResult<T>> {
    return readPerCard(uniqueRefs(refs), read);
  }

  async fetchDailyUsage(): Promise<DailyUsage[]> {
    throw new NotSupported('Jasper (carriers.md §2) serves no daily usage', { platform: manifest.id });
  }

  // ------------------------------------------------------------------------------------------- operations

  /**
   * `PUT devices/{iccid}` `{status}` per card: ACTIVATE and RESUME → ACTIVATED, SUSPEND → DEACTIVATED. Jasper
   * has no order look-up: the receipt is confirmed by re-reading the device (confirmBy STATUS). When a later
   * card of a several-card order fails, the receipt covers the cards accepted so far and `raw.notSubmitted`
   * lists the rest; when the first fails, the error is thrown.
   */
  async submit(order: OperationOrder, _refs: CardRef[], at: Date): Promise<CarrierReceipt> {
    const target =
      order.type === OperationType.SUSPEND ? JASPER_STATUS.DEACTIVATED
      : order.type === OperationType.ACTIVATE || order.type === OperationType.RESUME ? JASPER_STATUS.ACTIVATED
      : null;
    if (target === null) throw new NotSupported(`Jasper does not support ${order.type}`, { platform: manifest.id });
    const iccids = [...new Set(order.iccids)];
    if (!iccids.length) throw new Rejected('an order needs at least one card', { platform: manifest.id });
    const accepted: string[] = [];
    const effective: Record<string, string | null> = {};
    const notSubmitted: { iccid: string; error: Record<string, unknown> }[] = [];
    for (const iccid of iccids) {
      if (notSubmitted.length) {
        notSubmitted.push({ iccid, error: { message: 'not sent: an earlier card of the order failed' } });
        continue;
      }
      try {
        const res = await this.client.request('PUT', `devices/${encodeURIComponent(iccid)}`, 'devices/{iccid}', deviceChangeSchema, { body: { status: target }, order: true });
        accepted.push(iccid);
        effective[iccid] = res.effectiveDate;
      } catch (err) {
        if (!accepted.length) throw err;
        notSubmitted.push({ iccid, error: isCarrierError(err) ? err.toJSON() : { message: String(err) } });
      }
    }
    return {
      type: order.type,
      iccids: accepted,
      confirmBy: 'STATUS',
      carrierRef: null,
      expectedStatus: target === JASPER_STATUS.DEACTIVATED ? CardStatus.SUSPENDED : CardStatus.ACTIVE,
      submittedAt: at,
      raw: { targetStatus: target, effectiveDate: effective, ...(notSubmitted.length ? { notSubmitted } : {}) },
    };
  }

  /**
   * Whether a status change is still pending for each card: the audit trail lists changes asked but not yet
   * applied first, with a `status` other than `Executed` (`Pending`). One request per card (the first page of
   * the last day's history); a passing fault about one card is that card's failure.
   */
  async pendingOrders(refs: CardRef[], _at: Date): Promise<BatchResult<PendingOrderState>> {
    return this.perCard(refs, async ({ iccid }) => {
      const page = await this.client.request('GET', `devices/${encodeURIComponent(iccid)}/auditTrails`, 'devices/{iccid}/auditTrails', auditTrailsSchema, {
        query: { daysOfHistory: '1', pageNumber: '1' },
      });
      const pending = page.deviceAuditTrails.some((e) => e.field === 'status' && e.status !== null && e.status.toLowerCase() !== 'executed');
      return { iccid, pending };
    });
  }

  /** Re-reads each device: COMPLETED once it shows the target status, SUBMITTED until then (the engine applies deadlines). */
  async progress(receipt: CarrierReceipt, refs: CardRef[], _at: Date): Promise<OperationProgress> {
    if (receipt.confirmBy !== 'STATUS') throw new Rejected(`Jasper receipts are confirmed by STATUS, not ${receipt.confirmBy}`, { platform: manifest.id });
    return this.confirmByStatus(receipt, refs, {
      // submit() expects SUSPENDED (DEACTIVATED) or ACTIVE (ACTIVATED).
      target: receipt.expectedStatus === CardStatus.SUSPENDED ? JASPER_STATUS.DEACTIVATED : JASPER_STATUS.ACTIVATED,
      read: async ({ iccid }) => (await this.client.request('GET', `devices/${encodeURIComponent(iccid)}`, 'devices/{iccid}', deviceSchema)).status,
      waiting: (raw) => `status ${raw}`,
    });
  }
}
