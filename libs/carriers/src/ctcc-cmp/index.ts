import type { CarrierPlatform } from '@simgate/core';
import { CtccCmpAdapter } from './adapter';
import { manifest } from './manifest';

export { CtccCmpAdapter } from './adapter';
export { CtccCmpClient } from './client';
export { errorTable } from './errors';
export { manifest, optionsSchema, type Options } from './manifest';
export { strEnc, strDec, naturalOrdering } from './str-enc';

/** China Telecom CMP (`m2m_ec`): registered by the registry through this export. */
export const platform: CarrierPlatform = {
  manifest,
  connect: (account, deps) => new CtccCmpAdapter(account, deps),
};
