import { dayInZone, type CardRef, type DailyUsage } from '@simgate/core';
import { call } from './carrier-calls';
import type { EngineContext } from './context';

/**
 * Reads one card's daily series from the carrier (clamped to the days the platform serves) and stores it.
 * Daily series cost a request per card (per day on some platforms), so they are read when asked for.
 */
export async function fetchDaily(ctx: EngineContext, accountId: string, ref: CardRef, from: string, to: string): Promise<DailyUsage[]> {
  const rt = ctx.runtime.get(accountId);
  const zone = rt.manifest.zone;
  const earliest = dayInZone(new Date(ctx.now().getTime() - rt.manifest.capabilities.dailyUsageDays * 86400_000), zone);
  const yesterday = dayInZone(new Date(ctx.now().getTime() - 86400_000), zone);
  const today = dayInZone(ctx.now(), zone);
  const lo = from < earliest ? earliest : from;
  const hi = to > today ? today : to;
  if (lo > hi) return [];
  const hiServed = rt.manifest.capabilities.realTimeUsage ? hi : hi > yesterday ? yesterday : hi;
  if (lo > hiServed) return [];
  const days = await call(ctx, rt, 'usage', () => rt.adapter.fetchDailyUsage(ref, lo, hiServed, ctx.now()), { attempts: 3 });
  if (days.length) await ctx.store.usage.upsertDaily(days, ctx.now());
  return days.filter((d) => d.day >= lo && d.day <= hiServed).sort((a, b) => a.day.localeCompare(b.day));
}
