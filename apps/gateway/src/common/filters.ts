import type { Simgate } from '@simgate/sync';
import { Problem } from './problem';

/**
 * List filters naming a platform or an account: an unknown one is a 400 with the known values (`known`),
 * never an empty list that looks like "nothing there". Known platforms are the registered ones, known accounts
 * the configured ones.
 */
export function knownPlatform(sg: Simgate, platform: string | undefined, field = 'query.platform'): void {
  if (platform === undefined || sg.registry.has(platform)) return;
  const known = sg.registry.manifests().map((m) => m.id).sort();
  throw new Problem(400, 'UNKNOWN_PLATFORM', `platform '${platform.slice(0, 64)}' is not registered (${known.join(', ')})`, { field, known });
}

export function knownAccount(sg: Simgate, account: string | undefined, field = 'query.account'): void {
  if (account === undefined || sg.accounts.some((a) => a.id === account)) return;
  const known = sg.accounts.map((a) => a.id).sort();
  throw new Problem(400, 'UNKNOWN_ACCOUNT', `account '${account.slice(0, 64)}' is not configured (${known.join(', ')})`, { field, known });
}

/** Opaque cursors: base64url of `<kind>:<json>`; anything else is not a cursor this API returned. */
export function encodeCursorOf(kind: string, value: unknown): string {
  return Buffer.from(`${kind}:${JSON.stringify(value)}`).toString('base64url');
}

export function decodeCursorOf<T>(kind: string, cursor: string, check: (v: unknown) => v is T): T {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (text.startsWith(`${kind}:`)) {
    try {
      const v: unknown = JSON.parse(text.slice(kind.length + 1));
      if (check(v)) return v;
    } catch {
      // not JSON: fall through
    }
  }
  throw new Problem(400, 'INVALID_CURSOR', 'cursor is not one this API returned', { field: 'query.cursor' });
}
