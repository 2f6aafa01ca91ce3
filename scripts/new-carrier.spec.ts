/**
 * The carrier generator, end to end: in a scratch copy of the repository (every file `git ls-files` names,
 * as the working tree has it, committed afresh; node_modules linked), `npm run new-carrier -- acme-iot`
 * changes only the platform's three places, the project still type-checks, and the conformance kit run on
 * the skeleton fails only on checks whose message names a generated `TODO(acme-iot)`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { idProblem, namesOf, placesOf, scaffold } from './new-carrier';

const REPO = path.resolve(__dirname, '..');
const ID = 'acme-iot';
const TODO = `TODO(${ID})`;

interface Run {
  code: number;
  /** stdout and stderr. */
  out: string;
  stdout: string;
}

function run(cmd: string, args: string[], cwd: string, timeout = 60_000): Run {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  return { code: r.status ?? -1, out, stdout: r.stdout ?? '' };
}

const git = (cwd: string, ...args: string[]): Run =>
  run('git', ['-c', 'user.name=scratch', '-c', 'user.email=scratch@localhost', ...args], cwd);

/** The repository's files as the working tree has them (tracked and new, not ignored), committed in a fresh repository. */
function scratchCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-new-carrier-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  for (const rel of new Set(listed.split('\0').filter(Boolean))) {
    const src = path.join(REPO, rel);
    if (!fs.existsSync(src) || !fs.statSync(src).isFile()) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.copyFileSync(src, path.join(dir, rel));
  }
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    ['commit', '-q', '--no-verify', '-m', 'scratch'],
  ]) {
    const r = git(dir, ...args);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} in ${dir}: ${r.out}`);
  }
  return dir;
}

/** `git status --porcelain` paths (every untracked file listed). */
function changedPaths(dir: string): string[] {
  return git(dir, 'status', '--porcelain', '--untracked-files=all')
    .out.split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
}

describe('new-carrier: ids and names', () => {
  it('accepts lowercase words joined by dashes', () => {
    for (const id of ['acme-iot', 'vodafone-gdsp', 'tele2', 'a1-b2-c3'])
      expect(idProblem(REPO, id)).toBeNull();
  });

  it('refuses malformed, reserved and existing ids, saying why', () => {
    for (const id of [
      'Acme',
      '1nce',
      'acme_iot',
      'acme--iot',
      'acme-',
      '-acme',
      'acme iot',
      '',
      '../acme',
      'a'.repeat(41),
    ]) {
      expect(idProblem(REPO, id)).toMatch(/^invalid platform id/);
    }
    for (const id of ['toolkit', 'http', 'conformance', 'kit', 'testing', 'sim'])
      expect(idProblem(REPO, id)).toMatch(/reserved/);
    for (const id of ['cmcc-onelink', 'cucc-jasper', 'ctcc-cmp', 'intl-1nce'])
      expect(idProblem(REPO, id)).toMatch(/exists already/);
  });

  it('derives the names the templates use', () => {
    expect(namesOf('acme-iot')).toEqual({
      id: 'acme-iot',
      pascal: 'AcmeIot',
      constant: 'ACME_IOT',
      camel: 'acmeIot',
      todo: 'TODO(acme-iot)',
    });
    expect(namesOf('intl-1nce').pascal).toBe('Intl1nce');
    expect(namesOf('ctcc-cmp').pascal).toBe('CtccCmp');
  });

  it('generates into the three places only', () => {
    const places = placesOf(ID);
    for (const file of Object.keys(scaffold(namesOf(ID))))
      expect(places.some((p) => file.startsWith(p))).toBe(true);
  });
});

describe('new-carrier: docs/adding-a-carrier.md', () => {
  const doc = fs.readFileSync(path.join(REPO, 'docs/adding-a-carrier.md'), 'utf8');
  const files = scaffold(namesOf(ID));

  it('lists exactly the files the generator writes', () => {
    const table = doc.slice(doc.indexOf('## 1. Generate'), doc.indexOf('## 2.'));
    const listed = [...table.matchAll(/^\| `([^`]*<id>[^`]*)` \|/gm)].map((m) => m[1].replace(/<id>/g, ID));
    expect(listed.sort()).toEqual(Object.keys(files).sort());
  });

  it('names the exports the generated files have', () => {
    const exports: Array<[string, string, RegExp]> = [
      ['manifest.ts', '`manifest`', /export const manifest = defineManifest\(\{/],
      ['manifest.ts', '`defineManifest`', /defineManifest\(\{/],
      ['manifest.ts', '`optionsSchema`', /export const optionsSchema = manifest\.options;/],
      ['manifest.ts', '`type Options`', /export type Options = /],
      ['errors.ts', '`errorTable`', /export const errorTable: ErrorTable/],
      ['errors.ts', '`errorRows`', /codes: errorRows`/],
      ['errors.ts', '`statusRows`', /statuses: statusRows`/],
      ['client.ts', '`class <Pascal>Client`', /export class AcmeIotClient \{/],
      [
        'adapter.ts',
        '`class <Pascal>Adapter extends PerCardAdapter implements CarrierAdapter`',
        /export class AcmeIotAdapter extends PerCardAdapter implements CarrierAdapter/,
      ],
      ['index.ts', '`platform`', /export const platform: CarrierPlatform/],
      ['mocks/src/acme-iot/index.ts', '`simulator`', /export const simulator: SimulatorPlatform</],
      [
        'simulator.ts',
        '`class <Pascal>Simulator extends BaseSimulator`',
        /export class AcmeIotSimulator extends BaseSimulator/,
      ],
    ];
    for (const [file, named, declared] of exports) {
      const key = Object.keys(files).find((f) => f.endsWith(file))!;
      expect(`${key}: ${declared.test(files[key])}`).toBe(`${key}: true`);
      expect(doc).toContain(named);
    }
  });
});

describe(`new-carrier: npm run new-carrier -- ${ID} in a scratch copy`, () => {
  let dir: string;

  beforeAll(() => {
    dir = scratchCopy();
  }, 60_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('changes only the three places of the platform', () => {
    const r = run('npm', ['run', '--silent', 'new-carrier', '--', ID], dir);
    expect(r.out).toContain(`generated platform '${ID}'`);
    expect(r.code).toBe(0);
    const changed = changedPaths(dir);
    const places = placesOf(ID);
    expect(changed.filter((f) => !places.some((p) => f.startsWith(p)))).toEqual([]);
    for (const p of places) expect(changed.some((f) => f.startsWith(p))).toBe(true);
    expect(changed.sort()).toEqual(Object.keys(scaffold(namesOf(ID))).sort());
  }, 60_000);

  it('refuses a malformed id and an existing one with a clear message, writing nothing', () => {
    const before = changedPaths(dir);
    const cases: Array<[string, RegExp]> = [
      ['Acme_IoT', /new-carrier: invalid platform id 'Acme_IoT': lowercase letters and digits/],
      [ID, new RegExp(`new-carrier: platform '${ID}' exists already: libs/carriers/src/${ID}/`)],
      ['cmcc-onelink', /new-carrier: platform 'cmcc-onelink' exists already/],
    ];
    for (const [id, message] of cases) {
      const r = run(process.execPath, ['dist/scripts/new-carrier.js', id], dir);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(message);
    }
    expect(run(process.execPath, ['dist/scripts/new-carrier.js'], dir).out).toMatch(
      /usage: npm run new-carrier -- <platform-id>/,
    );
    expect(changedPaths(dir)).toEqual(before);
  });

  it('is discovered by the registry and by the simulator set, on the next free port offset', () => {
    const script = `
      const { discoverSimulators, portOffsets } = require('./mocks/src/sim/platform');
      const { discoverPlatforms } = require('./libs/carriers/src/registry');
      process.stdout.write(JSON.stringify({
        simulators: discoverSimulators().map((s, k, all) => [s.id, portOffsets(all)[k]]),
        platforms: discoverPlatforms().map((p) => p.manifest.id),
      }));`;
    const r = run(process.execPath, ['-r', '@swc-node/register', '-e', script], dir);
    expect(r.code).toBe(0);
    const found = JSON.parse(r.stdout) as { simulators: [string, number][]; platforms: string[] };
    expect(found.platforms).toContain(ID);
    const offsets = found.simulators.map(([, offset]) => offset);
    expect(found.simulators.find(([id]) => id === ID)).toEqual([ID, Math.max(...offsets)]);
    expect(new Set(offsets).size).toBe(offsets.length);
  });

  it('still type-checks (npx tsc --noEmit -p tsconfig.json)', () => {
    const r = run(
      process.execPath,
      ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'],
      dir,
      120_000,
    );
    // The generated files first (a half-converted tree elsewhere shows up in the second assertion).
    const places = placesOf(ID);
    expect(r.out.split('\n').filter((l) => places.some((p) => l.startsWith(p)))).toEqual([]);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  it('passes its unit tier (one check, the feature tests as it.todo)', () => {
    const args = [
      '--expose-gc',
      '--experimental-vm-modules',
      'node_modules/jest/bin/jest.js',
      '--ci',
      `libs/carriers/src/${ID}`,
    ];
    const r = run(process.execPath, args, dir, 120_000);
    expect(r.out).toMatch(/Tests:\s+4 todo, 1 passed, 5 total/);
    expect(r.code).toBe(0);
  }, 120_000);

  it(`fails the conformance kit only on checks that name a generated ${TODO}`, () => {
    const report = path.join(dir, 'conformance.json');
    const spec = `test/conformance/${ID}.conformance.spec.ts`;
    const r = run(
      process.execPath,
      [
        '--expose-gc',
        '--experimental-vm-modules',
        'node_modules/jest/bin/jest.js',
        '--ci',
        '--json',
        `--outputFile=${report}`,
        spec,
      ],
      dir,
      120_000,
    );
    expect(r.code).toBe(1);
    const json = JSON.parse(fs.readFileSync(report, 'utf8')) as {
      numRuntimeErrorTestSuites: number;
      testResults: Array<{
        name: string;
        message: string;
        assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }>;
      }>;
    };
    // The suite ran (no error outside the checks), and it is the generated registration.
    expect(json.numRuntimeErrorTestSuites).toBe(0);
    expect(json.testResults.map((t) => path.relative(dir, t.name))).toEqual([spec]);
    const checks = json.testResults[0].assertionResults;
    const failed = checks.filter((c) => c.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    // Every failure names a TODO, and the generated file it stands in.
    const files = Object.keys(scaffold(namesOf(ID)));
    const basenames = [...new Set(files.map((f) => path.basename(f)))];
    const withoutTodo = failed
      .map((c) => ({ name: c.fullName, message: c.failureMessages.join('\n') }))
      .filter((c) => !c.message.includes(TODO) || !basenames.some((b) => c.message.includes(b)))
      .map((c) => `${c.name}: ${c.message}`);
    expect(withoutTodo).toEqual([]);
    // The kit's own checks fail, and so does the registration's list of what is left: every marker, file and line.
    expect(failed.filter((c) => c.fullName.startsWith(`conformance: ${ID}`)).length).toBeGreaterThan(5);
    const left = failed.find((c) => c.fullName.startsWith(`${ID}: generated`));
    expect(left).toBeDefined();
    const markers = files.flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (line.includes(TODO) ? [`${f}:${i + 1}:`] : [])),
    );
    expect(markers.length).toBeGreaterThan(10);
    expect(markers.filter((m) => !left!.failureMessages.join('\n').includes(m))).toEqual([]);
  }, 120_000);
});
