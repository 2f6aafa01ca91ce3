import type { AdapterDeps, CarrierAccountConfig, CarrierAdapter, CarrierPlatform } from '@simgate/core';
import { Intl1nceAdapter } from './intl-1nce.adapter';
import { manifest } from './manifest';

/** 1NCE Management API, discovered by the registry. */
export const platform: CarrierPlatform = {
  manifest,
  connect(account: CarrierAccountConfig, deps: AdapterDeps): CarrierAdapter {
    return new Intl1nceAdapter(account, deps);
  },
};

export { Intl1nceAdapter, oneNceOptions } from './intl-1nce.adapter';
export { manifest, ONENCE_PLATFORM_ID } from './manifest';
