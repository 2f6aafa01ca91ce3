import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * Runs `exportName` of a TypeScript module in a child Node process whose zone is `zone`, and returns its
 * JSON result. Jest's sandbox cannot change the process's zone (process.env there is a copy), so this is
 * how a spec proves that business time does not depend on the host's TZ. The child compiles TypeScript
 * with @swc/core and maps `@simgate/core` as tsconfig does.
 */
export function runInZone<T>(zone: string, modulePath: string, exportName: string): T {
  const root = path.resolve(__dirname, '../../../..');
  const hook = `
    const path = require('path'); const fs = require('fs'); const Module = require('module');
    const { transformSync } = require(require.resolve('@swc/core', { paths: [${JSON.stringify(root)}] }));
    const root = ${JSON.stringify(root)};
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, parent, ...rest) {
      if (request === '@simgate/core') request = path.join(root, 'libs/core/src/index.ts');
      else if (request.startsWith('@simgate/core/')) request = path.join(root, 'libs/core/src', request.slice(14));
      return resolve.call(this, request, parent, ...rest);
    };
    require.extensions['.ts'] = function (module, filename) {
      const out = transformSync(fs.readFileSync(filename, 'utf8'), { filename,
        jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' }, module: { type: 'commonjs' } });
      module._compile(out.code, filename);
    };
    Promise.resolve(require(${JSON.stringify(modulePath)})[${JSON.stringify(exportName)}]())
      .then((r) => process.stdout.write(JSON.stringify({ offsetMinutes: new Date('2026-04-01T00:00:00Z').getTimezoneOffset(), result: r })))
      .catch((e) => { console.error(e); process.exit(1); });`;
  const out = execFileSync(process.execPath, ['-e', hook], { cwd: root, env: { ...process.env, TZ: zone }, encoding: 'utf8' });
  const parsed = JSON.parse(out) as { offsetMinutes: number; result: T };
  return Object.assign(parsed.result as object, { offsetMinutes: parsed.offsetMinutes }) as T;
}
