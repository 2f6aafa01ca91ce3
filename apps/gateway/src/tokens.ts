/** Injection tokens of the gateway. */
export const SIMGATE = Symbol('SIMGATE');
export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');

export interface GatewayOptions {
  apiKeys: string[];
  metricsToken: string | null;
  /**
   * Check every answer against its route's zod spec (docs/api.md): on in the end-to-end suite, off in production.
   * A mismatch answers 500 RESPONSE_CONTRACT_VIOLATION. Absent: SIMGATE_CONTRACT_CHECK=true turns it on (the e2e
   * Jest project sets it for every suite).
   */
  contractCheck?: boolean;
  /**
   * The business clock: the same one the assembled Simgate runs on (sync times, order deadlines), so that
   * freshness, cooldowns and "today" agree with the stored times. Wall time when absent.
   */
  now?: () => Date;
  /** Order lists with more data rows than this are imported as jobs (default: SIMGATE_IMPORT_SYNC_MAX_ROWS, 1000). */
  importSyncMaxRows?: number;
}

/** The gateway's clock from its options. */
export const clockOf = (o: GatewayOptions): (() => Date) => o.now ?? (() => new Date());
