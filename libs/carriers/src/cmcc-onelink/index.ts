import type { CarrierPlatform } from '@simgate/core';
import { ONELINK_MANIFEST } from './manifest';
import { OneLinkAdapter } from './adapter';

export { ONELINK_MANIFEST } from './manifest';
export { OneLinkAdapter, parseOneLinkOptions, type OneLinkOptions } from './adapter';
export { OneLinkClient } from './client';
export { ONELINK_ERRORS } from './errors';
export * as onelinkMap from './map';

/** China Mobile OneLink (API v5): registered by the registry through this export. */
export const platform: CarrierPlatform = {
  manifest: ONELINK_MANIFEST,
  connect: (account, deps) => new OneLinkAdapter(account, deps),
};
