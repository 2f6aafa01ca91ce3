import type { SimClock } from './clock';
import { SimCounters } from './counters';
import { FaultInjector } from './faults';
import { hash32 } from './random';
import type { ControlledSimulator, SimOptions, SimRequest, SimResponse } from './types';

/**
 * What every platform simulator has, whatever its platform: its clock, fault injector (seeded from the fleet
 * seed and a per-platform salt), counters, order delay and real-time source; and the account entry it
 * writes. A platform's simulator extends it with its routes and its fleet.
 */
export abstract class BaseSimulator implements ControlledSimulator {
  abstract readonly platform: string;
  abstract readonly basePath: string;
  abstract readonly credentials: Record<string, string>;
  readonly faults: FaultInjector;
  readonly counters = new SimCounters();
  readonly clock: SimClock;
  readonly orderDelayMs: number;
  /** Real-time source for quotas and token revocation (they are about real request rates, not business time; tests may replace it). */
  realNow: () => number = () => performance.now();

  protected constructor(options: SimOptions, faultSalt: number, defaultOrderDelayMs: number) {
    this.clock = options.clock;
    this.faults = new FaultInjector(hash32(options.seed, faultSalt));
    this.orderDelayMs = options.orderDelayMs ?? defaultOrderDelayMs;
  }

  abstract handle(req: SimRequest): Promise<SimResponse>;

  /** The account entry (ARCHITECTURE.md, Configuration): account `id`, this platform at `origin`, its credentials. */
  accountEntry(origin: string): Record<string, unknown> {
    return { id: this.accountName, platform: this.platform, baseUrl: origin + this.basePath, credentials: { ...this.credentials } };
  }

  /** The account id the simulator's entry states (`cmcc-main`, …). */
  protected abstract readonly accountName: string;
}
