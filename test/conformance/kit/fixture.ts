import type { CardRef, CardStatus, OperationParams, OperationType, SuspendReason } from '@simgate/core';
import type { ControlledSimulator, SimOptions } from '@simgate/mocks';

/**
 * What a platform's conformance registration supplies besides its platform id: how to build its simulator,
 * and the facts the simulator publishes about its fleet, turned into expectations by carriers.md §5 —
 * never by calling adapter code. The kit itself knows no platform: everything else it asserts comes
 * from the manifest and the core contract.
 */

/** One card as the simulator says it is, with the normalized view carriers.md §5 derives from it. */
export interface ExpectedCard {
  ref: CardRef;
  /** The platform's raw status as the wire shows it (`'2'`, `'ACTIVATED'`, `'Enabled'`). */
  rawStatus: string;
  /** What makes this card's case distinct besides its raw status (a stop-reason bitmap, a flag), for sampling. */
  rawCase?: string;
  status: CardStatus;
  /** The primary reason; null exactly when the status carries none. */
  suspendReason: SuspendReason | null;
  /** Every reason, when carriers.md fixes them (OneLink's bitmap). Compared as a set. */
  suspendReasons?: SuspendReason[];
}

/** A card and an order the platform accepts for it. */
export interface OperationCase {
  type: OperationType;
  ref: CardRef;
  params?: OperationParams;
  /** The status the card shows once the order completed; null when the order changes no status (cap, rebind). */
  statusAfter: CardStatus | null;
}

/** The billing cycle carriers.md fixes for the platform (checked against the manifest and every usage answer). */
export interface CycleFact {
  /** Day of the month the cycle starts on (1 = natural month). */
  startDay: number;
  zone: string;
}

export interface ConformanceFixture<S extends ControlledSimulator = ControlledSimulator> {
  /** Builds the simulator. The kit passes a fixed clock, the seed, the fleet size and the order delay. */
  createSimulator(options: SimOptions): S;
  /** Fleet size: small, but large enough that the fleet shows many raw statuses and reasons. */
  cards: number;
  seed: number;
  /** The simulator clock's start (ISO 8601 with offset). */
  start: string;
  /** Order delay of the simulator in ms (its clock is advanced past it to complete orders). */
  orderDelayMs: number;
  /** carriers.md's billing cycle of the platform. */
  cycle: CycleFact;
  /**
   * Platforms whose billing cycles are each card's own (Super SIM: a SIM's periods start at the instant it left
   * `new`): the card's current cycle, from the simulator's facts. The usage check then compares each snapshot's
   * cycle with it instead of `cycle.startDay`, and the cycle-boundary check crosses one card's own end.
   */
  expectedCycle?(sim: S, iccid: string): { start: Date; end: Date } | null;
  /** Account options (`options` in the accounts file), e.g. the OneLink pools' group ids. */
  accountOptions?(sim: S): Record<string, unknown>;
  /**
   * Every card of the fleet (or a representative part of it) with the expectation derived from the
   * simulator's own facts. The kit samples it so that every distinct (raw status, raw case) is read.
   */
  expectedCards(sim: S): ExpectedCard[];
  /** Every ICCID the platform's inventory holds (LIST / MODIFIED_SINCE listing, IMPORTED order list). */
  fleetIccids(sim: S): string[];
  /** IMPORTED inventory: the order list (`iccid,msisdn`) the account imports. */
  importedRefs?(sim: S): CardRef[];
  /** Well-formed ICCIDs (Luhn digit included) that the platform does not know. */
  unknownIccids(sim: S): string[];
  /**
   * Expected `usedBytes` of a card's current cycle, from the simulator's facts, and the rounding the
   * platform's unit allows (e.g. CTCC's two decimals of MB: ±5,243 bytes). Undefined: not checked.
   */
  expectedUsedBytes?(sim: S, iccid: string): { bytes: number; toleranceBytes: number } | null;
  /** Pool ids the account has (pools capability only). */
  poolIds?(sim: S): string[];
  /** Cards and orders for every operation the manifest lists; the card must be eligible now. */
  operations(sim: S): OperationCase[];
  /**
   * How the platform authenticates. `token`: a bearer or session token that can expire mid-sync (carriers.md
   * says so); the kit forces expiry through the simulator's control API. `static`: no token (Basic auth,
   * signed requests), so there is nothing to expire; `why` cites carriers.md.
   */
  auth: { kind: 'token' } | { kind: 'static'; why: string };
}
