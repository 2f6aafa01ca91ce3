import type { SimClock } from './clock';
import { SimCounters } from './counters';
import { FaultInjector } from './faults';
import { hash32 } from './random';
import type { ControlledSimulator, SimOptions, SimRequest, SimResponse } from './types';

/** Who a simulator is: the constants of its platform. */
export interface SimulatorIdentity {
  /** Platform id, e.g. `cmcc-onelink`. */
  platform: string;
  /** Base path the platform is served under, e.g. `/v5/ec/`. */
  basePath: string;
  /** The account id its accounts-file entry states (`cmcc-main`, …). */
  accountName: string;
  /** Salt of its fault injector's seed (with the fleet seed): each platform draws its own faults. */
  faultSalt: number;
  /** Business time from an order's acceptance to its completion when the options state none. */
  defaultOrderDelayMs: number;
}

/**
 * What every platform simulator has, whatever its platform: its clock, fault injector (seeded from the fleet
 * seed and a per-platform salt), counters, order delay and real-time source; and the account entry it
 * writes. A platform's simulator extends it with its routes and its fleet.
 */
export abstract class BaseSimulator implements ControlledSimulator {
  readonly platform: string;
  readonly basePath: string;
  abstract readonly credentials: Record<string, string>;
  readonly faults: FaultInjector;
  readonly counters = new SimCounters();
  readonly clock: SimClock;
  readonly orderDelayMs: number;
  /** Real-time source for quotas and token revocation (they are about real request rates, not business time; tests may replace it). */
  realNow: () => number = () => performance.now();

  private readonly accountName: string;

  protected constructor(options: SimOptions, identity: SimulatorIdentity) {
    this.platform = identity.platform;
    this.basePath = identity.basePath;
    this.accountName = identity.accountName;
    this.clock = options.clock;
    this.faults = new FaultInjector(hash32(options.seed, identity.faultSalt));
    this.orderDelayMs = options.orderDelayMs ?? identity.defaultOrderDelayMs;
  }

  abstract handle(req: SimRequest): Promise<SimResponse>;

  /** The account entry (ARCHITECTURE.md, Configuration): account `id`, this platform at `origin`, its credentials. */
  accountEntry(origin: string): Record<string, unknown> {
    return { id: this.accountName, platform: this.platform, baseUrl: origin + this.basePath, credentials: { ...this.credentials } };
  }
}
