import type { SimgateMetrics } from '@simgate/sync';
import type { Request, Response } from 'express';
import { bearerMatches } from '../common/auth.guard';
import { Problem } from '../common/problem';
import { CostOverBudget, InboundBudgets, OverBudget, keyIdOf, type BudgetState } from './budgets';

/**
 * Authentication and budgets of the console API, shared by the Nest guard (every `/v1` route) and the queue
 * dashboard's Express mount. Order per request: a blocked client address gets 429 whatever key it sends; a
 * wrong key gets 401 and counts toward the block; a good key clears the address's failures, then spends one
 * point of its requests budget and, on routes that spend carrier quota, its cards.
 *
 * Answers carry the IETF RateLimit header fields in the form of draft-ietf-httpapi-ratelimit-headers-09:
 * `RateLimit-Policy: "requests";q=6000;w=60, "cards";q=50000;w=3600` (quota q per window w seconds) and
 * `RateLimit: "requests";r=5999;t=60` (r left, t seconds until the window resets); 429 answers add Retry-After.
 */
export class Protection {
  private readonly keys: Map<string, string>;

  constructor(
    apiKeys: readonly string[],
    private readonly budgets: InboundBudgets | null,
    private readonly metrics: SimgateMetrics,
  ) {
    this.keys = new Map(apiKeys.map((k) => [k, keyIdOf(k)]));
  }

  /** The key id of a good key, or a 401 / 429 problem. `basic`: the key may come as the password of Basic auth (browsers). */
  async authenticate(req: Request, res: Response, basic = false): Promise<string> {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const known = this.budgets ? await this.budgets.failuresOf(address) : null;
    const blocked = known?.blockedSeconds ?? null;
    if (blocked !== null) {
      this.metrics.httpRateLimited.inc({ budget: 'auth_block' });
      res.setHeader('Retry-After', String(blocked));
      throw new Problem(429, 'RATE_LIMITED', `too many failed authentications from this address; retry in ${blocked} s`, { budget: 'auth_block', retryAfterSeconds: blocked });
    }
    const header = basic ? basicAsBearer(req.headers.authorization) : req.headers.authorization;
    const r = bearerMatches(header, [...this.keys.keys()]);
    if (r === 'missing') throw new Problem(401, 'AUTH_MISSING', 'send Authorization: Bearer <api key>');
    if (r === 'wrong') {
      this.metrics.httpAuthFailures.inc();
      await this.budgets?.failed(address);
      throw new Problem(401, 'AUTH_INVALID', 'the API key is not valid');
    }
    // Only an address with failures on record has any to forget (no write for every good request).
    if (known?.failures) await this.budgets?.succeeded(address);
    const key = /^Bearer\s+(\S+)/i.exec(header!)![1];
    const keyId = this.keys.get(key)!;
    (res.locals as { keyId?: string }).keyId = keyId;
    return keyId;
  }

  /** Spends one request and `cards` cards of the key's budgets; sets the RateLimit fields; 429 when over. */
  async charge(res: Response, keyId: string, cards = 0): Promise<void> {
    if (!this.budgets) return;
    const states: BudgetState[] = [];
    const policy = [this.budgets.config.requests, ...(cards > 0 ? [this.budgets.config.cards] : [])];
    res.setHeader('RateLimit-Policy', policyField(policy.map((b, i) => [i === 0 ? 'requests' : 'cards', b])));
    try {
      states.push(await this.budgets.charge('requests', keyId, 1));
      if (cards > 0) states.push(await this.budgets.charge('cards', keyId, cards));
    } catch (e) {
      if (e instanceof CostOverBudget) {
        throw new Problem(422, 'COST_OVER_BUDGET', `this request names ${e.cost} cards, more than the whole budget of ${e.budget.points} per ${e.budget.windowSeconds} s; split it`, {
          cost: e.cost,
        });
      }
      if (!(e instanceof OverBudget)) throw e;
      this.metrics.httpRateLimited.inc({ budget: e.name });
      if (e.state) states.push(e.state);
      res.setHeader('RateLimit', stateField(states));
      res.setHeader('Retry-After', String(e.retryAfterSeconds));
      throw new Problem(429, 'RATE_LIMITED', `the ${e.name} budget of this API key is spent; retry in ${e.retryAfterSeconds} s`, {
        budget: e.name,
        retryAfterSeconds: e.retryAfterSeconds,
      });
    }
    res.setHeader('RateLimit', stateField(states));
  }
}

function policyField(items: [string, { points: number; windowSeconds: number }][]): string {
  return items.map(([name, b]) => `"${name}";q=${b.points};w=${b.windowSeconds}`).join(', ');
}

function stateField(states: BudgetState[]): string {
  return states.map((s) => `"${s.name}";r=${Math.max(0, s.remaining)};t=${s.resetSeconds}`).join(', ');
}

/** `Basic base64(user:key)` as `Bearer key` (the user name is ignored); a Bearer header passes as it is. */
function basicAsBearer(header: string | undefined): string | undefined {
  const m = header ? /^Basic\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) return header;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const sep = text.indexOf(':');
  return sep < 0 ? 'Bearer ' : `Bearer ${text.slice(sep + 1)}`;
}
