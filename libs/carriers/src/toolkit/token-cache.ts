/**
 * Token caching shared by every adapter that authenticates with a token: one fetch in flight at a time
 * (concurrent callers share it), reuse until shortly before expiry, and `invalidate()` when the carrier
 * says the token is unknown or expired. `use()` does the refresh itself: a call refused for its token is sent
 * once more at once with a freshly fetched token (the refusal means the carrier did not act on it, so this is
 * safe even for submissions); only a second refusal reaches the caller (as `AuthExpired`).
 */
export interface IssuedToken {
  value: string;
  /** Absolute expiry (epoch ms). */
  expiresAt: number;
}

export class TokenCache {
  private current: IssuedToken | null = null;
  private pending: Promise<IssuedToken> | null = null;
  /** Calls sent again with a fresh token after a refusal (tests, diagnostics). */
  refreshes = 0;

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

  /**
   * Runs `call` with the current token. When it fails with an error `refused` recognises (the carrier's
   * "token unknown or expired" answer), the token is dropped and `call` runs once more with a fresh one;
   * concurrent refusals of the same token share one refetch. A second refusal drops that token too and is
   * thrown.
   */
  async use<T>(call: (token: string) => Promise<T>, refused: (err: unknown) => boolean): Promise<T> {
    const first = await this.get();
    try {
      return await call(first);
    } catch (err) {
      if (!refused(err)) throw err;
      this.invalidate(first);
      this.refreshes++;
    }
    const fresh = await this.get();
    try {
      return await call(fresh);
    } catch (err) {
      if (refused(err)) this.invalidate(fresh);
      throw err;
    }
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
