import { Carrier, SHANGHAI, UTC } from './carrier';
import { zoneOf } from './zone';

describe('zoneOf', () => {
  it('is the platform zone of the manifest when the platform is known, whatever the carrier', () => {
    for (const carrier of Object.values(Carrier)) {
      expect(zoneOf({ carrier }, { zone: 'Europe/Berlin' })).toBe('Europe/Berlin');
      expect(zoneOf({ carrier }, { zone: UTC })).toBe(UTC);
      expect(zoneOf({ carrier }, { zone: SHANGHAI })).toBe(SHANGHAI);
    }
  });

  it('falls back on the carrier without a manifest: OVERSEAS → UTC, Chinese carriers → Asia/Shanghai', () => {
    expect(zoneOf({ carrier: Carrier.OVERSEAS })).toBe(UTC);
    expect(zoneOf({ carrier: Carrier.OVERSEAS }, null)).toBe(UTC);
    expect(zoneOf({ carrier: Carrier.CMCC })).toBe(SHANGHAI);
    expect(zoneOf({ carrier: Carrier.CUCC }, undefined)).toBe(SHANGHAI);
    expect(zoneOf({ carrier: Carrier.CTCC })).toBe(SHANGHAI);
  });
});
