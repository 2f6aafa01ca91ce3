import type { AdapterManifest, EndpointQuota, QuotaManifest } from '@simgate/core';
import { fakeManifest } from './fake-platform';

/** A test platform for the limiter specs: only its quotas matter (batches of 10, nothing else on). */
export function quotaManifest(quotas: QuotaManifest): AdapterManifest {
  return { ...fakeManifest('test-platform', 10), label: 'test', quotas };
}

/** `points` requests per `windowSeconds` for the account, `maxInFlight` at once, and `endpoints` narrower quotas. */
export function accountQuota(points: number, windowSeconds: number, maxInFlight: number | null, endpoints: EndpointQuota[] = []): AdapterManifest {
  return quotaManifest({ account: { points, durationSeconds: windowSeconds }, maxInFlight, endpoints });
}

/** The most of `times` (ms) inside any window [t, t + windowMs) that starts at one of them. */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j] < sorted[i] + windowMs) j++;
    max = Math.max(max, j - i);
  }
  return max;
}
