/**
 * Suspend reasons and their recovery (domain.md §2), the primary-reason order of carriers.md §5.
 * Every expectation below is written from those two tables.
 */
import fc from 'fast-check';
import { canResume, normalizeReasons, primaryReason, reasonsFromLabel, RECOVERY, recoveryOf, SuspendReason as R } from './suspend-reason';

const ALL = Object.values(R);

/** domain.md §2, column by column. */
const DOMAIN: Record<Exclude<R, R.UNKNOWN>, { labels: string[]; nextCycle: boolean; actor?: string }> = {
  [R.MANUAL]: { labels: ['主动停用', '人工停用', '已停用（主动停机）'], nextCycle: false, actor: 'CUSTOMER' },
  [R.DEVICE_REBIND]: { labels: ['换绑停用', '机卡分离'], nextCycle: false, actor: 'CUSTOMER' },
  [R.REAL_NAME]: { labels: ['实名停用', '未实名制违规停机'], nextCycle: false, actor: 'CARD_USER' },
  [R.CARRIER_CONTROL]: { labels: ['异常停用', '运营商管控'], nextCycle: false, actor: 'CARRIER' },
  [R.VIOLATION]: { labels: ['违规停机', '机卡分离', '在手机内使用', '高危地区使用'], nextCycle: false, actor: 'CARRIER' },
  [R.CREDIT_CONTROL]: { labels: ['信控停用', '欠费停机'], nextCycle: false, actor: 'CUSTOMER' },
  [R.USAGE_CAP]: { labels: ['达量停用', '超流量阈值停机', '达量断网'], nextCycle: true },
  [R.OVER_QUOTA]: { labels: ['超流量停机', '自动超停'], nextCycle: true },
  [R.POOL_EXHAUSTED]: { labels: ['流量池停机'], nextCycle: true },
  [R.PLAN_EXPIRED]: { labels: ['套餐到期停机', '过期停机'], nextCycle: false, actor: 'CUSTOMER' },
  [R.POOL_FROZEN]: { labels: ['流量池冻结停机'], nextCycle: false, actor: 'CUSTOMER' },
  [R.POOL_THRESHOLD]: { labels: ['后向流量池超阈值停机'], nextCycle: true },
};

/** carriers.md §5: hardest to recover first. */
const ORDER = [R.VIOLATION, R.CARRIER_CONTROL, R.DEVICE_REBIND, R.PLAN_EXPIRED, R.CREDIT_CONTROL, R.OVER_QUOTA, R.POOL_EXHAUSTED, R.USAGE_CAP, R.MANUAL];

describe('suspend reasons (domain.md §2)', () => {
  it('the guidance table covers every reason and names it', () => {
    for (const r of ALL) {
      expect(recoveryOf(r).reason).toBe(r);
      expect(recoveryOf(r).action.length).toBeGreaterThan(10);
    }
  });

  describe.each(Object.entries(DOMAIN))('%s', (reason, d) => {
    const g = RECOVERY[reason as R];
    it(`resume (复机) ${reason === R.MANUAL ? 'is' : 'is not'} allowed: only MANUAL allows it`, () => {
      expect(g.resumeAllowed).toBe(reason === R.MANUAL);
      expect(canResume([reason as R])).toBe(reason === R.MANUAL);
    });
    it(`${d.nextCycle ? 'lifts' : 'does not lift'} by itself at the next cycle`, () => {
      expect(g.liftsAtNextCycle).toBe(d.nextCycle);
    });
    if (d.actor) {
      it(`is recovered by ${d.actor}`, () => expect(g.actor).toBe(d.actor));
    }
    it.each(d.labels)('the label %s reads as this reason', (label) => {
      expect(g.labels).toContain(label);
      expect(reasonsFromLabel(label)).toContain(reason);
    });
  });

  it('exactly the reasons that come back next month lift at the next cycle', () => {
    expect(ALL.filter((r) => RECOVERY[r].liftsAtNextCycle).sort()).toEqual(
      [R.USAGE_CAP, R.OVER_QUOTA, R.POOL_EXHAUSTED, R.POOL_THRESHOLD].sort(),
    );
  });
  it('carrier control cannot be self-recovered; a violation needs support', () => {
    expect(RECOVERY[R.CARRIER_CONTROL].actor).toBe('CARRIER');
    expect(RECOVERY[R.VIOLATION].actor).toBe('CARRIER');
    expect(RECOVERY[R.VIOLATION].action).toMatch(/phone/);
  });
  it('plan expiry points at the 90-day cancellation', () => {
    expect(RECOVERY[R.PLAN_EXPIRED].action).toMatch(/90 days/);
  });
  it('UNKNOWN is never resumable and outranks every known reason (nothing is resumed on a guess)', () => {
    expect(RECOVERY[R.UNKNOWN].resumeAllowed).toBe(false);
    for (const r of ALL) if (r !== R.UNKNOWN) expect(primaryReason([r, R.UNKNOWN])).toBe(R.UNKNOWN);
  });

  describe('canResume', () => {
    it.each([
      [[R.MANUAL], true],
      [[R.MANUAL, R.MANUAL], true],
      [[], false],
      [[R.MANUAL, R.USAGE_CAP], false],
      [[R.MANUAL, R.UNKNOWN], false],
      [[R.CREDIT_CONTROL], false],
      [[R.USAGE_CAP], false],
    ])('%p → %p', (rs, want) => expect(canResume(rs)).toBe(want));
  });

  describe('primaryReason: the hardest to recover (carriers.md §5 order)', () => {
    it.each(ORDER.flatMap((hi, i) => ORDER.slice(i + 1).map((lo) => [hi, lo] as const)))('%s beats %s', (hi, lo) => {
      expect(primaryReason([lo, hi])).toBe(hi);
      expect(primaryReason([hi, lo])).toBe(hi);
    });
    it('the whole list, shuffled, gives VIOLATION; without it CARRIER_CONTROL; and so on', () => {
      for (let i = 0; i < ORDER.length; i++) {
        const rest = ORDER.slice(i);
        expect(primaryReason([...rest].reverse())).toBe(ORDER[i]);
      }
    });
    it('empty gives null', () => expect(primaryReason([])).toBeNull());
    it('property: independent of order and always one of the inputs', () => {
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...ALL), { minLength: 1, maxLength: 8 }), fc.integer(), (rs, seed) => {
          const shuffled = [...rs].sort((a, b) => ((a.charCodeAt(0) * seed) % 7) - ((b.charCodeAt(0) * seed) % 7));
          const p = primaryReason(rs);
          expect(rs).toContain(p);
          expect(primaryReason(shuffled)).toBe(p);
          expect(normalizeReasons(rs)[0]).toBe(p);
        }),
      );
    });
    it('normalizeReasons de-duplicates and sorts hardest first', () => {
      expect(normalizeReasons([R.MANUAL, R.VIOLATION, R.MANUAL, R.OVER_QUOTA])).toEqual([R.VIOLATION, R.OVER_QUOTA, R.MANUAL]);
    });
  });

  describe('reasonsFromLabel', () => {
    it.each([
      ['已停用（违规停机）', [R.VIOLATION]],
      ['已停用（主动停机）', [R.MANUAL]],
      ['已停用(主动停机)', [R.MANUAL]],
      ['已停用（未实名制违规停机）', [R.REAL_NAME]],
      ['已停用（后向流量池超阈值停机）', [R.POOL_THRESHOLD]],
      ['已停用（流量池冻结停机）', [R.POOL_FROZEN]],
      ['已停用（超流量阈值停机）', [R.USAGE_CAP]],
      ['已停用（套餐到期停机）', [R.PLAN_EXPIRED]],
      ['  流量池停机 ', [R.POOL_EXHAUSTED]],
      ['机卡分离', [R.VIOLATION, R.DEVICE_REBIND]],
      ['违规停机（机卡分离）', [R.VIOLATION, R.DEVICE_REBIND]],
      ['欠费停机，超流量停机', [R.CREDIT_CONTROL, R.OVER_QUOTA]],
      ['', []],
      ['   ', []],
      ['正常', []],
    ])('%p → %p (hardest first)', (label, want) => {
      expect(reasonsFromLabel(label)).toEqual(want);
    });
  });
});
