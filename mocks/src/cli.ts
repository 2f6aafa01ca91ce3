import * as fs from 'node:fs';
import { SimClock, createSimulators, serveAll, writeAccountsFile, type AccountsFile, type ServedSet } from './index';

/**
 * `npm run mocks -- --cards N --seed S --out FILE [--port-base 7101] [--order-delay-ms MS] [--quota-factor F] [--clock ISO]
 *  [--tls-cert FILE --tls-key FILE [--tls-ca FILE]]`
 * (`--clock` stops business time at ISO until moved through the control API; default: the real clock.
 * `--tls-cert/--tls-key` (PEM) serve HTTPS instead of HTTP, the /_sim/ control API included; `--tls-ca` names
 * the CA that signed the certificate and is written as every account's `caFile`.)
 * Starts the carrier simulators (one per platform folder) on 127.0.0.1, writes FILE as a carrier accounts file (and the
 * files its accounts name beside it, e.g. the OneLink order list), prints the same JSON on one line when ready, and runs until SIGINT/SIGTERM.
 */

export interface CliOptions {
  cards: number;
  seed: number;
  out: string;
  portBase: number;
  orderDelayMs?: number;
  quotaFactor?: number;
  /** A fixed business clock (ISO instant); default the real clock. */
  clock?: string;
  /** PEM files: serve HTTPS with this certificate and key. */
  tlsCert?: string;
  tlsKey?: string;
  /** PEM file of the CA that signed `tlsCert`: written as every account's `caFile`. */
  tlsCa?: string;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = { cards: 10_000, seed: 1, out: 'carriers.json', portBase: 7101 };
  const num = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number ≥ ${min}, got '${v ?? ''}'`);
    return n;
  };
  for (let k = 0; k < argv.length; k++) {
    const [flag, inline] = argv[k].split('=', 2);
    const value = (): string | undefined => inline ?? argv[++k];
    switch (flag) {
      case '--cards':
        opts.cards = Math.floor(num(flag, value(), 1));
        break;
      case '--seed':
        opts.seed = Math.floor(num(flag, value(), 0));
        break;
      case '--out':
        opts.out = value() ?? '';
        if (!opts.out) throw new Error('--out needs a file name');
        break;
      case '--port-base':
        opts.portBase = Math.floor(num(flag, value(), 0));
        break;
      case '--order-delay-ms':
        opts.orderDelayMs = num(flag, value(), 0);
        break;
      case '--quota-factor':
        opts.quotaFactor = num(flag, value(), 0.001);
        break;
      case '--clock': {
        const v = value() ?? '';
        if (Number.isNaN(Date.parse(v))) throw new Error(`--clock needs an ISO instant, got '${v}'`);
        opts.clock = v;
        break;
      }
      case '--tls-cert':
      case '--tls-key':
      case '--tls-ca': {
        const v = value() ?? '';
        if (!v) throw new Error(`${flag} needs a file name`);
        opts[flag === '--tls-cert' ? 'tlsCert' : flag === '--tls-key' ? 'tlsKey' : 'tlsCa'] = v;
        break;
      }
      default:
        throw new Error(`unknown argument '${argv[k]}'`);
    }
  }
  if (!opts.tlsCert !== !opts.tlsKey) throw new Error('--tls-cert and --tls-key go together');
  if (opts.tlsCa && !opts.tlsCert) throw new Error('--tls-ca needs --tls-cert and --tls-key');
  return opts;
}

function readPem(flag: string, file: string, label: RegExp): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${flag} '${file}' cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!label.test(text)) throw new Error(`${flag} '${file}' is not a PEM file of the expected kind`);
  return text;
}

/** Starts everything; resolves when the accounts file is written and the servers listen. */
export async function startMocks(opts: CliOptions): Promise<{ served: ServedSet; accounts: AccountsFile }> {
  const tls =
    opts.tlsCert && opts.tlsKey
      ? { cert: readPem('--tls-cert', opts.tlsCert, /-----BEGIN CERTIFICATE-----/), key: readPem('--tls-key', opts.tlsKey, /-----BEGIN [A-Z ]*PRIVATE KEY-----/) }
      : undefined;
  if (opts.tlsCa) readPem('--tls-ca', opts.tlsCa, /-----BEGIN CERTIFICATE-----/);
  const simulators = createSimulators({
    cards: opts.cards,
    seed: opts.seed,
    orderDelayMs: opts.orderDelayMs,
    quotaFactor: opts.quotaFactor,
    ...(opts.clock ? { clock: SimClock.fixed(opts.clock) } : {}),
  });
  const served = await serveAll(simulators, opts.portBase, '127.0.0.1', tls);
  try {
    // A fixed business clock completes orders only when it moves, unless they take effect at once (delay 0).
    const accounts = await writeAccountsFile(served, opts.out, { caFile: opts.tlsCa, orderProcessing: !opts.clock || opts.orderDelayMs === 0 });
    return { served, accounts };
  } catch (err) {
    await served.close();
    throw err;
  }
}

async function main(): Promise<void> {
  let opts: CliOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`mocks: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const { served, accounts } = await startMocks(opts);
  process.stdout.write(JSON.stringify(accounts) + '\n');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 3000).unref();
    void served.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`mocks: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
