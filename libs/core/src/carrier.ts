/** Carriers and the time zones their platforms speak. A platform, not a carrier, is the unit of an adapter. */

export enum Carrier {
  CMCC = 'CMCC',
  CUCC = 'CUCC',
  CTCC = 'CTCC',
  OVERSEAS = 'OVERSEAS',
}

/** Platform ids are open strings (`cmcc-onelink`, `cucc-jasper`, …): adding a platform edits no enum. */
export type PlatformId = string;

export const SHANGHAI = 'Asia/Shanghai';
export const UTC = 'UTC';

/** Chinese carriers' platforms compute in Asia/Shanghai; overseas platforms name their own zone. */
export function defaultZoneOf(carrier: Carrier): string {
  return carrier === Carrier.OVERSEAS ? UTC : SHANGHAI;
}
