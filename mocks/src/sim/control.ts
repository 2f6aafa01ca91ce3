import type { FaultConfig, FaultKind } from './faults';
import type { ControlledSimulator, Simulator, SimResponse } from './types';

/**
 * The control API of a served simulator, outside the platform's base path (documented in mocks/README.md):
 *   GET  /_sim/counters        counters snapshot          POST /_sim/counters/reset
 *   GET  /_sim/faults          fault configuration        POST /_sim/faults   {…FaultConfig, force?: {kind: n}, reset?: true}
 *   GET  /_sim/clock           {now}                      POST /_sim/clock    {set?: ISO, advanceMs?: n}
 *   GET  /_sim/info            platform, base path, credentials
 * The same operations are available programmatically on the ControlledSimulator (faults, counters, clock).
 */
export const CONTROL_PREFIX = '/_sim/';

export function isControlled(sim: Simulator): sim is ControlledSimulator {
  const s = sim as Partial<ControlledSimulator>;
  return s.counters !== undefined && s.faults !== undefined && s.clock !== undefined;
}

const FAULT_KINDS: readonly FaultKind[] = ['timeout', 'serverError', 'malformed', 'truncated', 'rateLimit', 'expireTokens'];
const CONFIG_KEYS: readonly (keyof FaultConfig)[] = [
  'latencyMs',
  'timeoutRate',
  'serverErrorRate',
  'malformedRate',
  'truncatedRate',
  'rateLimitRate',
  'tokenTtlSeconds',
  'tokenRevokeEverySeconds',
];
const NULLABLE_KEYS: readonly (keyof FaultConfig)[] = ['tokenTtlSeconds', 'tokenRevokeEverySeconds'];

function json(status: number, body: unknown): SimResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** Applies a fault request body (also used by createSimulators' programmatic API). */
export function applyFaultRequest(sim: ControlledSimulator, body: Record<string, unknown>): void {
  if (body.reset === true) sim.faults.reset();
  const config: Partial<FaultConfig> = {};
  for (const k of CONFIG_KEYS) {
    const v = body[k];
    if (NULLABLE_KEYS.includes(k)) {
      if (v === null || typeof v === 'number') (config as Record<string, number | null>)[k] = v;
    } else if (typeof v === 'number') (config as Record<string, number>)[k] = v;
  }
  sim.faults.configure(config);
  const force = body.force;
  if (force && typeof force === 'object') {
    for (const [kind, count] of Object.entries(force as Record<string, unknown>)) {
      if (!FAULT_KINDS.includes(kind as FaultKind)) throw new Error(`unknown fault kind '${kind}'`);
      sim.faults.force(kind as FaultKind, typeof count === 'number' ? count : 1);
    }
  }
}

/** Answers a control request, or null when `pathname` is not a control path. */
export function handleControl(sim: ControlledSimulator, method: string, pathname: string, body: string): SimResponse | null {
  if (!pathname.startsWith(CONTROL_PREFIX)) return null;
  const what = pathname.slice(CONTROL_PREFIX.length).replace(/\/$/, '');
  let parsed: Record<string, unknown> = {};
  if (body.trim()) {
    try {
      const v: unknown = JSON.parse(body);
      if (v && typeof v === 'object' && !Array.isArray(v)) parsed = v as Record<string, unknown>;
    } catch {
      return json(400, { error: 'body must be JSON' });
    }
  }
  const get = method === 'GET';
  try {
    switch (what) {
      case 'counters':
        return get ? json(200, sim.counters.snapshot()) : null;
      case 'counters/reset':
        sim.counters.reset();
        return json(200, sim.counters.snapshot());
      case 'faults':
        if (!get) applyFaultRequest(sim, parsed);
        return json(200, sim.faults.config);
      case 'clock':
        if (!get) {
          if (typeof parsed.set === 'string') sim.clock.set(parsed.set);
          if (typeof parsed.advanceMs === 'number') sim.clock.advance(parsed.advanceMs);
        }
        return json(200, { now: sim.clock.now().toISOString() });
      case 'info':
        return json(200, { platform: sim.platform, basePath: sim.basePath, credentials: sim.credentials });
      default:
        return json(404, { error: `unknown control path ${pathname}` });
    }
  } catch (err) {
    return json(400, { error: err instanceof Error ? err.message : String(err) });
  }
}
