import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * Zone independence, for real: the mappers run in a child Node process whose TZ is America/Los_Angeles
 * (Jest's sandbox copies process.env, so setting TZ inside a spec does not reach V8), and must give the
 * same instants as here. TypeScript is compiled on the fly with @swc/core; `@simgate/*` resolve as in tsconfig.
 */
const ROOT = path.resolve(__dirname, '../../../..');

function runInZone(zone: string, script: string): unknown {
  const hook = `
    const fs = require('fs'), path = require('path'), Module = require('module'), swc = require('@swc/core');
    const root = ${JSON.stringify(ROOT)};
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (req, parent, ...rest) {
      const m = /^@simgate\\/(core|carriers)(\\/.*)?$/.exec(req);
      if (m) req = path.join(root, 'libs', m[1], 'src', m[2] || '');
      return resolve.call(this, req, parent, ...rest);
    };
    require.extensions['.ts'] = (mod, file) => mod._compile(swc.transformSync(fs.readFileSync(file, 'utf8'),
      { filename: file, jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' }, module: { type: 'commonjs' } }).code, file);
  `;
  const out = execFileSync(process.execPath, ['-e', `${hook}\n${script}`], {
    cwd: ROOT,
    env: { ...process.env, TZ: zone },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

const SCRIPT = `
  const m = require(${JSON.stringify(path.join(__dirname, 'map.ts'))});
  const at = new Date('2026-03-26T16:30:00Z');
  const u = m.mapCtdUsage('x', { ctdDataUsage: 1 }, null, m.jasperCycle(27), at);
  const before = m.mapCtdUsage('x', { ctdDataUsage: 1 }, null, m.jasperCycle(27), new Date('2026-03-26T15:59:59Z'));
  const past = m.mapZoneUsage('x', { deviceCycleUsageInZones: {} }, null, m.jasperCycle(27), '2026-03', at);
  process.stdout.write(JSON.stringify({
    zoneOffset: new Date('2026-01-01T00:00:00Z').getTimezoneOffset(),
    now: [u.cycleStart, u.cycleEnd], before: [before.cycleStart, before.cycleEnd], past: [past.cycleStart, past.cycleEnd],
    param: m.cycleStartParam(m.jasperCycle(27), '2026-03'), naive: m.parseJasperDate('2026-03-01 08:00:00'),
  }));
`;

describe('Jasper mappers are zone-independent', () => {
  it('give the same instants in a Los Angeles process', () => {
    expect(runInZone('America/Los_Angeles', SCRIPT)).toEqual({
      zoneOffset: 480,
      now: ['2026-03-26T16:00:00.000Z', '2026-04-26T16:00:00.000Z'],
      before: ['2026-02-26T16:00:00.000Z', '2026-03-26T16:00:00.000Z'],
      past: ['2026-02-26T16:00:00.000Z', '2026-03-26T16:00:00.000Z'],
      param: '2026-02-27Z',
      naive: '2026-03-01T00:00:00.000Z',
    });
  });
});
