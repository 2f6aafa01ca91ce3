import type { JasperFleet } from './fleet';

/** The `devices?modifiedSince` order: base cards by index, then cards changed since genesis by change time. */
export interface Listing {
  version: number;
  validFrom: number;
  validUntil: number;
  /** Indices of cards changed since genesis, ascending (excluded from the index-ordered part). */
  moved: Uint32Array;
  /** The same cards ordered by (updatedAt, index), with their times. */
  tail: Uint32Array;
  tailTimes: Float64Array;
}

export function lowerBound(arr: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The `devices?modifiedSince` listing of a fleet, rebuilt only when the fleet changed or one of its cards'
 * next events came due.
 */
export class DeviceListing {
  private listing: Listing | null = null;

  constructor(private readonly fleet: JasperFleet) {}

  current(now: number): Listing {
    const f = this.fleet;
    const L = this.listing;
    if (L && L.version === f.version && now >= L.validFrom && now < L.validUntil) return L;
    const candidates = new Set<number>(f.dynamicCandidates());
    for (const k of f.overrides.keys()) candidates.add(k);
    const movedIdx: number[] = [];
    const movedAt: number[] = [];
    let validUntil = Infinity;
    for (const i of candidates) {
      const r = f.timeline.replay(i, now);
      if (r.state.updatedAt >= f.genesis) {
        movedIdx.push(i);
        movedAt.push(r.state.updatedAt);
      }
      validUntil = Math.min(validUntil, r.nextEventAt);
    }
    const order = movedIdx.map((_, k) => k).sort((a, b) => movedAt[a] - movedAt[b] || movedIdx[a] - movedIdx[b]);
    this.listing = {
      version: f.version,
      validFrom: now,
      validUntil,
      moved: Uint32Array.from(movedIdx).sort(),
      tail: Uint32Array.from(order.map((k) => movedIdx[k])),
      tailTimes: Float64Array.from(order.map((k) => movedAt[k])),
    };
    return this.listing;
  }

  /** The index at position `pos` of the range [k0, size) minus the moved cards. */
  static basePosition(moved: Uint32Array, k0: number, pos: number): number {
    const before = lowerBound(moved, k0);
    let x = k0 + pos;
    for (;;) {
      const skipped = lowerBound(moved, x + 1) - before;
      const candidate = k0 + pos + skipped;
      if (candidate === x) {
        // x may itself be moved: step to the next unmoved index.
        while (lowerBound(moved, x) < moved.length && moved[lowerBound(moved, x)] === x) x++;
        return x;
      }
      x = candidate;
    }
  }
}
