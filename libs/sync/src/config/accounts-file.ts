import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { AdapterManifest, CarrierAccountConfig } from '@simgate/core';

/**
 * The carrier accounts file (ARCHITECTURE.md, Configuration). A file that does not parse or fails
 * validation stops start-up with a message that names the account and the field.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const accountSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, ".", "_" and "-" only'),
    platform: z.string().min(1),
    baseUrl: z.string().url(),
    credentials: z.record(z.string(), z.string()),
    cards: z.string().min(1).optional(),
    caFile: z.string().min(1).optional(),
    orderProcessingSeconds: z.number().positive().max(30 * 86400).optional(),
    orderDeadlineHours: z.number().positive().finite().optional(),
    usageThresholds: z
      .array(z.number().positive().max(1000))
      .max(20)
      .transform((ts) => [...new Set(ts)].sort((a, b) => a - b))
      .optional(),
    quotas: z
      .object({
        requestsPerSecond: z.number().positive().max(100000).optional(),
        maxInFlight: z.number().int().positive().max(1000).optional(),
      })
      .strict()
      .optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const fileSchema = z.object({ accounts: z.array(z.unknown()).min(1, 'at least one account is required') }).strict();

export interface LoadedAccount extends CarrierAccountConfig {
  /** `cards` resolved against the file's folder. */
  cardsPath: string | null;
  /** As written in the file: a PEM file of the CA(s) to trust for this account's https `baseUrl`. */
  caFile?: string;
  /** `caFile`'s certificates (PEM), read and checked at load; absent: the default CA store. */
  ca?: string | null;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads an account's `caFile` (resolved against the accounts file's folder) and checks that it holds at least
 * one PEM certificate, each of which parses. Returns the PEM text; throws ConfigError naming the account.
 */
function readCaFile(name: string, baseDir: string, caFile: string): string {
  const file = path.resolve(baseDir, caFile);
  const fail = (why: string) => new ConfigError(`carrier accounts file: ${name}, field 'caFile': '${file}' ${why}`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw fail(`cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (!blocks.length) throw fail('holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  blocks.forEach((pem, k) => {
    try {
      new X509Certificate(pem);
    } catch {
      throw fail(`certificate #${k + 1} does not parse as X.509`);
    }
  });
  return blocks.join('\n') + '\n';
}

function describeIssue(where: string, issue: { path: (string | number)[]; message: string }, prefix?: string): string {
  const field = [...(prefix ? [prefix] : []), ...issue.path].join('.');
  return `${where}${field ? `, field '${field}'` : ''}: ${issue.message}`;
}

/** Options every platform takes, whatever its schema: read from `options` too, lifted to the top level. */
const SIMGATE_OPTIONS = ['orderDeadlineHours', 'usageThresholds'] as const;

/**
 * simgate's own account settings (`orderDeadlineHours`, `usageThresholds`) may be written at the top level or
 * inside `options` (where the platform schema does not know them): lifted to the top level and out of
 * `options`. Both places at once is an error.
 */
function liftSimgateOptions(name: string, raw: unknown): unknown {
  const a = raw as Record<string, unknown> | null;
  const options = a?.options;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return raw;
  let out = raw as Record<string, unknown>;
  for (const key of SIMGATE_OPTIONS) {
    if (!(key in options)) continue;
    const { [key]: value, ...rest } = out.options as Record<string, unknown>;
    if (a![key] !== undefined) {
      throw new ConfigError(`carrier accounts file: ${name}, field 'options.${key}': set ${key} once (the top-level field replaces it)`);
    }
    const lifted = accountSchema.shape[key].safeParse(value);
    if (!lifted.success) throw new ConfigError(`carrier accounts file: ${describeIssue(name, lifted.error.issues[0], `options.${key}`)}`);
    out = { ...out, [key]: value, options: rest };
  }
  return out;
}

/** The account's `options` checked against the platform's schema (none declared: any object passes). */
function checkOptions(name: string, options: Record<string, unknown> | undefined, manifest: AdapterManifest): void {
  if (!manifest.options) return;
  const parsed = manifest.options.safeParse(options ?? {});
  if (!parsed.success) {
    throw new ConfigError(`carrier accounts file: ${describeIssue(name, parsed.error.issues[0], 'options')} (options of ${manifest.id})`);
  }
}

/**
 * Validates the parsed JSON against the format and against each platform's manifest (known platform,
 * required credential fields present, patterns matched, `options` by the manifest's schema). Returns the
 * accounts or throws ConfigError naming the account and the field.
 */
export function parseAccounts(json: unknown, baseDir: string, manifests: (id: string) => AdapterManifest | undefined): LoadedAccount[] {
  const top = fileSchema.safeParse(json);
  if (!top.success) throw new ConfigError(`carrier accounts file: ${top.error.issues.map((i) => describeIssue('file', i)).join('; ')}`);
  const seen = new Set<string>();
  return top.data.accounts.map((raw, index) => {
    const name = typeof (raw as { id?: unknown })?.id === 'string' ? `account '${(raw as { id: string }).id}'` : `account #${index + 1}`;
    const parsed = accountSchema.safeParse(liftSimgateOptions(name, raw));
    if (!parsed.success) throw new ConfigError(`carrier accounts file: ${describeIssue(name, parsed.error.issues[0])}`);
    const a = parsed.data;
    if (seen.has(a.id)) throw new ConfigError(`carrier accounts file: ${name}, field 'id': duplicate account id`);
    seen.add(a.id);
    const manifest = manifests(a.platform);
    if (!manifest) throw new ConfigError(`carrier accounts file: ${name}, field 'platform': unknown platform '${a.platform}'`);
    for (const f of manifest.credentials) {
      const v = a.credentials[f.name];
      if (v === undefined || v === '') {
        throw new ConfigError(`carrier accounts file: ${name}, field 'credentials.${f.name}': required by ${manifest.id} (${f.label})`);
      }
      // Never echo the value: it may be a secret.
      if (f.pattern && !new RegExp(f.pattern).test(v)) {
        throw new ConfigError(`carrier accounts file: ${name}, field 'credentials.${f.name}': does not match the expected format`);
      }
    }
    for (const k of Object.keys(a.credentials)) {
      if (!manifest.credentials.some((f) => f.name === k)) {
        throw new ConfigError(`carrier accounts file: ${name}, field 'credentials.${k}': not a credential of ${manifest.id}`);
      }
    }
    checkOptions(name, a.options, manifest);
    const cardsPath = a.cards ? path.resolve(baseDir, a.cards) : null;
    return { ...a, cardsPath, ...(a.caFile ? { ca: readCaFile(name, baseDir, a.caFile) } : {}) };
  });
}

export function loadAccountsFile(file: string, manifests: (id: string) => AdapterManifest | undefined): LoadedAccount[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`carrier accounts file '${file}' cannot be read: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // The parser's message quotes the text around the error, which may be a secret: say only where it is.
    const pos = /at position (\d+)/.exec((e as Error).message);
    const where = pos ? ` at line ${text.slice(0, Number(pos[1])).split('\n').length}` : '';
    throw new ConfigError(`carrier accounts file '${file}' is not valid JSON${where}`);
  }
  return parseAccounts(json, path.dirname(path.resolve(file)), manifests);
}

/** Every credential value the manifest marks secret, for redaction. Unknown fields count as secret. */
export function secretsOf(account: CarrierAccountConfig, manifest: AdapterManifest): string[] {
  return Object.entries(account.credentials)
    .filter(([k]) => manifest.credentials.find((f) => f.name === k)?.secret !== false)
    .map(([, v]) => v)
    .filter((v) => v.length >= 3);
}
