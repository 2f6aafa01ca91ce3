/**
 * A fleet whose cards are derived from (seed, index) on demand: only what changed since (`states`) and the
 * orders not yet settled (`pending`) are kept, in Maps keyed by the card's index, so a million cards cost
 * memory only for those that changed. `S` is a changed card's state, `P` what is pending for a card.
 */
export abstract class DerivedFleet<S, P> {
  /** Overrides: only cards that changed. */
  readonly states = new Map<number, S>();
  readonly pending = new Map<number, P>();

  constructor(
    readonly size: number,
    readonly seed: number,
    /** The instant the fleet's history is anchored to (the clock at creation). */
    readonly epochMs: number,
  ) {
    if (size > 1_000_000_000) throw new Error(`fleet size must be at most 10^9 cards, got ${size}`);
  }
}
