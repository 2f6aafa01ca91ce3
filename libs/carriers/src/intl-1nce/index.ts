import type { AdapterDeps, CarrierAccountConfig, CarrierAdapter, CarrierPlatform } from '@simgate/core';
import { Intl1nceAdapter } from './adapter';
import { manifest } from './manifest';

/** 1NCE Management API, discovered by the registry. */
export const platform: CarrierPlatform = {
  manifest,
  connect(account: CarrierAccountConfig, deps: AdapterDeps): CarrierAdapter {
    return new Intl1nceAdapter(account, deps);
  },
};

export { Intl1nceAdapter } from './adapter';
export { Intl1nceClient } from './client';
export { manifest, type Options } from './manifest';
