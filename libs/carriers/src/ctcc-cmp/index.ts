import type { AdapterDeps, CarrierAccountConfig, CarrierAdapter, CarrierPlatform } from '@simgate/core';
import { CtccCmpAdapter } from './adapter';
import { manifest } from './manifest';

/** China Telecom CMP (`m2m_ec`), discovered by the registry. */
export const platform: CarrierPlatform = {
  manifest,
  connect(account: CarrierAccountConfig, deps: AdapterDeps): CarrierAdapter {
    return new CtccCmpAdapter(account, deps);
  },
};

export { CtccCmpAdapter } from './adapter';
export { CtccCmpClient } from './client';
export { manifest, type Options } from './manifest';
export { strEnc, strDec, naturalOrdering } from './str-enc';
