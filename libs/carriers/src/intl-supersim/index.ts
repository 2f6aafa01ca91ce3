import type { AdapterDeps, CarrierAccountConfig, CarrierAdapter, CarrierPlatform } from '@simgate/core';
import { IntlSupersimAdapter } from './adapter';
import { manifest } from './manifest';

/** intl-supersim (Super SIM, carriers.md §6): discovered by the registry through this export (no central list to edit). */
export const platform: CarrierPlatform = {
  manifest,
  connect(account: CarrierAccountConfig, deps: AdapterDeps): CarrierAdapter {
    return new IntlSupersimAdapter(account, deps);
  },
};

export { IntlSupersimAdapter } from './adapter';
export { IntlSupersimClient } from './client';
export { errorTable } from './errors';
export { manifest, optionsSchema, type Options } from './manifest';
export { statusTable, statusOf, ruleOf, mapSim, mapUsage } from './map';
