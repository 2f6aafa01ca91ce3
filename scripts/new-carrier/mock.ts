import type { Names } from './names';

/** Templates of mocks/src/<id>/: the simulator skeleton, and the index the simulator set discovers. */

/** A fault salt of its own for the platform (its faults are drawn apart from the others'): a hash of the id. */
export function faultSaltOf(id: string): string {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 0x10000;
  return `0x${h.toString(16).padStart(4, '0')}`;
}

export function simulatorTs(n: Names): string {
  return `import { BaseSimulator } from '../sim/base';
import type { SimOptions, SimRequest, SimResponse } from '../sim/types';

/**
 * ${n.id} simulator (docs/adding-a-carrier.md, step 8). It reproduces the platform's wire contract, quirks
 * included, written from the text and never from adapter code (it imports at most types and pure helpers
 * from @simgate/core). BaseSimulator gives the clock, the seeded fault injector, the counters, the order
 * delay and the account entry; this class adds the fleet derived from (seed, index), usage that grows and
 * resets at the cycle boundary, orders that complete after \`orderDelayMs\`, the fault kinds in the platform's
 * own wire form, quotas as sliding windows, and public facts the conformance registration derives its
 * expectations from.
 */
// ${n.todo}: the base path of the platform's real base URL (\`/v1/\`, \`/management-api/\`), so the account looks real.
export const BASE_PATH = '/${n.id}/';

export class ${n.pascal}Simulator extends BaseSimulator {
  readonly credentials: Record<string, string>;
  readonly cards: number;

  constructor(options: SimOptions) {
    super(options, {
      platform: '${n.id}',
      basePath: BASE_PATH,
      accountName: '${n.id}-main',
      faultSalt: ${faultSaltOf(n.id)},
      // ${n.todo}: the platform's order delay when the wire contract states one.
      defaultOrderDelayMs: 5 * 60_000,
    });
    this.cards = options.cards;
    // ${n.todo}: the credential fields of the manifest, with values the simulator accepts.
    this.credentials = { username: 'simgate-${n.id}', password: \`pw-\${options.seed}\` };
  }

  /** ${n.todo}: the status the platform shows for card \`index\` at the clock (a fact the fixture reads). */
  rawStatusOf(index: number): string {
    throw new Error(
      \`${n.todo}: simulator.ts rawStatusOf — the raw status of card \${index} of \${this.cards}\`,
    );
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    this.counters.request(\`\${req.method} \${req.path}\`);
    // ${n.todo}: route every endpoint of the wire contract, with faults in the platform's wire form.
    return {
      status: 501,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: '${n.todo}: simulator.ts handle', path: req.path }),
    };
  }
}
`;
}

export function simIndexTs(n: Names): string {
  return `import type { SimulatorPlatform } from '../sim/platform';
import { ${n.pascal}Simulator } from './simulator';

export { ${n.pascal}Simulator, BASE_PATH } from './simulator';

/**
 * The \`${n.id}\` simulator: the simulator set (mocks CLI, \`npm start\`'s bundled simulators, the accounts
 * file) discovers it through this export. Its server listens on port base + the next free offset; a
 * \`portOffset\` here would pin one.
 */
export const simulator: SimulatorPlatform<${n.pascal}Simulator> = {
  id: '${n.id}',
  create: (options) => new ${n.pascal}Simulator(options),
};
`;
}
