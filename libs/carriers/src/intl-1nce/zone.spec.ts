import * as path from 'node:path';
import { asJson, itAnswersTheSameInEveryZone } from '../../../../test/support/zones';
import * as map from './map';

/**
 * Zone independence: 1NCE speaks UTC whatever the process zone (carriers.md §5). The check runs here and in
 * child processes under several TZ values.
 */
const check = (m: typeof map) => {
  const ctx = (endpoint: string) => ({ endpoint, secrets: ['S3cret-pass'], httpStatus: 200 });
  // 2026-12-01T02:00Z is December in UTC but still November 30 in Los Angeles.
  const u = m.mapUsage(
    '{"stats":[{"date":"2026-11-30","data":{"volume":"1"}},{"date":"2026-12-01","data":{"volume":"2"}}]}',
    '{"volume":"321.5","total_volume":"500","expiry_date":"2036-01-15T08:13:40.000Z"}',
    { iccid: 'x' },
    new Date('2026-12-01T02:00:00Z'),
    ctx('usage'),
    ctx('quota'),
  );
  return {
    instants: [m.utcInstant('2026-01-15T08:13:40.000+0000'), m.utcInstant('2026-01-15 08:13:40'), m.utcInstant('2026-01-15')],
    days: [m.utcDay('2026-11-30T23:30:00Z'), m.utcDay('2026-11-30')],
    cycle: [u.cycleStart, u.cycleEnd, u.usedBytes],
  };
};

describe('1NCE mappers are zone-independent', () => {
  it('read instants and days as UTC, and cycles are UTC natural months', () => {
    expect(asJson(check(map))).toEqual({
      instants: ['2026-01-15T08:13:40.000Z', '2026-01-15T08:13:40.000Z', '2026-01-15T00:00:00.000Z'],
      days: ['2026-11-30', '2026-11-30'],
      cycle: ['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 2 * 1048576],
    });
  });

  itAnswersTheSameInEveryZone(path.join(__dirname, 'map.ts'), check);
});
