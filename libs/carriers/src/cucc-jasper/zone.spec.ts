import * as path from 'node:path';
import { runInZone } from '../testing/run-in-zone';

/**
 * Zone independence, for real: the mappers run in a child Node process whose TZ is America/Los_Angeles
 * (Jest's sandbox copies process.env, so setting TZ inside a spec does not reach V8), and must give the
 * same instants as here. TypeScript is compiled on the fly with @swc/core; `@simgate/*` resolve as in tsconfig.
 */
const SCRIPT = `
  const m = require(${JSON.stringify(path.join(__dirname, 'map.ts'))});
  const at = new Date('2026-03-26T16:30:00Z');
  const u = m.mapCtdUsage('x', { ctdDataUsage: 1 }, null, m.jasperCycle(27), at);
  const before = m.mapCtdUsage('x', { ctdDataUsage: 1 }, null, m.jasperCycle(27), new Date('2026-03-26T15:59:59Z'));
  const past = m.mapZoneUsage('x', { deviceCycleUsageInZones: {} }, null, m.jasperCycle(27), '2026-03', at);
  process.stdout.write(JSON.stringify({
    zoneOffset: new Date('2026-01-01T00:00:00Z').getTimezoneOffset(),
    now: [u.cycleStart, u.cycleEnd], before: [before.cycleStart, before.cycleEnd], past: [past.cycleStart, past.cycleEnd],
    param: m.cycleStartParam(m.jasperCycle(27), '2026-03'), naive: m.parseJasperDate('2026-03-01 08:00:00'),
  }));
`;

describe('Jasper mappers are zone-independent', () => {
  it('give the same instants in a Los Angeles process', () => {
    expect(runInZone('America/Los_Angeles', SCRIPT)).toEqual({
      zoneOffset: 480,
      now: ['2026-03-26T16:00:00.000Z', '2026-04-26T16:00:00.000Z'],
      before: ['2026-02-26T16:00:00.000Z', '2026-03-26T16:00:00.000Z'],
      past: ['2026-02-26T16:00:00.000Z', '2026-03-26T16:00:00.000Z'],
      param: '2026-02-27Z',
      naive: '2026-03-01T00:00:00.000Z',
    });
  });
});
