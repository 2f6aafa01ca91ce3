import type { CarrierPlatform } from '@simgate/core';
import { JasperAdapter } from './adapter';
import { JASPER_MANIFEST } from './manifest';

export { JASPER_MANIFEST } from './manifest';
export { JasperAdapter, parseJasperOptions, type JasperOptions } from './adapter';
export { JasperClient } from './client';
export { JASPER_ERRORS } from './errors';
export * as jasperMap from './map';

/** China Unicom CMP (Jasper Control Center REST): registered by the registry through this export. */
export const platform: CarrierPlatform = {
  manifest: JASPER_MANIFEST,
  connect: (account, deps) => new JasperAdapter(account, deps),
};
