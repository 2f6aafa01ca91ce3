/** What a simulator counts, readable by tests and benchmarks. */
export interface OrderRecord {
  /** A key identifying the order's effect: card(s) + requested change. */
  key: string;
  endpoint: string;
  at: Date;
  /** An order with the same key was accepted before. */
  duplicate: boolean;
  /** Whether the platform accepted the order (a rejected one, e.g. anti-repeat, is still counted). */
  accepted: boolean;
}

export class SimCounters {
  /** Accepted + rejected requests by endpoint class. */
  readonly requests = new Map<string, number>();
  /** Requests refused because a quota was exceeded (by the platform's own rule, not by injection). */
  quotaViolations = 0;
  /** Rate-limit answers that fault injection forced. */
  injectedRateLimits = 0;
  /** Faults injected, by kind. */
  readonly faults = new Map<string, number>();
  readonly orders: OrderRecord[] = [];
  private readonly orderKeys = new Set<string>();
  /** Max requests seen in flight at once. */
  maxInFlight = 0;

  request(endpoint: string): void {
    this.requests.set(endpoint, (this.requests.get(endpoint) ?? 0) + 1);
  }

  fault(kind: string): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
  }

  /**
   * Records an order; `duplicate` when an order with the same key was accepted before. Only accepted orders
   * register their key, so a rejected attempt followed by a good one is not a duplicate.
   */
  order(key: string, endpoint: string, at: Date, accepted = true): OrderRecord {
    const rec = { key, endpoint, at, duplicate: this.orderKeys.has(key), accepted };
    if (accepted) this.orderKeys.add(key);
    this.orders.push(rec);
    return rec;
  }

  get totalRequests(): number {
    let n = 0;
    for (const v of this.requests.values()) n += v;
    return n;
  }

  get duplicateOrders(): number {
    return this.orders.filter((o) => o.duplicate).length;
  }

  snapshot(): Record<string, unknown> {
    return {
      requests: Object.fromEntries(this.requests),
      totalRequests: this.totalRequests,
      quotaViolations: this.quotaViolations,
      injectedRateLimits: this.injectedRateLimits,
      faults: Object.fromEntries(this.faults),
      orders: this.orders.length,
      acceptedOrders: this.orders.filter((o) => o.accepted).length,
      duplicateOrders: this.duplicateOrders,
      duplicateOrderKeys: this.orders.filter((o) => o.duplicate).map((o) => o.key),
      maxInFlight: this.maxInFlight,
    };
  }

  reset(): void {
    this.requests.clear();
    this.faults.clear();
    this.orders.length = 0;
    this.orderKeys.clear();
    this.quotaViolations = 0;
    this.injectedRateLimits = 0;
    this.maxInFlight = 0;
  }
}
