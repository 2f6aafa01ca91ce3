/**
 * The carrier toolkit: what every adapter uses, so a platform folder keeps only what is its own (wire types,
 * client auth/signing, pure mapping, its error table, manifest, adapter). Import from '../toolkit'.
 *
 * Transport
 * - `CarrierHttp` (HttpPort on axios: timeouts, keep-alive, rate-limit/metrics hooks, typed transport errors);
 *   `withSendContext`/`sendContext` (priority, beforeSend of orders); `TokenCache` (one fetch in flight,
 *   refresh-once on a refused token: `use(call, isRefused)`); `redact`, `safeUrl`, `REDACTED`.
 * Errors (a platform's errors.ts exports `errorTable: ErrorTable` and nothing else)
 * - `ErrorTable` { platform, codes: {code → ErrorRule}, unknownCode?, statuses?, endpointStatuses?,
 *   describe(facts) → text, describeMalformed?(endpoint, problem) → text };
 *   `ErrorRule` { kind: 'RATE_LIMITED'|'AUTH_EXPIRED'|'TRANSIENT'|'REJECTED', scope: 'ACCOUNT'|'REQUEST'|'CARD',
 *   meaning, retryAfterSeconds? }.
 * - `errorRows` / `statusRows` (tagged templates): code or status rows as a table, one a line, `<code> <KIND>
 *   <SCOPE> [retry=<seconds>] <meaning…>`, `#` comments; a malformed row throws at load, naming its line.
 * - `classify(table, { endpoint, secrets, httpStatus? }, { code?, message?, retryAfter?, now? })` → CarrierError:
 *   code row > unknownCode > endpointStatuses > statuses > `statusRule` (429 rate limited, 408/5xx transient,
 *   else refused); Retry-After header (seconds or HTTP date) over the rule's retryAfterSeconds; secrets redacted.
 * - `malformed(table, ctx, problem)` → Transient (carrierCode `MALFORMED`); `cardScoped(table)` → (e) => the
 *   rule of e has scope CARD; `ruleOf`, `statusRule`, `isOkStatus`, `retryAfterSeconds`, `errorOfKind`.
 * Manifests
 * - `defineManifest(m)` → AdapterManifest: the manifest with what the platform does not do left out and filled
 *   in (no batch reads, daily usage, pools or real-time usage; no in-flight limit, per-path quota, cooldown;
 *   resend not idempotent, no pending codes); its `options`, written option by option, become one strict zod
 *   schema (`manifest.options`). Option schemas: `intOption`, `cappedIntOption`, `planMbOption`.
 * Per-card reads and batching
 * - `eachCard(items, fn, { concurrency?, refusalIsCards? })` → Outcome[]; `readPerCard(refs, read, opts)` →
 *   BatchResult: a Transient, a `CardFailure` or a card refusal (`refusalIsCards`, default every refusal) is the
 *   card's failure; any other error fails the call. `mapped(platform, label, f)` / `mappingFailure`: a mapper's
 *   failure as the card's. `chunks(items, size)`, `uniqueRefs(refs)`, `refFor(refs, iccid)`.
 * Orders
 * - `progressByStatus(receipt, refs, { target, read, refusalIsCards, waiting })`: re-read each card, COMPLETED
 *   on the target status, SUBMITTED otherwise (the engine owns deadlines); `overallState(items)`;
 *   `completedOnAcceptance(receipt, message)` for changes the carrier serves no read-back of.
 * Checks and parsing (messages name the platform, never a secret)
 * - `accountOptions(platform, optionsSchema, account)` (the manifest's zod schema; `Rejected` naming the
 *   account and option), `requireCredentials(platform, credentials, names)`, `pageOfCursor`, `checkDayRange`,
 *   `cycleOfLabel(rule, label)`, `cycleToRead(platform, rule, label, at)` → { cycle, last }, `noPools(platform)`,
 *   `parseJson(table, body, ctx)`, `parseWith(table, schema, value, ctx)` (malformed on failure),
 *   `emptyToNull`, `wholeNumber`.
 * Base class
 * - `PerCardAdapter`: for platforms read one card per request, without pools (CTCC, 1NCE). Constructor
 *   (account, deps) → `account`, `config`, `deps`; the subclass declares `manifest` and `errors` (its table)
 *   and `implements CarrierAdapter`; gives `ctx`, `perCard`, `pageOf`, `checkDays`, `cycleToRead`,
 *   `confirmByStatus`, and refuses `listPools`/`listPoolMembers`.
 */
export * from './carrier-http';
export * from './checks';
export * from './error-rows';
export * from './errors';
export * from './manifest';
export * from './per-card';
export * from './per-card-adapter';
export * from './progress';
export * from './redact';
export * from './send-context';
export * from './token-cache';
