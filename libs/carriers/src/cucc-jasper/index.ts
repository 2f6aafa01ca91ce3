import type { CarrierPlatform } from '@simgate/core';
import { CuccJasperAdapter } from './adapter';
import { manifest } from './manifest';

export { CuccJasperAdapter } from './adapter';
export { CuccJasperClient } from './client';
export { errorTable } from './errors';
export { manifest, optionsSchema, type Options } from './manifest';

/** China Unicom CMP (Jasper Control Center REST): registered by the registry through this export. */
export const platform: CarrierPlatform = {
  manifest,
  connect: (account, deps) => new CuccJasperAdapter(account, deps),
};
