import { describe, jest } from '@jest/globals';
import type { ControlledSimulator } from '@simgate/mocks';
import { setUpKit } from './context';
import { describeCards } from './cards';
import { describeFaults } from './faults';
import type { ConformanceFixture } from './fixture';
import { describeInventory } from './inventory';
import { describeManifest } from './manifest';
import { describeOperations } from './operations';
import { describePools } from './pools';
import { describeCycleBoundary, describeUsage } from './usage';

export type { ConformanceFixture, ExpectedCard, OperationCase, CycleFact } from './fixture';
export { SimControl } from './sim-control';
export { sampleCases, type ConformanceContext } from './context';

/**
 * The conformance kit: one suite every adapter passes against its simulator over real HTTP on loopback.
 * It knows no platform. The REAL adapter comes from the registry and speaks through a real `CarrierHttp`;
 * the simulator is driven only through its control API (`/_sim/…`). What is asserted comes from the
 * manifest and the core contract, plus the registration's fixture (expectations derived from the
 * simulator's published fleet facts by carriers.md §5). A test is skipped only where the manifest
 * declares the capability missing (and then the adapter must answer `NotSupported`), or where the
 * fixture states that carriers.md gives the platform no token to expire.
 *
 * One file per feature group, run in this order: manifest, inventory, cards, usage, pools, faults,
 * operations, the cycle boundary (last: it moves the clock). Order deadlines are the sync engine's (the adapter's receipt carries none), so none is checked here.
 */
export function describeConformance<S extends ControlledSimulator>(platformId: string, fixture: ConformanceFixture<S>): void {
  describe(`conformance: ${platformId}`, () => {
    // Paging a whole fleet at the carrier's quota (Jasper: one request in flight) takes a while on a loaded machine.
    jest.setTimeout(120_000);
    const kit = setUpKit(platformId, fixture);
    describeManifest(kit);
    describeInventory(kit);
    describeCards(kit);
    describeUsage(kit);
    describePools(kit);
    describeFaults(kit);
    describeOperations(kit);
    describeCycleBoundary(kit);
  });
}
