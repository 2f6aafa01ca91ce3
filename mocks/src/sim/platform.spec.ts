import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PLATFORMS, createSimulators } from '../index';
import { discoverSimulators, portOffsets } from './platform';

/** A scratch tree of platform folders: name → the body of its index.js (undefined: a folder without index). */
function tree(folders: Record<string, string | undefined>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-sims-'));
  for (const [name, body] of Object.entries(folders)) {
    fs.mkdirSync(path.join(dir, name));
    if (body !== undefined) fs.writeFileSync(path.join(dir, name, 'index.js'), body);
  }
  return dir;
}
const platform = (id: string, portOffset: number) => `exports.simulator = { id: '${id}', portOffset: ${portOffset}, create: () => ({ platform: '${id}' }) };`;

describe('simulator discovery', () => {
  it('finds every folder whose index exports `simulator`, in port order; other folders are skipped', () => {
    const dir = tree({ 'b-two': platform('b-two', 0), 'a-one': platform('a-one', 1), helpers: 'exports.x = 1;', empty: undefined });
    expect(discoverSimulators(dir).map((p) => [p.id, p.portOffset])).toEqual([
      ['b-two', 0],
      ['a-one', 1],
    ]);
  });

  it('a platform without a port offset takes the next free one, after the declared ones', () => {
    const dir = tree({ zeta: 'exports.simulator = { id: "zeta", create: () => ({}) };', one: platform('one', 1), alpha: 'exports.simulator = { id: "alpha", create: () => ({}) };', zero: platform('zero', 0) });
    const found = discoverSimulators(dir);
    expect(found.map((p) => p.id)).toEqual(['zero', 'one', 'alpha', 'zeta']);
    expect(portOffsets(found)).toEqual([0, 1, 2, 3]);
  });

  it('refuses two platforms on one port offset', () => {
    const dir = tree({ one: platform('one', 0), two: platform('two', 0) });
    expect(() => discoverSimulators(dir)).toThrow(/'one' and 'two' take the same port offset 0/);
  });

  it('the simulator set is one simulator per folder of mocks/src, each its platform', () => {
    const sims = createSimulators({ cards: 10, seed: 1 });
    expect(sims.all.map((s) => s.platform)).toEqual([...PLATFORMS]);
    expect(sims.platforms.map((p) => p.id)).toEqual([...PLATFORMS]);
    expect(sims.portOffsets).toEqual(PLATFORMS.map((_, k) => k));
    for (const id of PLATFORMS) expect(sims.get(id).platform).toBe(id);
    expect(() => sims.get('nope')).toThrow(/unknown platform 'nope'/);
  });
});
