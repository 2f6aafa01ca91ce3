import { SimClock } from '../sim/clock';
import { createSimulator } from './index';

/** 1,000,000 cards are derived, not stored: building the fleet costs nothing up front. */
describe('cmcc-onelink at fleet scale', () => {
  it('a fleet of 1,000,000 cards costs nothing up front and answers for its last card', () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const sim = createSimulator({ cards: 1_000_000, seed: 11, clock: SimClock.fixed('2026-03-10T10:00:00+08:00') });
    const last = sim.fleet.iccidOf(999_999);
    expect(sim.fleet.byIccid(last)).toBe(999_999);
    expect(sim.fleet.byIccid(sim.fleet.iccid.encode(1_000_000))).toBe(-1);
    expect(['1', '2', '4', '6', '7', '8', '9', '00', '01', '02', '03', '04', '06', '07']).toContain(sim.cardStatus(999_999, sim.state(999_999)));
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(20 * 1024 * 1024);
  });
});
