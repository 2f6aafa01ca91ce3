import type { CarrierPlatform } from '@simgate/core';
import { Intl1nceAdapter } from './adapter';
import { manifest } from './manifest';

export { Intl1nceAdapter } from './adapter';
export { Intl1nceClient } from './client';
export { errorTable } from './errors';
export { manifest, optionsSchema, type Options } from './manifest';

/** 1NCE Management API: registered by the registry through this export. */
export const platform: CarrierPlatform = {
  manifest,
  connect: (account, deps) => new Intl1nceAdapter(account, deps),
};
