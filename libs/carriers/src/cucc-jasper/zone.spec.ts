import * as path from 'node:path';
import { asJson, itAnswersTheSameInEveryZone } from '../../../../test/support/zones';
import * as map from './map';

/**
 * Zone independence: the Jasper mappers give the same instants whatever the process zone (Jasper's
 * business time is Asia/Shanghai). The check runs here and in child processes under several TZ values.
 */
const check = (m: typeof map) => {
  const at = new Date('2026-03-26T16:30:00Z');
  const ctd = { iccid: null, ctdDataUsage: 1, overageLimitReached: false, overageLimitOverride: null };
  const u = m.mapCtdUsage('x', ctd, null, m.jasperCycle(27), at);
  const before = m.mapCtdUsage('x', ctd, null, m.jasperCycle(27), new Date('2026-03-26T15:59:59Z'));
  const past = m.mapZoneUsage('x', { iccid: null, cycleStartDate: null, cycleEndDate: null, deviceCycleUsageInZones: {} }, null, m.jasperCycle(27), '2026-03', at);
  const firstDay = m.mapCtdUsage('x', ctd, null, m.jasperCycle(1), at);
  const dates = ['2026-03-01T08:00:00Z', '2026-03-01T08:00:00+08:00', '2026-03-01 08:00:00.000+0000', '2026-03-01 08:00:00', '2026-03-01'];
  return {
    now: [u.cycleStart, u.cycleEnd],
    before: [before.cycleStart, before.cycleEnd],
    past: [past.asOf, past.cycleStart, past.cycleEnd],
    firstDay: firstDay.cycleStart,
    param: m.cycleStartParam(m.jasperCycle(27), '2026-03'),
    dates: dates.map((d) => m.parseJasperDate(d)),
  };
};

describe('Jasper mappers are zone-independent', () => {
  it('give the Shanghai instants of carriers.md', () => {
    expect(asJson(check(map))).toEqual({
      now: ['2026-03-26T16:00:00.000Z', '2026-04-26T16:00:00.000Z'],
      before: ['2026-02-26T16:00:00.000Z', '2026-03-26T16:00:00.000Z'],
      past: ['2026-03-26T16:00:00.000Z', '2026-02-26T16:00:00.000Z', '2026-03-26T16:00:00.000Z'],
      firstDay: '2026-02-28T16:00:00.000Z',
      param: '2026-02-27Z',
      // Without an offset a Jasper date is a Shanghai wall-clock time.
      dates: ['2026-03-01T08:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-03-01T08:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-02-28T16:00:00.000Z'],
    });
  });

  itAnswersTheSameInEveryZone(path.join(__dirname, 'map.ts'), check);
});
