/**
 * Token caching shared by every adapter that authenticates with a token: one fetch in flight at a time
 * (concurrent callers share it), reuse until shortly before expiry, and `invalidate()` when the carrier
 * says the token is unknown or expired (the caller then raises `AuthExpired`; the sync engine retries once).
 */
export interface IssuedToken {
  value: string;
  /** Absolute expiry (epoch ms). */
  expiresAt: number;
}

export class TokenCache {
  private current: IssuedToken | null = null;
  private pending: Promise<IssuedToken> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<IssuedToken>,
    private readonly now: () => Date,
    /** Refresh this long before the stated expiry. */
    private readonly marginMs = 60_000,
  ) {}

  async get(): Promise<string> {
    const t = this.current;
    if (t && t.expiresAt - this.marginMs > this.now().getTime()) return t.value;
    if (!this.pending) {
      this.pending = this.fetchToken().then(
        (tok) => {
          this.current = tok;
          this.pending = null;
          return tok;
        },
        (err: unknown) => {
          this.pending = null;
          throw err;
        },
      );
    }
    return (await this.pending).value;
  }

  /** Drops `value` (or any token) so the next `get()` fetches a new one. */
  invalidate(value?: string): void {
    if (!value || this.current?.value === value) this.current = null;
  }

  /** The cached token value, for redaction lists. */
  peek(): string | null {
    return this.current?.value ?? null;
  }
}
