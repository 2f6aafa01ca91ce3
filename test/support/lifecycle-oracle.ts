/**
 * An oracle for the lifecycle forecast and the diagnosis of a card, written from domain.md §1, §2, §7, §8 and the
 * platforms' operations in carriers.md, independently of libs/core and apps/gateway: plain wall-clock arithmetic
 * at a fixed offset (Asia/Shanghai is UTC+8 all year since 1992; 1NCE speaks UTC) and tables typed by hand.
 * Where domain.md is silent it follows the decisions of docs/architecture.md (Lifecycle forecasts).
 */

/** Per platform, by hand: the zone's offset, what the carrier states, the defaults, the operations it offers. */
export const PLATFORM_FACTS: Record<string, {
  offsetHours: number;
  chinese: boolean;
  statesOpening: boolean;
  statesExpiry: boolean;
  /** Raw statuses of never-activated cards past a test period. */
  testedRaw: string[];
  /** Term assumed when none is stated or declared. */
  termMonths: number;
  operations: string[];
  apn: string;
}> = {
  'cmcc-onelink': { offsetHours: 8, chinese: true, statesOpening: true, statesExpiry: false, testedRaw: [], termMonths: 12, operations: ['ACTIVATE', 'SUSPEND', 'RESUME'], apn: 'cmiot' },
  'cucc-jasper': { offsetHours: 8, chinese: true, statesOpening: true, statesExpiry: false, testedRaw: [], termMonths: 12, operations: ['ACTIVATE', 'SUSPEND', 'RESUME'], apn: 'scuiot' },
  'ctcc-cmp': { offsetHours: 8, chinese: true, statesOpening: true, statesExpiry: false, testedRaw: ['3'], termMonths: 12, operations: ['ACTIVATE', 'SUSPEND', 'RESUME', 'REBIND', 'SET_USAGE_CAP'], apn: 'ctnet' },
  'intl-1nce': { offsetHours: 0, chinese: false, statesOpening: false, statesExpiry: true, testedRaw: [], termMonths: 120, operations: ['SUSPEND', 'RESUME'], apn: "the carrier's APN" },
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Test months assumed for a card in (or past) a test period; the silent period; the cancellation delay (domain.md §1). */
const TEST_MONTHS = 3;
const SILENT_MONTHS = 6;
const OVERSEAS_TEST_MONTHS = 6;
const CANCEL_DAYS = 90;
const TEST_BYTES = 6 * 1024 * 1024;

interface Wall { y: number; m: number; d: number; tod: number }
const wall = (ms: number, off: number): Wall => {
  const w = new Date(ms + off);
  return { y: w.getUTCFullYear(), m: w.getUTCMonth(), d: w.getUTCDate(), tod: (ms + off) % DAY < 0 ? ((ms + off) % DAY) + DAY : (ms + off) % DAY };
};
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
/** `ms` + n calendar months at the same wall time, the day clamped to the target month's last day. */
function plusMonths(ms: number, n: number, off: number): number {
  const w = wall(ms, off);
  const idx = w.y * 12 + w.m + n;
  const y = Math.floor(idx / 12);
  const m = idx - y * 12;
  return Date.UTC(y, m, Math.min(w.d, daysIn(y, m))) + w.tod - off;
}
/** The 1st of the month after the silent (and test) buffer: opening day + months is the first day past the buffer. */
function forcedAfter(openedMs: number, months: number, off: number): number {
  const w = wall(openedMs, off);
  const idx = w.y * 12 + w.m + months;
  const y = Math.floor(idx / 12);
  const m = idx - y * 12;
  const pastDay = Math.min(w.d, daysIn(y, m));
  // The buffer's last day is the day before `pastDay`: in month m when pastDay > 1, else in month m − 1.
  const forcedIdx = pastDay > 1 ? idx + 1 : idx;
  return Date.UTC(Math.floor(forcedIdx / 12), forcedIdx % 12, 1) - off;
}
const p = (n: number, w = 2) => String(n).padStart(w, '0');
/** ISO 8601 at the platform's offset, milliseconds included, `Z` for UTC. */
export function isoAt(ms: number, offsetHours: number): string {
  const off = offsetHours * HOUR;
  const w = new Date(ms + off);
  const body = `${w.getUTCFullYear()}-${p(w.getUTCMonth() + 1)}-${p(w.getUTCDate())}T${p(w.getUTCHours())}:${p(w.getUTCMinutes())}:${p(w.getUTCSeconds())}.${p(w.getUTCMilliseconds(), 3)}`;
  return offsetHours === 0 ? `${body}Z` : `${body}+${p(offsetHours)}:00`;
}

/** The facts of a stored card the oracle reads (carrier-stated values, as simgate stored them). */
export interface OracleCard {
  platform: string;
  status: string;
  rawStatus: string;
  openedAt: Date | null;
  activatedAt: Date | null;
  plan: { kind: string; termMonths: number | null; expiresAt?: string } | null;
}

type Basis = 'CARRIER' | 'RULE' | 'ESTIMATED' | null;
export interface ExpectedLifecycle {
  openedAt: string | null;
  testEndsAt: string | null;
  testEndsBy: 'TIME' | 'VOLUME' | null;
  forcedActivationAt: string | null;
  expiresAt: string | null;
  cancellationAt: string | null;
  basis: { openedAt: Basis; testEndsAt: Basis; forcedActivationAt: Basis; expiresAt: Basis; cancellationAt: Basis };
}

/**
 * The expected lifecycle of a card whose account declares nothing: `firstSeen` is when simgate first stored it,
 * `testUsedBytes` the usage it holds for a TEST card (none when the platform serves none).
 */
export function expectedLifecycle(c: OracleCard, firstSeen: Date, now: Date, testUsedBytes: number | null = null): ExpectedLifecycle {
  const f = PLATFORM_FACTS[c.platform];
  const off = f.offsetHours * HOUR;
  const iso = (ms: number | null) => (ms === null ? null : isoAt(ms, f.offsetHours));
  const never = c.status === 'TEST' || c.status === 'INVENTORY';
  let opened: number | null = null;
  let openedBasis: Basis = null;
  if (c.openedAt) [opened, openedBasis] = [c.openedAt.getTime(), 'CARRIER'];
  else if (!f.statesOpening && never) [opened, openedBasis] = [firstSeen.getTime(), 'ESTIMATED'];
  const out: ExpectedLifecycle = {
    openedAt: iso(opened),
    testEndsAt: null,
    testEndsBy: null,
    forcedActivationAt: null,
    expiresAt: null,
    cancellationAt: null,
    basis: { openedAt: openedBasis, testEndsAt: null, forcedActivationAt: null, expiresAt: null, cancellationAt: null },
  };
  if (c.status === 'CANCELLED') return out;
  const openedEst = openedBasis === 'ESTIMATED';
  if (never && opened !== null) {
    if (!f.chinese) {
      // Overseas: no silent period; a 6-month test period, then forced activation.
      const end = plusMonths(opened, OVERSEAS_TEST_MONTHS, off);
      const b: Basis = openedEst ? 'ESTIMATED' : 'RULE';
      Object.assign(out, { testEndsAt: iso(end), testEndsBy: 'TIME', forcedActivationAt: iso(end) });
      out.basis.testEndsAt = b;
      out.basis.forcedActivationAt = b;
    } else {
      // Nothing is declared: a card in or past a test period is assumed to have had 3 test months, any other none.
      const tested = c.status === 'TEST' || f.testedRaw.includes(c.rawStatus);
      const testMonths = tested ? TEST_MONTHS : 0;
      if (c.status === 'TEST') {
        const byTime = plusMonths(opened, testMonths, off);
        const byVolume = (testUsedBytes ?? 0) >= TEST_BYTES && now.getTime() < byTime;
        out.testEndsAt = iso(byVolume ? now.getTime() : byTime);
        out.testEndsBy = byVolume ? 'VOLUME' : 'TIME';
        out.basis.testEndsAt = byVolume ? 'RULE' : 'ESTIMATED';
      }
      out.forcedActivationAt = iso(forcedAfter(opened, testMonths + SILENT_MONTHS, off));
      out.basis.forcedActivationAt = 'ESTIMATED';
    }
  }
  let expires: number | null = null;
  let expiresBasis: Basis = null;
  if (f.statesExpiry && c.plan?.expiresAt) [expires, expiresBasis] = [Date.parse(c.plan.expiresAt), 'CARRIER'];
  else if (c.activatedAt) {
    const stated = c.plan?.termMonths ?? null;
    [expires, expiresBasis] = [plusMonths(c.activatedAt.getTime(), stated ?? f.termMonths, off), stated !== null ? 'RULE' : 'ESTIMATED'];
  }
  if (expires !== null) {
    out.expiresAt = iso(expires);
    out.basis.expiresAt = expiresBasis;
    if (f.chinese) {
      // 90 natural days after expiry, at the expiry's wall time (no DST at UTC+8).
      out.cancellationAt = iso(expires + CANCEL_DAYS * DAY);
      out.basis.cancellationAt = expiresBasis === 'ESTIMATED' ? 'ESTIMATED' : 'RULE';
    }
  }
  return out;
}

/** What the diagnosis of a card must say (domain.md §8), for the parts the oracle decides. */
export interface ExpectedDiagnosis {
  /** Steps present, in order (several checks may share one). */
  steps: number[];
  /** Step 4's result. */
  statusResult: 'PASS' | 'FAIL' | 'WARN';
  /** A check (by name) that must fail, when the card's reasons name one. */
  failing: string[];
  /** Operations any action may suggest. */
  operations: string[];
  /** Text no check may contain. */
  forbidden: RegExp[];
  /** Text step 4's action must contain. */
  statusAction: RegExp | null;
  /** The data allowance check's result, when the card shows usage. */
  allowance: 'PASS' | 'FAIL' | 'WARN' | 'INFO' | null;
}

export interface DiagnosedCard extends OracleCard {
  suspendReasons: string[];
  rawReason: string | null;
  usage: { remainingBytes: number | null } | null;
  /** The card JSON's cancellation date, for the 90-day advice. */
  cancellationAt: string | null;
}

export function expectedDiagnosis(c: DiagnosedCard): ExpectedDiagnosis {
  const f = PLATFORM_FACTS[c.platform];
  const steps = f.chinese ? [1, 2, 4, 5, 6, 7, 8] : [1, 2, 3, 4, 5, 6, 7, 8];
  const statusResult =
    c.status === 'ACTIVE' ? 'PASS'
      : c.status === 'UNKNOWN' ? 'WARN'
        : (c.status === 'TEST' || c.status === 'INVENTORY') && !f.operations.includes('ACTIVATE') ? 'WARN'
          : 'FAIL';
  const failing: string[] = [];
  const r = c.suspendReasons;
  // OneLink's stopReason bit `000000000200` is the region lock (carriers.md §1): step 7, not step 5.
  const regionLock = c.platform === 'cmcc-onelink' && /^\d{9}2/.test(c.rawReason ?? '');
  if (r.includes('VIOLATION')) failing.push(regionLock ? 'high-risk region' : 'not used in a phone');
  if (r.includes('DEVICE_REBIND')) failing.push('moved to another device');
  if (r.some((x) => x !== 'VIOLATION' && x !== 'DEVICE_REBIND')) failing.push('suspend reason');
  const forbidden: RegExp[] = [];
  // The 90-day cancellation is a rule of the Chinese carriers only (domain.md §1).
  if (!f.chinese) forbidden.push(/cancelled 90|90 natural days|90 days after/);
  // "Wait for the next cycle" does not apply to a lifetime volume.
  if (c.plan?.kind === 'LIFETIME' && r.includes('OVER_QUOTA')) forbidden.push(/next cycle/);
  let statusAction: RegExp | null = null;
  if (c.status === 'TEST' || c.status === 'INVENTORY') statusAction = f.operations.includes('ACTIVATE') ? /type ACTIVATE/ : /first data session/;
  if (c.status === 'DEACTIVATED') statusAction = f.chinese ? new RegExp(`90 natural days after expiry${c.cancellationAt ? `, on ${c.cancellationAt.replace(/[.+]/g, '\\$&')}` : ''}`) : /does not cancel/;
  if (c.status === 'SUSPENDED' && r[0] === 'DEVICE_REBIND') {
    statusAction = { 'cmcc-onelink': /China Mobile.*3 business days/, 'cucc-jasper': /China Unicom.*1–3 business days/, 'ctcc-cmp': /type REBIND/, 'intl-1nce': /IMEI\) lock/ }[c.platform]!;
  }
  if (c.status === 'SUSPENDED' && r[0] === 'MANUAL') statusAction = f.operations.includes('RESUME') ? /type RESUME/ : /carrier's console/;
  if (c.status === 'SUSPENDED' && r[0] === 'OVER_QUOTA') statusAction = c.plan?.kind === 'LIFETIME' ? /does not reset/ : /next cycle/;
  let allowance: ExpectedDiagnosis['allowance'] = null;
  if (c.usage) {
    const left = c.usage.remainingBytes;
    if (left === null) allowance = 'INFO';
    else if (c.plan?.kind === 'LIFETIME') allowance = left <= 0 ? 'FAIL' : 'PASS';
    else allowance = left <= 0 ? 'WARN' : 'PASS';
  }
  return { steps, statusResult, failing, operations: f.operations, forbidden, statusAction, allowance };
}
