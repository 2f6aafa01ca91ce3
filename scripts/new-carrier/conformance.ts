import type { Names } from './names';

/** Where a registration imports the conformance kit from. */
export const KIT_IMPORT = './kit';

/** Template of test/conformance/<id>.conformance.spec.ts: the registration, every fact a `TODO(<id>)`. */
export function conformanceTs(n: Names): string {
  return `/**
 * Conformance registration: ${n.id} against its simulator over real HTTP (docs/adding-a-carrier.md, step 9).
 * The expectations come from the simulator's published facts, turned into the normalized view by the
 * wire contract's mapping rows — never by calling adapter code. Each TODO throws until
 * written, and the kit's failures name it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeConformance, type ExpectedCard, type OperationCase } from '${KIT_IMPORT}';
import { simulator, type ${n.pascal}Simulator } from '@simgate/mocks/${n.id}';

const ID = '${n.id}';
const CARDS = 200;

/** A fixture value still to write (the marker is built here, so that this helper is no TODO of its own). */
function todo(what: string): never {
  throw new Error(\`TODO(\${ID}): \${ID}.conformance.spec.ts \${what}\`);
}

/** The normalized view of card \`index\`, from \`sim.rawStatusOf(index)\` and the other facts it publishes. */
function expectation(sim: ${n.pascal}Simulator, index: number): ExpectedCard {
  const raw = sim.rawStatusOf(index);
  return todo(
    \`expectation — card \${index} (raw status \${raw}): its ref, status and reason by the mapping rows\`,
  );
}

function operations(_sim: ${n.pascal}Simulator): OperationCase[] {
  // ${n.todo}: one eligible card per operation the manifest lists, and the status it ends in; [] for none.
  return todo('operations — one case per operation of the manifest');
}

describeConformance<${n.pascal}Simulator>('${n.id}', {
  createSimulator: (options) => simulator.create(options),
  cards: CARDS,
  seed: 1,
  start: '2026-03-10T10:00:00Z',
  orderDelayMs: 10 * 60_000,
  // ${n.todo}: the billing cycle of the wire contract, as in the manifest. Cycles of each card's own (a start at
  // the card's activation, as Super SIM's billing periods): add \`expectedCycle: (sim, iccid) => ({ start, end })\`.
  cycle: { startDay: 1, zone: 'UTC' },
  expectedCards: (sim) => Array.from({ length: CARDS }, (_, i) => expectation(sim, i)),
  fleetIccids: () => todo('fleetIccids — every ICCID the inventory holds'),
  unknownIccids: () => todo('unknownIccids — well-formed ICCIDs (with Luhn digit) the simulator lacks'),
  operations,
  // ${n.todo}: { kind: 'static', why: '…' } when the platform has no token that can expire.
  auth: { kind: 'token' },
});

/** The generator's markers left in the platform's three places, as \`file:line: text\`. */
function todosLeft(): string[] {
  const root = path.resolve(__dirname, '../..');
  const marker = \`TODO(\${ID})\`;
  const files = (p: string): string[] =>
    fs.statSync(p).isDirectory() ? fs.readdirSync(p).flatMap((f) => files(path.join(p, f))) : [p];
  return [\`libs/carriers/src/\${ID}\`, \`mocks/src/\${ID}\`, \`test/conformance/\${ID}.conformance.spec.ts\`]
    .flatMap((place) => files(path.join(root, place)))
    .flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\\n')
        .map((line, i) => \`\${path.relative(root, file)}:\${i + 1}: \${line.trim()}\`)
        .filter((line) => line.includes(marker)),
    );
}

describe(\`\${ID}: generated\`, () => {
  it('has every TODO of the generator filled in (the data ones too: manifest, wire types, errorTable)', () => {
    expect(todosLeft()).toEqual([]);
  });
});
`;
}
