import { defaultPlatformLifecycle, type AdapterManifest, type Capabilities, type Cooldowns, type OrderResendRule, type PlatformLifecycle, type QuotaManifest, type ViolationRawReason } from '@simgate/core';
import { z } from 'zod';

type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/** What a platform's manifest.ts writes: an `AdapterManifest` without the values that are the defaults. */
export interface ManifestInput<S extends z.ZodRawShape>
  extends Omit<AdapterManifest, 'capabilities' | 'quotas' | 'cooldowns' | 'orderResend' | 'options' | 'lifecycle' | 'violationRawReasons'> {
  capabilities: Optional<
    Capabilities,
    'statusBatch' | 'usageBatch' | 'dailyUsage' | 'dailyUsageDays' | 'pools' | 'realTimeUsage'
  >;
  quotas: Optional<QuotaManifest, 'maxInFlight' | 'endpoints'>;
  cooldowns?: Partial<Cooldowns>;
  orderResend?: Partial<OrderResendRule>;
  /**
   * The account's `options` (accounts file), option by option: a zod schema each, its default applied in the
   * schema (never in the adapter). Absent: the platform takes none.
   */
  options?: S;
  /** Lifecycle facts the carrier states and the defaults for the others; absent fields: `defaultPlatformLifecycle(carrier)`. */
  lifecycle?: Partial<PlatformLifecycle>;
  violationRawReasons?: ViolationRawReason[];
}

/** A manifest as `defineManifest` answers it: its `options` the strict zod schema of the account's options. */
export type Manifest<S extends z.ZodRawShape> = Omit<AdapterManifest, 'options' | 'lifecycle' | 'violationRawReasons'> & {
  options: z.ZodObject<S, 'strict'>;
  lifecycle: PlatformLifecycle;
  violationRawReasons: ViolationRawReason[];
};

/**
 * A platform's manifest with its defaults filled in: a manifest says what the platform does; what it does not
 * is the default. The defaults:
 *
 * - `capabilities`: `statusBatch`, `usageBatch`, `pools` and `realTimeUsage` false (one card per request, no
 *   pools, usage as of yesterday 24:00); `dailyUsageDays` 0 (no daily series) and `dailyUsage` whether
 *   `dailyUsageDays` is above 0, so that a platform states the days it serves and nothing else;
 * - `quotas`: `maxInFlight` null (no limit on requests in flight), `endpoints` [] (no narrower per-path quota);
 * - `cooldowns`: `sameCardChangeSeconds` and `rebindsPerMonth` null (none);
 * - `orderResend`: `idempotent` false (an in-doubt order is resent only after the processing time),
 *   `pendingCodes` [] (no code tells an order in progress).
 *
 * - `options`: none.
 * - `lifecycle`: `defaultPlatformLifecycle(carrier)` field by field (Chinese carriers: opening date stated, no expiry
 *   stated, 3 test months assumed, 6 silent months, a 12-month term assumed, cancellation 90 days after expiry;
 *   overseas: no opening date, the 6-month test period, no silent period, no automatic cancellation).
 * - `violationRawReasons`: [] (no raw reason tells which violation stopped a card).
 *
 * Every other field (`id`, `carrier`, `label`, `zone`, `credentials`, `capabilities.inventory`,
 * `capabilities.operations`, `batchSizes`, `quotas.account`, `billingCycle`, `orderProcessing`) has no
 * default and must be written. The `options` written are the account's options field by field; the manifest
 * holds their schema, strict: the accounts loader validates every account against it at start-up (defaults
 * applied, unknown keys refused: a misspelt option is an error, not a silent default), and the adapter reads
 * them typed with `accountOptions(manifest.id, manifest.options, config)`.
 */
export function defineManifest<S extends z.ZodRawShape = Record<string, never>>(m: ManifestInput<S>): Manifest<S> {
  const { capabilities: c, quotas: q } = m;
  // Written out in AdapterManifest's order, so that a manifest serializes the same whatever the input left out.
  return {
    id: m.id,
    carrier: m.carrier,
    label: m.label,
    zone: m.zone,
    credentials: m.credentials,
    capabilities: {
      inventory: c.inventory,
      statusBatch: c.statusBatch ?? false,
      usageBatch: c.usageBatch ?? false,
      dailyUsage: c.dailyUsage ?? (c.dailyUsageDays ?? 0) > 0,
      dailyUsageDays: c.dailyUsageDays ?? 0,
      pools: c.pools ?? false,
      operations: c.operations,
      realTimeUsage: c.realTimeUsage ?? false,
    },
    batchSizes: m.batchSizes,
    quotas: { account: q.account, maxInFlight: q.maxInFlight ?? null, endpoints: q.endpoints ?? [] },
    billingCycle: m.billingCycle,
    cooldowns: {
      sameCardChangeSeconds: m.cooldowns?.sameCardChangeSeconds ?? null,
      rebindsPerMonth: m.cooldowns?.rebindsPerMonth ?? null,
    },
    orderProcessing: m.orderProcessing,
    orderResend: { idempotent: m.orderResend?.idempotent ?? false, pendingCodes: m.orderResend?.pendingCodes ?? [] },
    options: z.object(m.options ?? ({} as S)).strict(),
    lifecycle: { ...defaultPlatformLifecycle(m.carrier), ...m.lifecycle },
    violationRawReasons: m.violationRawReasons ?? [],
  };
}

/** An option: a whole number from `min` to `max` (anything else refused), `dflt` when absent. */
export function intOption(min: number, max: number, dflt: number) {
  return z.number().int().min(min).max(max).default(dflt);
}

/** An option: a whole number from `min`, capped at `max` (a larger value is accepted and capped), `dflt` when absent. */
export function cappedIntOption(min: number, max: number, dflt: number) {
  return z
    .number()
    .int()
    .min(min)
    .transform((n) => Math.min(n, max))
    .default(dflt);
}

/**
 * The `planMb` option of a platform that serves no plan volume: the volume per billing cycle in MB, from the
 * account's contract; null (the default) leaves the quota and the remaining volume unknown.
 */
export function planMbOption() {
  return z.number().finite().min(0).nullable().default(null);
}

/**
 * The `lifecycle` option: what the account's contract says of its cards' lifecycle where the carrier says nothing
 * (docs/carriers.md): `testMonths` (0 = no test period; 1–9), `silentMonths`, `termMonths`, and the same per plan
 * name under `plans`. Every field optional: an undeclared one falls back to the manifest's `lifecycle` default
 * and makes the dates that rest on it estimates.
 */
export function lifecycleOption() {
  const months = (max: number) => z.number().int().min(0).max(max).optional();
  const term = z.number().int().min(1).max(600).optional();
  return z
    .object({
      testMonths: months(9),
      silentMonths: months(24),
      termMonths: term,
      plans: z.record(z.string().min(1), z.object({ testMonths: months(9), termMonths: term }).strict()).optional(),
    })
    .strict()
    .default({});
}
