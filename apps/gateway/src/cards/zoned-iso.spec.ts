import fc from 'fast-check';
import { isoInZone } from '@simgate/core';
import { fastIsoInZone } from './zoned-iso';

describe('fastIsoInZone', () => {
  const zones = ['Asia/Shanghai', 'UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham'];

  it('gives the same string as isoInZone for any instant and zone', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1800, 0, 1), max: Date.UTC(2300, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
        expect(fastIsoInZone(new Date(ms), zone)).toBe(isoInZone(new Date(ms), zone));
      }),
      { numRuns: 20_000 },
    );
  });

  it('is exact around DST transitions, minute by minute', () => {
    for (const [zone, at] of [
      ['Europe/Berlin', '2026-03-29T01:00:00Z'],
      ['Europe/Berlin', '2026-10-25T01:00:00Z'],
      ['America/Los_Angeles', '2026-11-01T09:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
    ] as const) {
      for (let m = -90; m <= 90; m++) {
        const d = new Date(Date.parse(at) + m * 60_000 + 1234);
        expect(fastIsoInZone(d, zone)).toBe(isoInZone(d, zone));
      }
    }
  });

  it('keeps isoInZone behaviour for invalid instants and far years', () => {
    expect(() => fastIsoInZone(new Date(NaN), 'UTC')).toThrow();
    const far = new Date(Date.UTC(12000, 0, 1));
    expect(fastIsoInZone(far, 'Asia/Shanghai')).toBe(isoInZone(far, 'Asia/Shanghai'));
  });
});
