import { CardStatus } from './card';
import { Carrier } from './carrier';
import { CANCELLATION_DAYS, forecastLifecycle, OVERSEAS_TEST_MONTHS, SILENT_MONTHS, type LifecycleForecast } from './lifecycle';
import type { Plan } from './plan';

/**
 * Where each fact of a lifecycle forecast comes from (docs/architecture.md, Lifecycle forecasts). domain.md's
 * rules need the opening date, the test months, the silent months, the plan term and the expiry; the carriers
 * state only some of them, and differently per platform. What a platform does not state is declared per
 * account (accounts file `options.lifecycle`, per plan name if need be) or falls back to the platform's
 * documented default (manifest `lifecycle`), and every forecast date says which it rests on.
 */

/**
 * How a forecast date is known:
 * - `CARRIER`: the carrier states the date itself (1NCE `expiry_date`);
 * - `RULE`: domain.md's rule applied to dates the carrier states and values the account declares;
 * - `ESTIMATED`: some input is a default or an estimate (test months not declared, plan term not declared,
 *   an opening date the carrier does not give and simgate takes from its first sight of the card).
 */
export type DateBasis = 'CARRIER' | 'RULE' | 'ESTIMATED';

/** A platform's lifecycle facts and defaults (manifest `lifecycle`; `defineManifest` fills the defaults per carrier). */
export interface PlatformLifecycle {
  /** The carrier gives each card's opening (开户) or shipping date. false: simgate's first sight of the card, an estimate. */
  statesOpenedAt: boolean;
  /** The carrier gives the plan's expiry (1NCE `expiry_date`). */
  statesExpiry: boolean;
  /** Test months assumed for a card known to be or have been in a test period when its account declares none (domain.md: 1–9; 3). */
  testMonths: number;
  /** Silent period in natural months (domain.md: 6 by default; overseas: none). */
  silentMonths: number;
  /** Plan term in months assumed when neither the carrier nor the account states one (domain.md: e.g. 1 or 3 years; 12). */
  termMonths: number;
  /** Days after expiry at which the carrier cancels a card not renewed (Chinese carriers: 90); null: never automatically. */
  cancellationDays: number | null;
  /** Raw statuses of never-activated cards that went through a test period (CTCC `3` 测试去激活). */
  testedRawStatuses: string[];
}

/** The defaults of a carrier's platforms (domain.md §1, §7). */
export function defaultPlatformLifecycle(carrier: Carrier): PlatformLifecycle {
  const overseas = carrier === Carrier.OVERSEAS;
  return {
    statesOpenedAt: !overseas,
    statesExpiry: false,
    testMonths: overseas ? OVERSEAS_TEST_MONTHS : 3,
    silentMonths: overseas ? 0 : SILENT_MONTHS,
    termMonths: 12,
    cancellationDays: overseas ? null : CANCELLATION_DAYS,
    testedRawStatuses: [],
  };
}

/** What an account declares (accounts file `options.lifecycle`); every field optional, per plan name if need be. */
export interface AccountLifecycle {
  /** Test months of the account's cards: 0 = no test period, 1–9 = every never-activated card had one. */
  testMonths?: number;
  silentMonths?: number;
  termMonths?: number;
  /** Per plan name (the carrier's plan or rate plan name): overrides of the account's values. */
  plans?: Record<string, { testMonths?: number; termMonths?: number }>;
}

/** The card facts a forecast reads (a stored card, or the columns the metrics collector streams). */
export interface LifecycleCard {
  carrier: Carrier;
  status: CardStatus;
  rawStatus?: string | null;
  openedAt: Date | null;
  activatedAt: Date | null;
  plan?: Plan | null;
  termMonths?: number | null;
  /** The carrier-stated expiry, when the platform states one. */
  expiresAt?: Date | null;
  /** When simgate first stored the card. */
  firstSeenAt?: Date | null;
}

export interface ExplainedForecast {
  /** The opening date the forecast starts from, and how it is known. */
  openedAt: Date | null;
  openedAtBasis: 'CARRIER' | 'ESTIMATED' | null;
  dates: LifecycleForecast;
  /** Per date: how it is known; null when the date is null. */
  basis: { testEndsAt: DateBasis | null; forcedActivationAt: DateBasis | null; expiresAt: DateBasis | null; cancellationAt: DateBasis | null };
}

const worst = (...b: DateBasis[]): DateBasis => (b.includes('ESTIMATED') ? 'ESTIMATED' : b.includes('RULE') ? 'RULE' : 'CARRIER');

/**
 * A card's forecast with the basis of each date. `platform` from the manifest (defaults per carrier when the
 * manifest has none), `account` from the account's options.
 */
export function explainLifecycle(
  card: LifecycleCard,
  zone: string,
  now: Date,
  platform: PlatformLifecycle | undefined,
  account: AccountLifecycle | undefined,
  testUsedBytes: number | null = null,
): ExplainedForecast {
  const p = platform ?? defaultPlatformLifecycle(card.carrier);
  const planName = card.plan?.name ?? null;
  const perPlan = planName !== null ? account?.plans?.[planName] : undefined;
  const overseas = card.carrier === Carrier.OVERSEAS;

  // Opening: the carrier's date; else (platforms that give none) simgate's first sight of a card never activated
  // (an activated card's forecasts do not count from its opening, and its first sight may be years after it).
  const neverActivated = card.status === CardStatus.TEST || card.status === CardStatus.INVENTORY;
  let openedAt: Date | null = null;
  let openedBasis: DateBasis = 'RULE';
  if (card.openedAt) openedAt = card.openedAt;
  else if (!p.statesOpenedAt && neverActivated && card.firstSeenAt) {
    openedAt = card.firstSeenAt;
    openedBasis = 'ESTIMATED';
  }

  // Test months (Chinese carriers): declared by the plan or the account, else the platform's assumption for a card
  // that is or was in a test period, else none (an estimate: the carrier does not say whether a test period ran).
  const declaredTest = perPlan?.testMonths ?? account?.testMonths;
  const tested = card.status === CardStatus.TEST || (card.rawStatus != null && p.testedRawStatuses.includes(card.rawStatus));
  let testMonths: number | null;
  let testBasis: DateBasis;
  if (overseas) [testMonths, testBasis] = [OVERSEAS_TEST_MONTHS, 'RULE'];
  else if (declaredTest !== undefined && (declaredTest > 0 || !tested)) [testMonths, testBasis] = [declaredTest || null, 'RULE'];
  else if (tested) [testMonths, testBasis] = [p.testMonths, 'ESTIMATED'];
  else [testMonths, testBasis] = [null, 'ESTIMATED'];

  const silentMonths = account?.silentMonths ?? p.silentMonths;
  // Term: the carrier's plan, else the plan's or the account's declaration, else the platform's assumption.
  const carrierTerm = card.termMonths ?? card.plan?.termMonths ?? null;
  const declaredTerm = perPlan?.termMonths ?? account?.termMonths;
  const termMonths = carrierTerm ?? declaredTerm ?? p.termMonths;
  const termBasis: DateBasis = carrierTerm !== null || declaredTerm !== undefined ? 'RULE' : 'ESTIMATED';
  const statedExpiry = p.statesExpiry ? (card.expiresAt ?? null) : null;

  const dates = forecastLifecycle(
    {
      carrier: card.carrier,
      zone,
      status: card.status,
      openedAt,
      testMonths,
      testUsedBytes,
      activatedAt: card.activatedAt,
      termMonths,
      silentMonths,
      cancellationDays: p.cancellationDays,
      expiresAt: statedExpiry,
    },
    now,
  );
  const expiryBasis: DateBasis = statedExpiry ? 'CARRIER' : termBasis;
  const of = (d: Date | null, b: DateBasis) => (d ? b : null);
  return {
    openedAt,
    openedAtBasis: openedAt ? (openedBasis === 'ESTIMATED' ? 'ESTIMATED' : 'CARRIER') : null,
    dates,
    basis: {
      // By volume: the carrier's own usage shows the 6 MB used; by time: opening + test months.
      testEndsAt: of(dates.testEndsAt, dates.testEndsBy === 'VOLUME' ? 'RULE' : worst(openedBasis, testBasis)),
      forcedActivationAt: of(dates.forcedActivationAt, overseas ? openedBasis : worst(openedBasis, testBasis)),
      expiresAt: of(dates.expiresAt, expiryBasis),
      // A rule applied to the expiry: carrier-stated expiry + 90 days is a rule, not the carrier's statement.
      cancellationAt: of(dates.cancellationAt, worst(expiryBasis, 'RULE')),
    },
  };
}
