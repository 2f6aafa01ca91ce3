import * as path from 'node:path';
import { asJson, itAnswersTheSameInEveryZone } from '../../../../test/support/zones';
import * as map from './map';

/**
 * Zone independence: the OneLink mappers give the same instants whatever the process zone (OneLink's
 * business time is Asia/Shanghai). The check runs here and in child processes under several TZ values.
 */
const check = (m: typeof map) => {
  const at = new Date('2026-03-31T17:30:00Z');
  const usage = { dataAmount: '1', apnUseAmountList: [] };
  const ct = m.mapUsage('x', usage, null, 'CT', at);
  const pb = m.mapUsage('x', usage, null, 'PB', at);
  const none = { iccid: null, msisdn: null };
  const card = m.mapCard(
    {
      iccid: 'x',
      info: { ...none, message: null, imsi: null, status: '0' },
      status: { ...none, cardStatus: '2', lastChangeDate: null },
      basic: { ...none, imsi: null, activeDate: '2025-01-02 03:04:05', openDate: '2024-12-01 00:00:00' },
    },
    at,
  );
  const monthly = m.mapMonthlyUsage('x', { ...none, dataAmount: '1' }, '2026-02', at);
  return {
    ct: [ct.asOf, ct.cycleStart, ct.cycleEnd],
    pb: [pb.asOf, pb.cycleStart, pb.cycleEnd],
    unknownCodeSet: m.usageAsOf(null, at),
    card: [card.activatedAt, card.openedAt],
    monthly: [monthly.asOf, monthly.cycleStart, monthly.cycleEnd],
  };
};

describe('OneLink mappers are zone-independent', () => {
  it('give the Shanghai instants of carriers.md', () => {
    expect(asJson(check(map))).toEqual({
      ct: ['2026-03-31T17:30:00.000Z', '2026-03-31T16:00:00.000Z', '2026-04-30T16:00:00.000Z'],
      pb: ['2026-03-31T16:00:00.000Z', '2026-03-31T16:00:00.000Z', '2026-04-30T16:00:00.000Z'],
      unknownCodeSet: '2026-03-31T16:00:00.000Z',
      card: ['2025-01-01T19:04:05.000Z', '2024-11-30T16:00:00.000Z'],
      monthly: ['2026-02-28T16:00:00.000Z', '2026-01-31T16:00:00.000Z', '2026-02-28T16:00:00.000Z'],
    });
  });

  itAnswersTheSameInEveryZone(path.join(__dirname, 'map.ts'), check);
});
