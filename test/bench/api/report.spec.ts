import { meetsTarget, percentile, summary, type Measured } from './report';

const row = (over: Partial<Measured>): Measured => ({
  name: 'card by ICCID',
  kind: 'card',
  what: '',
  mode: '',
  rate: 0,
  requests: 1000,
  reqPerSec: 1000,
  p50: 1,
  p90: 2,
  p99: 3,
  max: 9,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  cpuMsPerRequest: 0.5,
  ...over,
});

describe('bench:api report', () => {
  it('a rate meets the target only with p99 under it, the rate delivered and no failures', () => {
    expect(meetsTarget(row({ rate: 500, reqPerSec: 499, p99: 4 }))).toBe(true);
    expect(meetsTarget(row({ rate: 500, reqPerSec: 499, p99: 5 }))).toBe(false); // strictly under 5 ms
    expect(meetsTarget(row({ rate: 500, reqPerSec: 400, p99: 4 }))).toBe(false); // rate not delivered
    expect(meetsTarget(row({ rate: 500, reqPerSec: 500, p99: 4, non2xx: 1 }))).toBe(false);
    expect(meetsTarget(row({ rate: 0, p99: 1 }))).toBe(false); // closed loop is not a swept rate
    expect(meetsTarget(row({ kind: 'list', rate: 100, reqPerSec: 100, p99: 49 }))).toBe(true);
  });

  it('names the highest swept rate meeting the target, and says so plainly when none does', () => {
    const out = summary(
      [
        row({ rate: 0, reqPerSec: 2500, p99: 40 }),
        row({ rate: 250, reqPerSec: 250, p99: 3 }),
        row({ rate: 500, reqPerSec: 500, p99: 4 }),
        row({ rate: 1000, reqPerSec: 1000, p99: 12 }),
        row({ name: 'list status+reason', kind: 'list', rate: 0, reqPerSec: 300, p99: 200 }),
        row({ name: 'list status+reason', kind: 'list', rate: 100, reqPerSec: 100, p99: 80 }),
      ],
      50,
    );
    expect(out).toContain('| card by ICCID | p99 < 5 ms | 2500 | 40 | no | 500 req/s |');
    expect(out).toContain('| list status+reason | p99 < 50 ms | 300 | 200 | no | not met at any swept rate (lowest 100 req/s) |');
  });

  it('percentiles by nearest rank', () => {
    const v = Array.from({ length: 200 }, (_, i) => i + 1); // 1..200 ms
    expect(percentile(v, 50)).toBe(100);
    expect(percentile(v, 99)).toBe(198);
    expect(percentile(v, 100)).toBe(200);
    expect(percentile([4.26], 99)).toBe(4.3);
    expect(percentile([], 99)).toBe(0);
  });
});
