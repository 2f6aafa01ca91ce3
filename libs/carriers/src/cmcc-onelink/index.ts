import type { CarrierPlatform } from '@simgate/core';
import { CmccOnelinkAdapter } from './adapter';
import { manifest } from './manifest';

export { CmccOnelinkAdapter } from './adapter';
export { CmccOnelinkClient } from './client';
export { errorTable } from './errors';
export { manifest, optionsSchema, type Options } from './manifest';

/** China Mobile OneLink (API v5): registered by the registry through this export. */
export const platform: CarrierPlatform = {
  manifest,
  connect: (account, deps) => new CmccOnelinkAdapter(account, deps),
};
