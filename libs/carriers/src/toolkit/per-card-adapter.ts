import type {
  AdapterDeps,
  AdapterManifest,
  BatchResult,
  CardRef,
  CarrierAccountConfig,
  CarrierReceipt,
  Cursor,
  OperationProgress,
  PoolMembersPage,
  PoolRecord,
} from '@simgate/core';
import { checkDayRange, cycleToRead, noPools, pageOfCursor } from './checks';
import { cardScoped, type AnswerContext, type ErrorTable } from './errors';
import { readPerCard } from './per-card';
import { progressByStatus, type StatusConfirmation } from './progress';

/**
 * The shared part of an adapter for a platform that reads one card per request and has no pools (CTCC CMP,
 * 1NCE): the account it serves, per-card reads (a card-scoped refusal or a passing fault is that card's
 * failure), paging and date checks, pools refused, order progress by re-reading each card's status.
 * A subclass declares `manifest` and `errors` (its error table) and `implements CarrierAdapter`.
 */
export abstract class PerCardAdapter {
  abstract readonly manifest: AdapterManifest;
  /** The platform's error table: it says which refusals concern one card. */
  protected abstract readonly errors: ErrorTable;
  readonly account: Pick<CarrierAccountConfig, 'id' | 'platform' | 'baseUrl'>;

  constructor(
    /** The account as configured (credentials and options included): for the subclass's client and options. */
    protected readonly config: CarrierAccountConfig,
    protected readonly deps: AdapterDeps,
  ) {
    this.account = { id: config.id, platform: config.platform, baseUrl: config.baseUrl };
  }

  protected ctx(endpoint: string, secrets: readonly string[], httpStatus: number): AnswerContext {
    return { endpoint, secrets, httpStatus };
  }

  protected perCard<T>(refs: readonly CardRef[], read: (ref: CardRef) => Promise<T>): Promise<BatchResult<T>> {
    return readPerCard(refs, read, { refusalIsCards: cardScoped(this.errors) });
  }

  /** A page-number inventory cursor (null: page 1), or `Rejected`. */
  protected pageOf(cursor: Cursor | null, endpoint: string): number {
    return pageOfCursor(this.manifest.id, endpoint, cursor);
  }

  /** `from ≤ to`, both `yyyy-MM-dd`, or `Rejected`. */
  protected checkDays(from: string, to: string, endpoint: string): void {
    checkDayRange(this.manifest.id, endpoint, from, to);
  }

  /** The billing cycle `label` names and its last instant so far (`at` for the current one), or `Rejected`. */
  protected cycleToRead(label: string, at: Date): ReturnType<typeof cycleToRead> {
    return cycleToRead(this.manifest.id, this.manifest.billingCycle, label, at);
  }

  /** Each card re-read: COMPLETED on the target status, SUBMITTED while not (the engine applies deadlines). */
  protected confirmByStatus(receipt: CarrierReceipt, refs: readonly CardRef[], c: Omit<StatusConfirmation, 'refusalIsCards'>): Promise<OperationProgress> {
    return progressByStatus(receipt, refs, { ...c, refusalIsCards: cardScoped(this.errors) });
  }

  async listPools(_at: Date): Promise<PoolRecord[]> {
    throw noPools(this.manifest.id);
  }

  async listPoolMembers(_poolId: string, _cursor: Cursor | null, _at: Date): Promise<PoolMembersPage> {
    throw noPools(this.manifest.id);
  }
}
