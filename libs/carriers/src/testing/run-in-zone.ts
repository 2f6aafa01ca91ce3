import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * Zone independence, for real: runs `script` in a child Node process whose TZ is `zone` (Jest's sandbox copies
 * process.env, so setting TZ inside a spec does not reach V8) and returns the JSON it writes to stdout.
 * TypeScript is compiled on the fly with @swc/core; `@simgate/*` resolve as in tsconfig.
 */
const ROOT = path.resolve(__dirname, '../../../..');

export function runInZone(zone: string, script: string): unknown {
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
