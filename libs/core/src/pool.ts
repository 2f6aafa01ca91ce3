import type { PlatformId } from './carrier';

/** Data pools (流量池), domain.md §5. */
export enum PoolType {
  /** 前向流量池: prepaid, shared; effective total = activated members × per-card plan. */
  FORWARD = 'FORWARD',
  /** 后向流量池: postpaid; no per-card cap; used = the members' sum. */
  BACKWARD = 'BACKWARD',
}

export enum PoolState {
  ACTIVE = 'ACTIVE',
  /** Forward pool with remaining ≤ 0: every activated member is suspended until next cycle. */
  EXHAUSTED = 'EXHAUSTED',
  /** Backward pool in its arrears retention period, or stopped by an automation threshold. */
  SUSPENDED = 'SUSPENDED',
  /** Backward pool released after the retention period unpaid. */
  ABANDONED = 'ABANDONED',
}

export interface ForwardPoolTotals {
  effectiveTotalBytes: number;
  usedBytes: number;
  /** Negative when the pool is overdrawn. */
  remainingBytes: number;
  exhausted: boolean;
  /** The per-card cap in a forward pool is the pool's effective total. */
  perCardCapBytes: number;
}

/** Forward-pool arithmetic: only activated members contribute. */
export function forwardPoolTotals(activatedMembers: number, perCardPlanBytes: number, usedBytes: number): ForwardPoolTotals {
  const effectiveTotalBytes = Math.max(0, activatedMembers) * perCardPlanBytes;
  const remainingBytes = effectiveTotalBytes - usedBytes;
  return {
    effectiveTotalBytes,
    usedBytes,
    remainingBytes,
    exhausted: remainingBytes <= 0,
    perCardCapBytes: effectiveTotalBytes,
  };
}

/** Backward-pool arithmetic: used = the sum of the members' usage, no cap. */
export function backwardPoolUsed(memberUsedBytes: readonly number[]): number {
  let sum = 0;
  for (const b of memberUsedBytes) sum += b;
  return sum;
}

/** A pool as an adapter reads it. */
export interface PoolRecord {
  poolId: string;
  name: string | null;
  type: PoolType;
  state: PoolState;
  /** Per-card monthly plan of a forward pool. */
  perCardBytes: number | null;
  totalBytes: number | null;
  usedBytes: number;
  remainingBytes: number | null;
  memberCount: number | null;
  asOf: Date;
  raw?: Record<string, unknown>;
}

export interface Pool extends PoolRecord {
  accountId: string;
  platform: PlatformId;
  syncedAt: Date;
}
