import type { SimulatorPlatform } from '../sim/platform';
import type { ControlledSimulator, SimOptions } from '../sim/types';
import { JasperSimulator } from './simulator';

export { JasperSimulator, JASPER_BASE_PATH, JASPER_ERRORS, JASPER_STATUSES, jasperStatus } from './simulator';
export { JasperFleet, RATE_PLANS } from './fleet';

/** China Unicom CMP (Jasper / Control Center REST) simulator (carriers.md §2). */
export function createSimulator(options: SimOptions): JasperSimulator & ControlledSimulator {
  return new JasperSimulator(options);
}

export const simulator: SimulatorPlatform<JasperSimulator> = { id: 'cucc-jasper', portOffset: 1, create: createSimulator };
