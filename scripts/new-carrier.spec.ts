/**
 * The carrier generator: runs it (compiled as `npm run new-carrier` compiles it) in a temporary copy of the
 * parts of the repository a carrier touches, and type-checks the result with the project's tsconfig.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { idProblem, namesOf, newCarrier, scaffold } from './new-carrier';

const REPO = path.resolve(__dirname, '..');
const TSC = path.join(REPO, 'node_modules/typescript/bin/tsc');
/** What a carrier compiles against: core, the carriers library (kit and registry), the simulators, the registrations. */
const COPIED = ['tsconfig.json', 'package.json', 'libs/core', 'libs/carriers', 'mocks/src', 'test/conformance', 'scripts'];

function copyRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-new-carrier-'));
  for (const rel of COPIED) {
    fs.cpSync(path.join(REPO, rel), path.join(dir, rel), { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
  }
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function run(cmd: string, args: string[], cwd: string): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe', timeout: 90_000 }) };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('new-carrier: ids', () => {
  it('accepts lowercase words joined by dashes', () => {
    for (const id of ['acme-iot', 'vodafone-gdsp', 'tele2', 'a1-b2-c3']) expect(idProblem(REPO, id)).toBeNull();
  });

  it('refuses malformed, reserved and existing ids', () => {
    for (const id of ['Acme', '1nce', 'acme_iot', 'acme--iot', 'acme-', '-acme', 'acme iot', '', 'a'.repeat(41)]) {
      expect(idProblem(REPO, id)).toMatch(/must be|longer/);
    }
    for (const id of ['http', 'conformance', 'testing', 'sim']) expect(idProblem(REPO, id)).toMatch(/reserved/);
    for (const id of ['cmcc-onelink', 'cucc-jasper', 'ctcc-cmp', 'intl-1nce']) expect(idProblem(REPO, id)).toMatch(/exists already/);
  });

  it('derives the names the templates use', () => {
    expect(namesOf('acme-iot')).toEqual({ id: 'acme-iot', pascal: 'AcmeIot', constant: 'ACME_IOT', camel: 'acmeIot' });
  });

  it('scaffolds the adapter folder, the simulator skeleton and the conformance registration', () => {
    const files = Object.keys(scaffold(namesOf('acme-iot'))).sort();
    expect(files).toEqual(
      [
        'libs/carriers/src/acme-iot/acme-iot.adapter.spec.ts',
        'libs/carriers/src/acme-iot/acme-iot.adapter.ts',
        'libs/carriers/src/acme-iot/client.ts',
        'libs/carriers/src/acme-iot/errors.ts',
        'libs/carriers/src/acme-iot/index.ts',
        'libs/carriers/src/acme-iot/manifest.ts',
        'libs/carriers/src/acme-iot/map.ts',
        'libs/carriers/src/acme-iot/wire.ts',
        'mocks/src/acme-iot/index.ts',
        'mocks/src/acme-iot/simulator.ts',
        'test/conformance/acme-iot.conformance.spec.ts',
      ].sort(),
    );
  });
});

describe('new-carrier: a run in a temporary copy', () => {
  let dir: string;

  beforeAll(() => {
    dir = copyRepo();
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a scaffold that type-checks with the project tsconfig, and refuses to run twice', () => {
    // Compiled and run exactly as `npm run new-carrier -- acme-iot` does.
    const built = run(process.execPath, [TSC, '-p', 'scripts/new-carrier.tsconfig.json', '--outDir', 'gen'], dir);
    expect(built.out).toBe('');
    const first = run(process.execPath, ['gen/new-carrier.js', 'acme-iot'], dir);
    expect(first.code).toBe(0);
    expect(first.out).toContain('test/conformance/acme-iot.conformance.spec.ts');
    for (const f of Object.keys(scaffold(namesOf('acme-iot')))) expect(fs.existsSync(path.join(dir, f))).toBe(true);
    const index = fs.readFileSync(path.join(dir, 'libs/carriers/src/acme-iot/index.ts'), 'utf8');
    expect(index).toMatch(/export const platform: CarrierPlatform/);

    const again = run(process.execPath, ['gen/new-carrier.js', 'acme-iot'], dir);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/exists already/);
    expect(run(process.execPath, ['gen/new-carrier.js', 'Acme'], dir).code).toBe(1);

    fs.rmSync(path.join(dir, 'gen'), { recursive: true, force: true });
    const typecheck = run(process.execPath, [TSC, '--noEmit', '-p', 'tsconfig.json'], dir);
    expect(typecheck.out).toBe('');
    expect(typecheck.code).toBe(0);
  }, 90_000);

  it('newCarrier() refuses an id whose folder exists, writing nothing', () => {
    const before = fs.readdirSync(path.join(dir, 'libs/carriers/src')).sort();
    expect(() => newCarrier(dir, 'cmcc-onelink')).toThrow(/exists already/);
    expect(fs.readdirSync(path.join(dir, 'libs/carriers/src')).sort()).toEqual(before);
  });
});
