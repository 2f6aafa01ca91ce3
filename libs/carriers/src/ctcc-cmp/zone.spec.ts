import * as path from 'node:path';
import { asJson, itAnswersTheSameInEveryZone } from '../../../../test/support/zones';
import * as map from './map';

/**
 * Zone independence: CTCC computes in Asia/Shanghai whatever the process zone (carriers.md §5). The check
 * runs here and in child processes under several TZ values.
 */
const check = (m: typeof map) => {
  const traffic =
    '<root><NEW_DATA_TICKET_QRsp><IRESULT>0</IRESULT><TOTAL_BYTES_CNT>512.00MB</TOTAL_BYTES_CNT><GROUP_TRANSACTIONID>1</GROUP_TRANSACTIONID><number>1410012345678</number></NEW_DATA_TICKET_QRsp></root>';
  const ctx = (endpoint: string) => ({ endpoint, secrets: ['pwd12345'], httpStatus: 200 });
  // 2026-11-30 15:59:59Z = 23:59:59 on Nov 30 in Shanghai (November); 16:00Z = Dec 1 00:00 (December).
  const before = m.mapTraffic(traffic, { iccid: 'x' }, new Date('2026-11-30T15:59:59Z'), ctx('queryTraffic'));
  const after = m.mapTraffic(traffic, { iccid: 'x' }, new Date('2026-11-30T16:00:00Z'), ctx('queryTraffic'));
  const page = m.mapSimListPage(
    JSON.stringify({ resultCode: '0', totalCount: '1', pageIndex: '1', simList: [{ iccid: '89860312345678901235', simStatus: '4', activationTime: '2026-12-01 00:30:00' }] }),
    new Date('2026-11-30T17:00:00Z'),
    ctx('getSIMList'),
  );
  return { before: [before.cycleStart, before.cycleEnd], after: [after.cycleStart, after.cycleEnd], activatedAt: page.cards[0].activatedAt };
};

describe('CTCC mappers are zone-independent', () => {
  it('give Shanghai natural months and read wall-clock times as Shanghai times', () => {
    expect(asJson(check(map))).toEqual({
      before: ['2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z'],
      after: ['2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
      activatedAt: '2026-11-30T16:30:00.000Z',
    });
  });

  itAnswersTheSameInEveryZone(path.join(__dirname, 'map.ts'), check);
});
