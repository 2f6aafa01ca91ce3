import { Carrier, CardStatus, SuspendReason, lifetimePlan, monthlyPlan, recoveryOf, type AdapterManifest, type Plan } from '@simgate/core';
import type { StoredCard, StoredUsage } from '@simgate/store';
import { manifest as cmcc } from '../../../../libs/carriers/src/cmcc-onelink/manifest';
import { manifest as ctcc } from '../../../../libs/carriers/src/ctcc-cmp/manifest';
import { manifest as cucc } from '../../../../libs/carriers/src/cucc-jasper/manifest';
import { manifest as intl } from '../../../../libs/carriers/src/intl-1nce/manifest';
import { cardView } from './card-view';
import { diagnose, type DiagnosisCheck } from './diagnosis';

/**
 * The diagnosis (domain.md §8) per platform, status and reason. Expectations are written from domain.md §2, §6,
 * §7 and §8 and the platforms' operations (carriers.md), not from the code's own tables.
 */
const NOW = new Date('2026-11-22T05:00:00Z');
const MB = 1024 * 1024;
const PLATFORMS: Record<string, { m: AdapterManifest; carrier: Carrier; plan: Plan; iccid: string }> = {
  'cmcc-onelink': { m: cmcc, carrier: Carrier.CMCC, plan: monthlyPlan(100 * MB, 12), iccid: '89860400000000000049' },
  'cucc-jasper': { m: cucc, carrier: Carrier.CUCC, plan: monthlyPlan(100 * MB, 12), iccid: '89860100000000000015' },
  'ctcc-cmp': { m: ctcc, carrier: Carrier.CTCC, plan: monthlyPlan(100 * MB, 12), iccid: '89860300000000000013' },
  'intl-1nce': { m: intl, carrier: Carrier.OVERSEAS, plan: lifetimePlan(500 * MB), iccid: '89882280000000000016' },
};
const IDS = Object.keys(PLATFORMS);

function view(platform: string, over: Partial<StoredCard> = {}, usage: Partial<StoredUsage> | null = null) {
  const p = PLATFORMS[platform];
  const card: StoredCard = {
    iccid: p.iccid,
    accountId: 'acc',
    platform,
    carrier: p.carrier,
    msisdn: null,
    imsi: null,
    imei: null,
    status: CardStatus.ACTIVE,
    suspendReason: null,
    suspendReasons: [],
    rawStatus: 'x',
    rawReason: null,
    plan: p.plan,
    poolId: null,
    activatedAt: new Date('2026-01-10T02:00:00Z'),
    openedAt: new Date('2025-12-01T02:00:00Z'),
    asOf: new Date('2026-11-22T04:00:00Z'),
    syncedAt: new Date('2026-11-22T04:00:00Z'),
    syncError: null,
    ...over,
  };
  const u: StoredUsage | null = usage
    ? ({
        iccid: p.iccid,
        cycleStart: new Date('2026-11-01T00:00:00Z'),
        cycleEnd: new Date('2026-12-01T00:00:00Z'),
        usedBytes: 10 * MB,
        quotaBytes: 100 * MB,
        remainingBytes: 90 * MB,
        asOf: new Date('2026-11-22T04:00:00Z'),
        syncedAt: new Date('2026-11-22T04:00:00Z'),
        ...usage,
      } as StoredUsage)
    : null;
  return cardView(card, u, { manifest: p.m, now: NOW });
}

const run = (platform: string, over: Partial<StoredCard> = {}, usage: Partial<StoredUsage> | null = null) =>
  diagnose(view(platform, over, usage), NOW, 3600, PLATFORMS[platform].m);
const step = (checks: DiagnosisCheck[], check: string) => checks.filter((c) => c.check === check);
const one = (checks: DiagnosisCheck[], check: string) => {
  const found = step(checks, check);
  expect(found).toHaveLength(1);
  return found[0];
};
const suspended = (reason: SuspendReason, rawReason: string | null = null): Partial<StoredCard> => ({
  status: CardStatus.SUSPENDED,
  suspendReason: reason,
  suspendReasons: [reason],
  rawReason,
});

describe('diagnose', () => {
  describe('steps numbered as domain.md §8', () => {
    it.each(IDS)('%s: ascending steps 1–8, step 3 (roaming) only overseas', (id) => {
      const { checks } = run(id);
      const steps = checks.map((c) => c.step);
      expect([...steps].sort((a, b) => a - b)).toEqual(steps);
      expect(steps.every((s) => s >= 1 && s <= 8)).toBe(true);
      expect(steps.includes(3)).toBe(id === 'intl-1nce');
      expect(new Set(steps)).toEqual(new Set(id === 'intl-1nce' ? [1, 2, 3, 4, 5, 6, 7, 8] : [1, 2, 4, 5, 6, 7, 8]));
      expect(one(checks, 'network mode').step).toBe(1);
      expect(one(checks, 'APN').step).toBe(2);
      expect(one(checks, 'card status').step).toBe(4);
      expect(one(checks, 'not used in a phone').step).toBe(5);
      expect(one(checks, 'directed traffic whitelist').step).toBe(6);
      expect(one(checks, 'high-risk region').step).toBe(7);
      expect(one(checks, 'restart').step).toBe(8);
    });

    it('network mode and APN per carrier (domain.md §7)', () => {
      const want: Record<string, [string, string]> = {
        'cmcc-onelink': ['4G only', 'cmiot'],
        'cucc-jasper': ['3G/4G', 'scuiot'],
        'ctcc-cmp': ['4G only', 'ctnet'],
        'intl-1nce': ['4G only', "the carrier's APN"],
      };
      for (const id of IDS) {
        const { checks } = run(id);
        expect(one(checks, 'network mode').detail).toContain(want[id][0]);
        expect(one(checks, 'APN').detail).toBe(`APN must be ${want[id][1]}`);
      }
    });
  });

  describe('step 4: every status on every platform', () => {
    // [platform, status, result, action must match, action must not match]
    const ACTIVATE = /POST \/v1\/operations type ACTIVATE/;
    const TABLE: [string, CardStatus, string, RegExp | null, RegExp | null][] = [
      ['cmcc-onelink', CardStatus.TEST, 'FAIL', ACTIVATE, null],
      ['cmcc-onelink', CardStatus.INVENTORY, 'FAIL', ACTIVATE, null],
      ['cucc-jasper', CardStatus.TEST, 'FAIL', ACTIVATE, null],
      ['cucc-jasper', CardStatus.INVENTORY, 'FAIL', ACTIVATE, null],
      ['ctcc-cmp', CardStatus.TEST, 'FAIL', ACTIVATE, null],
      ['ctcc-cmp', CardStatus.INVENTORY, 'FAIL', ACTIVATE, null],
      // 1NCE offers no activation call: the first data session activates the card.
      ['intl-1nce', CardStatus.INVENTORY, 'WARN', /first data session/, /ACTIVATE/],
      ['intl-1nce', CardStatus.TEST, 'WARN', /first data session/, /ACTIVATE/],
      ...IDS.map((id): [string, CardStatus, string, RegExp | null, RegExp | null] => [id, CardStatus.ACTIVE, 'PASS', null, null]),
      ...IDS.map((id): [string, CardStatus, string, RegExp | null, RegExp | null] => [id, CardStatus.CANCELLED, 'FAIL', /replace the card/, null]),
      ...IDS.map((id): [string, CardStatus, string, RegExp | null, RegExp | null] => [id, CardStatus.UNKNOWN, 'WARN', /raw status/, null]),
      // Chinese carriers cancel 90 natural days after expiry; 1NCE does not.
      ['cmcc-onelink', CardStatus.DEACTIVATED, 'FAIL', /90 natural days after expiry, on 2027-04-10T10:00:00\.000\+08:00/, null],
      ['cucc-jasper', CardStatus.DEACTIVATED, 'FAIL', /90 natural days after expiry, on 2027-04-10T10:00:00\.000\+08:00/, null],
      ['ctcc-cmp', CardStatus.DEACTIVATED, 'FAIL', /90 natural days after expiry, on 2027-04-10T10:00:00\.000\+08:00/, null],
      ['intl-1nce', CardStatus.DEACTIVATED, 'FAIL', /does not cancel an expired card automatically/, /90|cancelled/],
    ];
    it.each(TABLE)('%s %s → %s', (id, status, result, action, notAction) => {
      const never = status === CardStatus.TEST || status === CardStatus.INVENTORY;
      const reasons = status === CardStatus.DEACTIVATED ? [SuspendReason.PLAN_EXPIRED] : [];
      const r = run(id, { status, activatedAt: never ? null : new Date('2026-01-10T02:00:00Z'), suspendReason: reasons[0] ?? null, suspendReasons: reasons });
      const s = one(r.checks, 'card status');
      expect(s.result).toBe(result);
      if (action) expect(s.action).toMatch(action);
      else expect(s.action).toBeNull();
      if (notAction) expect(s.action).not.toMatch(notAction);
      expect(r.verdict).toBe(result === 'PASS' ? 'PASS' : result);
    });

    it('a never-activated card names its forced activation, marked estimated when it rests on a default', () => {
      // CMCC INVENTORY opened 2025-12-01 10:00 Shanghai: 6 silent months, last silent day 2026-05-31 → forced 2026-06-01
      // (no test months declared: estimated).
      const s = one(run('cmcc-onelink', { status: CardStatus.INVENTORY, activatedAt: null }).checks, 'card status');
      expect(s.detail).toContain('force-activated on 2026-06-01T00:00:00.000+08:00 (estimated)');
      // 1NCE opened 2025-12-01 02:00Z (as stored): the 6-month test period ends 2026-06-01 02:00Z.
      const o = one(run('intl-1nce', { status: CardStatus.INVENTORY, activatedAt: null }).checks, 'card status');
      expect(o.detail).toContain('force-activated on 2026-06-01T02:00:00.000Z');
    });

    it('data freshness: PASS within the interval, WARN when stale or never read', () => {
      expect(one(run('ctcc-cmp').checks, 'data freshness').result).toBe('PASS');
      const stale = one(run('ctcc-cmp', { syncedAt: new Date('2026-11-22T03:59:59Z') }).checks, 'data freshness');
      expect(stale).toMatchObject({ step: 4, result: 'WARN' });
      const never = one(run('ctcc-cmp', { status: CardStatus.UNKNOWN, rawStatus: '' }).checks, 'data freshness');
      expect(never.detail).toContain('has not read this card');
    });
  });

  describe('every reason on every platform (step 4 and step 8)', () => {
    const RESUME = /POST \/v1\/operations type RESUME/;
    // Hand-written per platform: [reason, platform, action pattern, forbidden pattern]
    const SPECIFIC: [SuspendReason, string, RegExp, RegExp | null][] = [
      ...IDS.map((id): [SuspendReason, string, RegExp, RegExp | null] => [SuspendReason.MANUAL, id, RESUME, null]),
      // OneLink and Jasper have no rebind call: the carrier's own path with its time frame.
      [SuspendReason.DEVICE_REBIND, 'cmcc-onelink', /China Mobile.*within 3 business days/, /REBIND/],
      [SuspendReason.DEVICE_REBIND, 'cucc-jasper', /China Unicom.*1–3 business days/, /REBIND/],
      [SuspendReason.DEVICE_REBIND, 'ctcc-cmp', /type REBIND.*5 minutes.*at most 2 successful unbinds per natural month/, null],
      [SuspendReason.DEVICE_REBIND, 'intl-1nce', /IMEI\) lock/, /REBIND/],
      [SuspendReason.USAGE_CAP, 'ctcc-cmp', /type SET_USAGE_CAP/, null],
      [SuspendReason.USAGE_CAP, 'cmcc-onelink', /carrier's console/, /SET_USAGE_CAP/],
      [SuspendReason.USAGE_CAP, 'cucc-jasper', /carrier's console/, /SET_USAGE_CAP/],
      [SuspendReason.USAGE_CAP, 'intl-1nce', /carrier's console/, /SET_USAGE_CAP/],
      // Monthly plans wait for the next cycle; 1NCE's lifetime volume does not reset.
      [SuspendReason.OVER_QUOTA, 'cmcc-onelink', /next cycle \(2026-12-01T08:00:00\.000\+08:00\)/, null],
      [SuspendReason.OVER_QUOTA, 'cucc-jasper', /add-on pack.*next cycle/, null],
      [SuspendReason.OVER_QUOTA, 'ctcc-cmp', /add-on pack.*next cycle/, null],
      [SuspendReason.OVER_QUOTA, 'intl-1nce', /lifetime volume is used up and does not reset/, /next cycle/],
      [SuspendReason.POOL_EXHAUSTED, 'cmcc-onelink', /type ACTIVATE/, null],
      [SuspendReason.POOL_EXHAUSTED, 'intl-1nce', /carrier's console/, /ACTIVATE/],
      [SuspendReason.PLAN_EXPIRED, 'cmcc-onelink', /cancelled 90 natural days after expiry/, null],
      [SuspendReason.PLAN_EXPIRED, 'intl-1nce', /Renew \(extend\)/, /90/],
    ];
    it.each(SPECIFIC)('%s on %s', (reason, id, action, forbidden) => {
      const r = run(id, suspended(reason), { usedBytes: 10 * MB });
      const s4 = one(r.checks, 'card status');
      expect(s4.result).toBe('FAIL');
      expect(s4.detail).toContain(reason);
      expect(s4.action).toMatch(action);
      if (forbidden) expect(s4.action).not.toMatch(forbidden);
      const s8 = r.checks.filter((c) => c.step === 8 && c.result === 'FAIL');
      expect(s8.length).toBeGreaterThan(0);
      expect(s8[0].action).toBe(s4.action);
    });

    // Reasons whose recovery is the same on every platform: domain.md §2's text.
    const COMMON = [SuspendReason.REAL_NAME, SuspendReason.CARRIER_CONTROL, SuspendReason.CREDIT_CONTROL, SuspendReason.POOL_FROZEN, SuspendReason.POOL_THRESHOLD, SuspendReason.UNKNOWN];
    it.each(COMMON.flatMap((r) => IDS.map((id) => [r, id] as const)))('%s on %s: the recovery of domain.md §2', (reason, id) => {
      const r = run(id, suspended(reason));
      expect(one(r.checks, 'card status').action).toBe(recoveryOf(reason).action);
      expect(one(r.checks, 'suspend reason')).toMatchObject({ step: 8, result: 'FAIL', action: recoveryOf(reason).action });
    });

    it('every reason is covered on every platform: FAIL verdict, an action at step 4', () => {
      for (const id of IDS) {
        for (const reason of Object.values(SuspendReason)) {
          const r = run(id, suspended(reason));
          expect(r.verdict).toBe('FAIL');
          expect(one(r.checks, 'card status').action).toEqual(expect.any(String));
        }
      }
    });
  });

  describe('violations at their own step', () => {
    it('OneLink region lock (000000000200) fails the high-risk-region step, not "used in a phone"', () => {
      const r = run('cmcc-onelink', suspended(SuspendReason.VIOLATION, '000000000200'));
      expect(one(r.checks, 'high-risk region')).toMatchObject({ step: 7, result: 'FAIL' });
      expect(one(r.checks, 'not used in a phone').result).toBe('INFO');
      expect(one(r.checks, 'high-risk region').action).toMatch(/local carrier's card/);
    });
    it('a region bit among others is still the region lock', () => {
      const r = run('cmcc-onelink', { status: CardStatus.SUSPENDED, suspendReason: SuspendReason.VIOLATION, suspendReasons: [SuspendReason.VIOLATION, SuspendReason.MANUAL], rawReason: '000000002200' });
      expect(one(r.checks, 'high-risk region').result).toBe('FAIL');
      expect(one(r.checks, 'suspend reason')).toMatchObject({ result: 'FAIL', action: expect.stringMatching(/type RESUME/) });
    });
    it('a violation without a kind fails step 5 with the generic recovery', () => {
      const r = run('ctcc-cmp', suspended(SuspendReason.VIOLATION, '违规停机'));
      expect(one(r.checks, 'not used in a phone')).toMatchObject({ step: 5, result: 'FAIL', action: recoveryOf(SuspendReason.VIOLATION).action });
      expect(one(r.checks, 'high-risk region').result).toBe('INFO');
    });
    it('use in a phone (在手机内使用) cannot be recovered', () => {
      const r = run('cucc-jasper', suspended(SuspendReason.VIOLATION, '违规停机（在手机内使用）'));
      expect(one(r.checks, 'not used in a phone').action).toMatch(/cannot be recovered/);
    });
    it('separation from the device (机卡分离) is the rebind of step 8', () => {
      const r = run('cmcc-onelink', suspended(SuspendReason.VIOLATION, '机卡分离'));
      expect(one(r.checks, 'moved to another device')).toMatchObject({ step: 8, result: 'FAIL', action: expect.stringMatching(/China Mobile/) });
      expect(one(r.checks, 'not used in a phone').result).toBe('INFO');
    });
    it('the region lock is OneLink\'s code: the same raw reason means nothing on CTCC', () => {
      const r = run('ctcc-cmp', suspended(SuspendReason.VIOLATION, '000000000200'));
      expect(one(r.checks, 'high-risk region').result).toBe('INFO');
      expect(one(r.checks, 'not used in a phone').result).toBe('FAIL');
    });
  });

  describe('data allowance (step 8): monthly plans vs lifetime volumes', () => {
    it('a lifetime volume at 0 remaining fails (it does not reset); above 0 passes', () => {
      const zero = one(run('intl-1nce', {}, { usedBytes: 500 * MB, quotaBytes: 500 * MB, remainingBytes: 0 }).checks, 'data allowance');
      expect(zero).toMatchObject({ step: 8, result: 'FAIL' });
      expect(zero.action).toMatch(/does not reset/);
      const left = one(run('intl-1nce', {}, { usedBytes: 1, quotaBytes: 500 * MB, remainingBytes: 6 * MB }).checks, 'data allowance');
      expect(left).toMatchObject({ result: 'PASS', detail: `${6 * MB} bytes left of the lifetime volume` });
    });
    it('a monthly plan: overage and exactly 0 warn with the next cycle; inside the plan passes', () => {
      const over = one(run('cmcc-onelink', {}, { remainingBytes: -5 }).checks, 'data allowance');
      expect(over).toMatchObject({ result: 'WARN', detail: 'the card is 5 bytes over this cycle\'s allowance' });
      expect(over.action).toContain('2026-12-01T08:00:00.000+08:00');
      expect(one(run('cmcc-onelink', {}, { remainingBytes: 0 }).checks, 'data allowance').result).toBe('WARN');
      expect(one(run('cmcc-onelink', {}, { remainingBytes: 1 }).checks, 'data allowance').result).toBe('PASS');
    });
    it('a platform that serves no plan volume: INFO, not a pass', () => {
      const c = one(run('ctcc-cmp', {}, { quotaBytes: null, remainingBytes: null }).checks, 'data allowance');
      expect(c.result).toBe('INFO');
    });
    it('no usage shown (never-activated cards): no allowance check', () => {
      expect(step(run('cucc-jasper', { status: CardStatus.TEST, activatedAt: null }, null).checks, 'data allowance')).toEqual([]);
    });
  });

  it('without a manifest: no operation is suggested', () => {
    const v = view('cmcc-onelink', suspended(SuspendReason.MANUAL));
    const r = diagnose(v, NOW, 3600);
    expect(one(r.checks, 'card status').action).not.toMatch(/POST/);
  });
});
