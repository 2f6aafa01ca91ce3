import type { BillingCycleRule } from './billing-cycle';
import type { CardRecord } from './card';
import type { Carrier, PlatformId } from './carrier';
import type { CarrierError } from './errors';
import type { HttpPort } from './http';
import type { PlatformLifecycle } from './lifecycle-policy';
import type { CarrierReceipt, OperationOrder, OperationProgress, OperationType } from './operation';
import type { PoolRecord } from './pool';
import type { DailyUsage, UsageSnapshot } from './usage';

/**
 * The adapter contract: the only place that knows a carrier. A platform is registered once (its manifest
 * plus a factory); the factory makes one adapter per carrier account.
 */

export interface CredentialField {
  name: string;
  label: string;
  /** Secret fields are never logged, exported or returned by the API. */
  secret: boolean;
  /** A regular expression the value must match, when the platform fixes a format. */
  pattern?: string;
  description?: string;
}

/** A request quota: at most `points` accepted requests in any sliding window of `durationSeconds`. */
export interface Quota {
  points: number;
  durationSeconds: number;
}

export interface EndpointQuota extends Quota {
  /** Endpoint classes this quota applies to: an exact class or a prefix ending in `*` (`change/*`). */
  match: string;
  /** `true`: each matching endpoint class has its own window; `false`: they share one. */
  perEndpoint: boolean;
}

export interface QuotaManifest {
  /** The account-wide quota over all endpoints. */
  account: Quota;
  /** Requests that may be in flight at once per account; null for no limit. */
  maxInFlight: number | null;
  /** Narrower quotas on some endpoint classes, applied on top of the account quota. */
  endpoints: EndpointQuota[];
}

/** How the card inventory is discovered. */
export type InventoryMode =
  /** A paged list of every card (CTCC getSIMList, 1NCE /v1/sims). */
  | 'LIST'
  /** A list of cards changed since a high-water mark (Jasper `modifiedSince`). */
  | 'MODIFIED_SINCE'
  /** No list call: cards come from imported order lists and are resolved in batches (OneLink). */
  | 'IMPORTED';

export interface Capabilities {
  inventory: InventoryMode;
  /** Status for many cards per request. */
  statusBatch: boolean;
  /** Cycle usage for many cards per request. */
  usageBatch: boolean;
  /** Daily usage series, and how many days back the platform serves. */
  dailyUsage: boolean;
  dailyUsageDays: number;
  /** Pools can be listed and read. */
  pools: boolean;
  /** Operations the platform supports; the others fail with `NotSupported`. */
  operations: OperationType[];
  /** Usage is real-time (true) or as of yesterday 24:00 (false). */
  realTimeUsage: boolean;
}

export interface BatchSizes {
  /** Cards per inventory page. */
  inventoryPage: number;
  /** Cards per status request. */
  status: number;
  /** Cards per usage request. */
  usage: number;
  /** Cards per operation request. */
  operation: number;
}

export interface Cooldowns {
  /** A card changed less than this many seconds ago cannot be changed again. */
  sameCardChangeSeconds: number | null;
  /** Successful rebinds allowed per natural month per card. */
  rebindsPerMonth: number | null;
}

export interface AdapterManifest {
  id: PlatformId;
  carrier: Carrier;
  /** Human label for the console, e.g. `中国移动 OneLink (API v5)`. */
  label: string;
  /** The zone the platform speaks (Asia/Shanghai, UTC). */
  zone: string;
  credentials: CredentialField[];
  capabilities: Capabilities;
  batchSizes: BatchSizes;
  quotas: QuotaManifest;
  billingCycle: BillingCycleRule;
  cooldowns: Cooldowns;
  /** How long the carrier takes to complete an order: typical, and the deadline after which it is failed. */
  orderProcessing: { typicalHours: number; deadlineHours: number };
  /**
   * How an order whose submission outcome is unknown ("in doubt") may be sent again once a re-read shows the
   * card short of its target (docs/architecture.md, Operations). Absent: `{ idempotent: false, pendingCodes: [] }`.
   */
  orderResend?: OrderResendRule;
  /**
   * The account's `options` as the platform accepts them: a schema that parses the accounts file's object into
   * the adapter's typed options (defaults applied) or fails. The accounts loader validates every account
   * against it at start-up and names the account in the error. Absent: the platform takes no options.
   */
  options?: OptionsSchema;
  /**
   * Which lifecycle facts the carrier states and the defaults for those it does not (docs/architecture.md,
   * Lifecycle forecasts). Absent: `defaultPlatformLifecycle(carrier)`.
   */
  lifecycle?: PlatformLifecycle;
  /**
   * Raw reasons that tell which violation (违规停机) stopped a card, for the diagnosis's step (domain.md §8): a
   * regular expression over the raw reason and the kind (OneLink's region-lock bit `000000000200`). Absent: none.
   */
  violationRawReasons?: ViolationRawReason[];
}

/** What a violation was: use in a phone (§8 step 5), in a high-risk region (step 7), or separation from the device (step 8). */
export type ViolationKind = 'PHONE' | 'HIGH_RISK_REGION' | 'DEVICE_SEPARATION';

export interface ViolationRawReason {
  /** A regular expression tested against the card's raw reason. */
  pattern: string;
  kind: ViolationKind;
}

/** The slice of a zod schema the accounts loader needs (zod schemas satisfy it; core does not depend on zod). */
export interface OptionsSchema<T = unknown> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: { path: (string | number)[]; message: string }[] } };
}

export interface OrderResendRule {
  /**
   * The order request sets the card's target state (a `PUT` of the status: Jasper, 1NCE), so a resend asks
   * nothing an earlier order did not. Such an order is resent at once when the carrier's order records
   * (`pendingOrders`) show nothing pending for the card. Otherwise — not idempotent, or no such records — it is
   * resent only once `orderProcessing.typicalHours` have passed since the last send without the target showing.
   */
  idempotent: boolean;
  /**
   * Carrier codes that refuse a change because another order on the card is in progress or too recent
   * (OneLink `12034`, CTCC `-7`): a resend refused with one of them proves an earlier order arrived; the item
   * stays in doubt, waiting for the target status or the deadline.
   */
  pendingCodes: string[];
}

/** Whether the carrier shows an order in progress for a card (`pendingOrders`). */
export interface PendingOrderState {
  iccid: string;
  pending: boolean;
}

/** A carrier account as the accounts file declares it. */
export interface CarrierAccountConfig {
  id: string;
  platform: PlatformId;
  baseUrl: string;
  credentials: Record<string, string>;
  /** CSV order list (`iccid,msisdn`) for platforms without a list call; resolved against the file's folder. */
  cards?: string;
  /** Overrides the manifest's account-wide quota; per-path limits scale by the same factor. */
  quotas?: { requestsPerSecond?: number; maxInFlight?: number };
  /**
   * The carrier's processing time for an order under this account's contract, when it differs from the platform's
   * typical one (manifest `orderProcessing.typicalHours`): an order whose submission outcome is unknown is sent
   * again only once this long has passed since its last send without its target status showing.
   */
  orderProcessingSeconds?: number;
  /**
   * Hours after submission at which the sync engine fails an order item the carrier still holds, when this
   * account's contract differs from the platform's `orderProcessing.deadlineHours`.
   */
  orderDeadlineHours?: number;
  /**
   * Usage thresholds of this account's cards and pools, in percent of the cycle's quota (events
   * `card.usage_threshold_crossed`, `pool.threshold_crossed`); absent: the fleet's (SIMGATE_USAGE_THRESHOLDS).
   */
  usageThresholds?: number[];
  /** Platform-specific options (plan volume for platforms that serve none, cycle start day, …). */
  options?: Record<string, unknown>;
}

export interface AdapterDeps {
  http: HttpPort;
  /** The clock, for token lifetimes and transaction ids only; reads take `at` explicitly. */
  now: () => Date;
}

/** An opaque paging position, stored as a sync checkpoint. */
export type Cursor = string;

export interface InventoryPage {
  cards: CardRecord[];
  /** Null when the listing is complete. */
  next: Cursor | null;
  /** For MODIFIED_SINCE platforms: the high-water mark to store once the listing completes. */
  highWaterMark?: string | null;
  /** Total cards, when the platform says. */
  total?: number | null;
  /** Cards the listing named but whose records could not be read (e.g. a malformed answer about one card). */
  failures?: { iccid: string; error: CarrierError }[];
}

export interface CardRef {
  iccid: string;
  msisdn?: string | null;
  /** What simgate knows that the carrier may not say (from its own operation history). */
  hints?: {
    /** simgate itself suspended this card (e.g. CTCC `disabledNumber 19`) and nothing resumed it since. */
    stoppedBySimgate?: boolean;
    /**
     * The usage cap (MB) simgate last set on this card and has not removed since; null or absent when none.
     * Platforms whose cap call distinguishes add from modify (CTCC `offNetAction` 1 / 2) choose by it.
     */
    usageCapMb?: number | null;
    /**
     * The carrier's raw status simgate last stored for the card. Platforms whose code set tells facts a
     * read needs (OneLink: a CT code vs a PB code decides the usage `asOf`) use it to save a request.
     */
    rawStatus?: string;
    /**
     * Dates simgate already stores for the card (undefined: not known). Platforms that pay one request
     * per card for dates (OneLink `sim-basic-info`) reuse them instead of asking again.
     */
    openedAt?: Date | null;
    activatedAt?: Date | null;
  };
}

/** A batch read: what came back, and the cards the carrier refused individually. */
export interface BatchResult<T> {
  items: T[];
  failures: { iccid: string; error: CarrierError }[];
}

export interface PoolMembersPage {
  iccids: string[];
  next: Cursor | null;
  total: number | null;
}

export interface CarrierAdapter {
  readonly manifest: AdapterManifest;
  readonly account: Pick<CarrierAccountConfig, 'id' | 'platform' | 'baseUrl'>;

  /** LIST and MODIFIED_SINCE platforms: one page of the inventory. `since` is the stored high-water mark. */
  listCards(cursor: Cursor | null, since: string | null, at: Date): Promise<InventoryPage>;
  /** Resolves known cards (imported lists, or a console's "sync these cards") into full records. */
  fetchCards(refs: CardRef[], at: Date): Promise<BatchResult<CardRecord>>;
  /** Current-cycle usage for up to `batchSizes.usage` cards. */
  fetchUsage(refs: CardRef[], at: Date): Promise<BatchResult<UsageSnapshot>>;
  /** Daily usage of one card for the days `from`..`to` (`yyyy-MM-dd`, inclusive, platform zone). */
  fetchDailyUsage(ref: CardRef, from: string, to: string, at: Date): Promise<DailyUsage[]>;
  /**
   * Optional: daily usage of many cards for one day (`yyyy-MM-dd`, platform zone), for platforms with a
   * batch endpoint (OneLink `sim-data-usage-daily/batch`, 100 cards per request). Up to `batchSizes.usage` cards.
   */
  fetchDailyUsageBatch?(refs: CardRef[], day: string, at: Date): Promise<BatchResult<DailyUsage>>;
  /**
   * Optional: usage of a past billing cycle (`label` `yyyy-MM`, see `cycleForLabel`) for up to
   * `batchSizes.usage` cards (OneLink `sim-data-usage-monthly/batch`, Jasper `usageInZone`).
   */
  fetchCycleUsage?(refs: CardRef[], label: string, at: Date): Promise<BatchResult<UsageSnapshot>>;
  listPools(at: Date): Promise<PoolRecord[]>;
  listPoolMembers(poolId: string, cursor: Cursor | null, at: Date): Promise<PoolMembersPage>;
  submit(order: OperationOrder, refs: CardRef[], at: Date): Promise<CarrierReceipt>;
  /** What the carrier says of a submitted order; items it still holds stay SUBMITTED (the engine applies deadlines). */
  progress(receipt: CarrierReceipt, refs: CardRef[], at: Date): Promise<OperationProgress>;
  /**
   * Optional: whether the carrier's own order records show a change still pending for each card (Jasper's
   * audit trail). Platforms that implement it let in-doubt idempotent orders be resent at once when nothing
   * is pending; without it, an in-doubt order is resent only after the platform's processing time.
   */
  pendingOrders?(refs: CardRef[], at: Date): Promise<BatchResult<PendingOrderState>>;
}

/** A platform registration: its manifest and the factory of per-account adapters. */
export interface CarrierPlatform {
  readonly manifest: AdapterManifest;
  connect(account: CarrierAccountConfig, deps: AdapterDeps): CarrierAdapter;
}
