import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { expect, it } from '@jest/globals';

/**
 * Zone independence, the one way simgate tests it: run the same check in child Node processes whose TZ is
 * set, and compare. Jest hands every test file a copy of process.env, so `process.env.TZ = …` inside a spec
 * never reaches V8; a child process with TZ in its environment really runs in that zone.
 *
 * The child compiles TypeScript on the fly with @swc/core and resolves `@simgate/*` as tsconfig does.
 * It loads `modulePath` and calls `check(module)`; the JSON of what the check returns (awaited) comes back.
 * `check` is sent as source text: it may use only its argument and globals (no imports, no outer variables).
 */
const ROOT = path.resolve(__dirname, '../..');

/** Zones around the clock: west of UTC with DST, UTC, the carriers' own (Shanghai), and UTC+14. */
export const PROCESS_ZONES = ['America/Los_Angeles', 'UTC', 'Asia/Shanghai', 'Pacific/Kiritimati'];

export interface ZoneRun<T> {
  /** The zone the child process reported (Intl's resolved zone): proof that TZ applied. */
  zone: string;
  /** The JSON round trip of what the check returned. */
  result: T;
}

const CHILD = `
  const fs = require('fs'), path = require('path'), Module = require('module');
  const swc = require(require.resolve('@swc/core', { paths: [ROOT] }));
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (req, parent, ...rest) {
    const m = /^@simgate\\/(core|carriers|sync|store|mocks)(\\/.*)?$/.exec(req);
    if (m) req = path.join(ROOT, m[1] === 'mocks' ? 'mocks' : path.join('libs', m[1]), 'src', m[2] || '');
    return resolve.call(this, req, parent, ...rest);
  };
  require.extensions['.ts'] = (mod, file) => mod._compile(swc.transformSync(fs.readFileSync(file, 'utf8'), { filename: file,
    jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' }, module: { type: 'commonjs' } }).code, file);
  Promise.resolve()
    .then(() => (CHECK)(require(MODULE)))
    .then((result) => process.stdout.write(JSON.stringify({ zone: Intl.DateTimeFormat().resolvedOptions().timeZone, result })))
    .catch((err) => { console.error(err); process.exit(1); });
`;

/** Runs `check(require(modulePath))` in a child process whose TZ is `zone`. */
export function runInZone<M, T>(zone: string, modulePath: string, check: (module: M) => T | Promise<T>): ZoneRun<Awaited<T>> {
  const script = CHILD.replace('(CHECK)', () => `(${check.toString()})`).replace('require(MODULE)', () => `require(${JSON.stringify(modulePath)})`);
  const out = execFileSync(process.execPath, ['-e', `const ROOT = ${JSON.stringify(ROOT)};\n${script}`], {
    cwd: ROOT,
    env: { ...process.env, TZ: zone },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as ZoneRun<Awaited<T>>;
}

/** The JSON round trip of a value (Dates become ISO strings), as a child's answer comes back. */
export function asJson<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

export interface SameInZonesOptions {
  /** Process zones to try (default `PROCESS_ZONES`). */
  zones?: readonly string[];
  /** Applied to both answers before comparing (e.g. to blank out transaction ids that carry a sequence). */
  normalize?: (answer: unknown) => unknown;
}

/**
 * One test per zone: `check` run in a child process with that TZ answers exactly what it answers here, in
 * the Jest worker (the reference, computed once). Use it beside tests that check the reference itself.
 */
export function itAnswersTheSameInEveryZone<M>(
  modulePath: string,
  check: (module: M) => unknown,
  { zones = PROCESS_ZONES, normalize = (a) => a }: SameInZonesOptions = {},
): void {
  let reference: Promise<unknown> | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const here = (): Promise<unknown> => (reference ??= Promise.resolve(check(require(modulePath) as M)).then(asJson));
  it.each([...zones])('answers the same in a process running in %s', async (zone) => {
    const run = runInZone(zone, modulePath, check);
    expect(run.zone).toBe(zone);
    expect(normalize(run.result)).toEqual(normalize(await here()));
  });
}
