import type { ErrorKind, ErrorRule } from './errors';

/**
 * Error rows as a table a human reads like the wire contract's: one row a line,
 *
 *     <code> <KIND> <SCOPE> [retry=<seconds>] <meaning…>
 *
 * KIND one of RATE_LIMITED, AUTH_EXPIRED, TRANSIENT, REJECTED; SCOPE one of ACCOUNT, REQUEST, CARD
 * (`ErrorRule`); `retry=<seconds>` sets `retryAfterSeconds`; the meaning is the rest of the line, as written.
 * Columns are aligned with any whitespace. Blank lines and lines starting with `#` (comments) are skipped.
 * A malformed row (unknown kind or scope, no meaning, a bad retry, a code twice) throws when the module
 * loads, naming the line: a table that reads at all is a table the lookup can use.
 *
 *     codes: errorRows`
 *       12021 AUTH_EXPIRED ACCOUNT token unknown or expired
 *       # the cooldown of a change
 *       12034 REJECTED     REQUEST retry=1800 a card of this order was changed less than 30 minutes ago
 *     `,
 *     statuses: statusRows`
 *       401   REJECTED     ACCOUNT unauthorized
 *     `,
 */

const KINDS: readonly ErrorKind[] = ['RATE_LIMITED', 'AUTH_EXPIRED', 'TRANSIENT', 'REJECTED'];
const SCOPES: readonly ErrorRule['scope'][] = ['ACCOUNT', 'REQUEST', 'CARD'];

/** `<code> <KIND> <SCOPE> [retry=<seconds>] <meaning…>`; the meaning starts at the first non-space after them. */
const ROW = /^(\S+)\s+(\S+)\s+(\S+)(?:\s+retry=(\S*))?(?:\s+(.*))?$/;

function text(strings: TemplateStringsArray | string, values: unknown[]): string {
  return typeof strings === 'string' ? strings : strings.reduce((all, s, k) => all + String(values[k - 1]) + s);
}

function parseRows(
  what: string,
  source: string,
  codeProblem: (code: string) => string | null,
): Record<string, ErrorRule> {
  const rows: Record<string, ErrorRule> = {};
  source.split('\n').forEach((raw, k) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fail = (problem: string): never => {
      throw new Error(`${what}: line ${k + 1} "${line}": ${problem}`);
    };
    const m = ROW.exec(line) ?? fail('expected <code> <KIND> <SCOPE> [retry=<seconds>] <meaning>');
    const [, code, kind, scope, retry, meaning] = m;
    const bad = codeProblem(code);
    if (bad) fail(bad);
    if (Object.prototype.hasOwnProperty.call(rows, code)) fail(`code ${code} has a row already`);
    if (!(KINDS as readonly string[]).includes(kind)) fail(`kind ${kind} is not one of ${KINDS.join(', ')}`);
    if (!(SCOPES as readonly string[]).includes(scope)) fail(`scope ${scope} is not one of ${SCOPES.join(', ')}`);
    if (retry !== undefined && !/^[1-9]\d*$/.test(retry)) fail(`retry=${retry} is not a whole number of seconds above 0`);
    if (meaning === undefined || meaning.trim() === '') fail('no meaning');
    const rule: ErrorRule = { kind: kind as ErrorKind, scope: scope as ErrorRule['scope'], meaning: meaning.trim() };
    if (retry !== undefined) rule.retryAfterSeconds = Number(retry);
    // Defined, not assigned: a code such as `__proto__` is a row like any other.
    Object.defineProperty(rows, code, { value: rule, enumerable: true, writable: true, configurable: true });
  });
  return rows;
}

/** Code rows (`ErrorTable.codes`, `unknownCode` aside) from a table; a malformed row throws, naming its line. */
export function errorRows(strings: TemplateStringsArray | string, ...values: unknown[]): Record<string, ErrorRule> {
  return parseRows('errorRows', text(strings, values), (code) =>
    code.startsWith('retry=') ? `code ${code} is an option, not a code` : null,
  );
}

/** Status rows (`ErrorTable.statuses`, `endpointStatuses`): the same table, its codes HTTP statuses (100–599). */
export function statusRows(strings: TemplateStringsArray | string, ...values: unknown[]): Record<number, ErrorRule> {
  return parseRows('statusRows', text(strings, values), (code) =>
    /^[1-5]\d\d$/.test(code) ? null : `code ${code} is not an HTTP status (100–599)`,
  );
}
