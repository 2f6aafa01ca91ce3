/**
 * `npm run new-carrier -- <platform-id>`: generates the next carrier platform in its three places, and
 * nothing else (the registry and the simulator set discover folders):
 *
 *   libs/carriers/src/<id>/                      wire, manifest (+ options schema), errors (errorTable),
 *                                                client, map, adapter, index (`platform`), a unit spec
 *   mocks/src/<id>/                              the simulator skeleton
 *   test/conformance/<id>.conformance.spec.ts    the conformance registration
 *
 * The result type-checks, and the conformance kit fails on it until every `TODO(<id>)` is filled in: each
 * failure names one. docs/adding-a-carrier.md walks through them. Templates: scripts/new-carrier/.
 * Node built-ins only: the script is compiled alone (scripts/new-carrier.tsconfig.json).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { adapterSpecTs, adapterTs, clientTs, indexTs } from './new-carrier/carrier-code';
import { errorsTs, manifestTs, mapTs, wireTs } from './new-carrier/carrier-data';
import { conformanceTs } from './new-carrier/conformance';
import { simIndexTs, simulatorTs } from './new-carrier/mock';
import { namesOf, type Names } from './new-carrier/names';

export { namesOf, type Names } from './new-carrier/names';

export const PLATFORM_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Shared folders beside the platforms (libs/carriers/src, mocks/src, test/conformance) and module names. */
const RESERVED = new Set([
  'toolkit',
  'http',
  'conformance',
  'kit',
  'testing',
  'sim',
  'index',
  'registry',
  'support',
]);

/** The three places of a platform, relative to the repository root. */
export function placesOf(id: string): string[] {
  return [`libs/carriers/src/${id}/`, `mocks/src/${id}/`, `test/conformance/${id}.conformance.spec.ts`];
}

/** Why `id` cannot be a new platform id in the repository at `root`, or null when it can. */
export function idProblem(root: string, id: string): string | null {
  if (!PLATFORM_ID.test(id)) {
    return `invalid platform id '${id}': lowercase letters and digits in words joined by '-', starting with a letter (e.g. 'vodafone-gdsp')`;
  }
  if (id.length > 40) return `invalid platform id '${id}': longer than 40 characters`;
  if (RESERVED.has(id)) return `invalid platform id '${id}': the name is reserved for a shared folder`;
  for (const place of placesOf(id)) {
    if (fs.existsSync(path.join(root, place))) return `platform '${id}' exists already: ${place}`;
  }
  return null;
}

/** The generated files, relative to the repository root. */
export function scaffold(n: Names): Record<string, string> {
  const [lib, mock, conformance] = placesOf(n.id);
  return {
    [`${lib}wire.ts`]: wireTs(n),
    [`${lib}manifest.ts`]: manifestTs(n),
    [`${lib}errors.ts`]: errorsTs(n),
    [`${lib}client.ts`]: clientTs(n),
    [`${lib}map.ts`]: mapTs(n),
    [`${lib}adapter.ts`]: adapterTs(n),
    [`${lib}adapter.spec.ts`]: adapterSpecTs(n),
    [`${lib}index.ts`]: indexTs(n),
    [`${mock}simulator.ts`]: simulatorTs(n),
    [`${mock}index.ts`]: simIndexTs(n),
    [conformance]: conformanceTs(n),
  };
}

/** Writes the platform `id` into the repository at `root`; returns the files written. Throws on a bad or taken id. */
export function newCarrier(root: string, id: string): string[] {
  const problem = idProblem(root, id);
  if (problem) throw new Error(problem);
  const files = scaffold(namesOf(id));
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, { flag: 'wx' });
  }
  return Object.keys(files);
}

function main(argv: string[]): number {
  const id = argv[0];
  if (!id || argv.length > 1 || id.startsWith('-')) {
    process.stderr.write('usage: npm run new-carrier -- <platform-id>   (e.g. vodafone-gdsp)\n');
    return 2;
  }
  const root = process.cwd();
  if (!fs.existsSync(path.join(root, 'libs/carriers/src/registry.ts'))) {
    process.stderr.write(
      `new-carrier: run it from the repository root (no libs/carriers/src/registry.ts under ${root})\n`,
    );
    return 2;
  }
  try {
    const files = newCarrier(root, id);
    const todo = namesOf(id).todo;
    process.stdout.write(`generated platform '${id}':\n${files.map((f) => `  ${f}`).join('\n')}\n`);
    process.stdout.write(
      `next: docs/adding-a-carrier.md — fill in every ${todo} (grep -rn '${todo}' libs mocks test);\n` +
        `the conformance kit names the ones left: npm test -- test/conformance/${id}\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`new-carrier: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
