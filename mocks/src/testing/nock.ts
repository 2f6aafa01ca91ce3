import nock from 'nock';
import { toSimRequest } from '../sim/http-face';
import type { Simulator } from '../sim/types';

/*
 * Test-only (nock is a devDependency): this face is not exported by the simulators' main entry
 * (`@simgate/mocks`), and tsconfig.build.json leaves `testing/` folders out of the build, so a production
 * install never loads it. Tests import it as `@simgate/mocks/testing/nock` (or relatively).
 */

/**
 * Intercepts every request to `origin` with nock and answers from the simulator (unit tests, no sockets).
 * Returns the scope; call `nock.cleanAll()` (or `scope.persist(false)`) to remove it.
 */
export function interceptWithNock(simulator: Simulator, origin: string): nock.Scope {
  const scope = nock(origin).persist();
  const handler = function (this: nock.ReplyFnContext, uri: string, body: nock.Body, cb: (err: NodeJS.ErrnoException | null, result: nock.ReplyFnResult) => void): void {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    const text = typeof body === 'string' ? body : body === undefined || body === null ? '' : JSON.stringify(body);
    const req = toSimRequest(simulator, this.req.method, uri, headers, text);
    if (!req) {
      cb(null, [404, 'not found']);
      return;
    }
    simulator.handle(req).then(
      async (out) => {
        if (out.delayMs) await new Promise((r) => setTimeout(r, out.delayMs));
        if (out.hang) {
          const err = Object.assign(new Error('socket hang up (simulated timeout)'), { code: 'ETIMEDOUT' });
          cb(err, [0, '']);
          return;
        }
        cb(null, [out.status, out.body, out.headers ?? {}]);
      },
      (err: Error) => cb(null, [500, `simulator error: ${err.message}`]),
    );
  };
  for (const method of ['get', 'post', 'put', 'delete'] as const) scope[method](/.*/).query(true).reply(handler);
  return scope;
}
