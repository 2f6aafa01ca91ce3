import { defaultZoneOf, type Carrier } from './carrier';

/**
 * The time zone a card's dates are computed and shown in: its platform's zone (the manifest's) when the
 * platform is known; otherwise its carrier's (OVERSEAS → UTC, the Chinese carriers → Asia/Shanghai).
 * The one rule for every view of a card (console, metrics, lifecycle forecasts).
 */
export function zoneOf(card: { carrier: Carrier }, manifest?: { zone: string } | null): string {
  return manifest?.zone ?? defaultZoneOf(card.carrier);
}
