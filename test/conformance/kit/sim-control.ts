/**
 * The simulators' control API over HTTP (`/_sim/…`, mocks/README.md), as the conformance kit uses it: the
 * kit drives every simulator the same way, through the wire, without knowing its platform.
 */
export class SimControl {
  constructor(readonly origin: string) {}

  private async post(path: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${this.origin}/_sim/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`control API ${path}: HTTP ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  }

  private async get(path: string): Promise<unknown> {
    const res = await fetch(`${this.origin}/_sim/${path}`);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`control API ${path}: HTTP ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  }

  /** Makes the next `n` requests fail with `kind` (timeout, serverError, malformed, truncated, rateLimit, expireTokens). */
  async force(kind: string, n = 1): Promise<void> {
    await this.post('faults', { force: { [kind]: n } });
  }

  async resetFaults(): Promise<void> {
    await this.post('faults', { reset: true });
  }

  async now(): Promise<Date> {
    const r = (await this.get('clock')) as { now: string };
    return new Date(r.now);
  }

  async advance(ms: number): Promise<Date> {
    const r = (await this.post('clock', { advanceMs: ms })) as { now: string };
    return new Date(r.now);
  }

  async setClock(at: Date): Promise<Date> {
    const r = (await this.post('clock', { set: at.toISOString() })) as { now: string };
    return new Date(r.now);
  }

  async counters(): Promise<{ totalRequests: number; requests: Record<string, number> } & Record<string, unknown>> {
    return (await this.get('counters')) as { totalRequests: number; requests: Record<string, number> };
  }
}
