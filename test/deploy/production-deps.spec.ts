import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, describeViolations, productionPackages, walkDist, walkSources } from '../support/prod-deps';

/**
 * A production install (`npm ci --omit=dev`, deploy/Dockerfile) must start: the gateway (with and without
 * SIMGATE_CARRIERS: the bundled simulators load lazily, and a lazy import still runs in production), a
 * standalone worker and the simulators' CLI may reach production packages only. The module graph is walked
 * from the sources always, and from dist/ when a build newer than the sources is there (.ci/run builds
 * before `npm test`; a fresh clone running `npm test` alone has no dist/ and checks the sources only).
 */
const ENTRIES = ['apps/gateway/src/main.ts', 'apps/worker/src/main.ts', 'mocks/src/cli.ts'];
const DIST = path.join(ROOT, 'dist');
const distOf = (source: string) => path.join(DIST, source.replace(/\.ts$/, '.js'));

describe('a production install loads production dependencies only', () => {
  const sources = walkSources(ENTRIES);

  it('walks the whole graph, the lazy bundled simulators and the discovered platforms included', () => {
    expect(sources.files).toEqual(
      expect.arrayContaining([
        'apps/gateway/src/bundled-simulators.ts',
        'mocks/src/index.ts',
        'mocks/src/sim/http-face.ts',
        'libs/carriers/src/cmcc-onelink/index.ts',
        'libs/carriers/src/toolkit/carrier-http.ts',
        // Loaded by computed path (the simulator set discovers its folders): the walk must reach them too.
        'mocks/src/intl-1nce/index.ts',
        'mocks/src/cmcc-onelink/index.ts',
      ]),
    );
    expect(sources.packages).toEqual(expect.arrayContaining(['@nestjs/core', 'axios', 'zod']));
  });

  it('from the sources: no devDependency and nothing outside package-lock.json is reachable', () => {
    expect(describeViolations(sources.violations)).toBe('');
  });

  it('the test-only nock face is outside that graph, and the walk would catch it', () => {
    expect(sources.files).not.toContain('mocks/src/testing/nock.ts');
    expect(productionPackages().has('nock')).toBe(false);
    // The walker itself: an entry that needs nock is reported, with the chain that leads to it.
    const bad = walkSources(['mocks/src/testing/nock.ts']);
    expect(bad.violations.map((v) => v.specifier)).toContain('nock');
    expect(bad.violations.find((v) => v.specifier === 'nock')?.chain).toEqual(['mocks/src/testing/nock.ts']);
  });

  const built = ENTRIES.every((e) => fs.existsSync(distOf(e)));
  const stale = built
    ? sources.files.filter(
        (f) =>
          f.endsWith('.ts') &&
          fs.existsSync(distOf(f)) &&
          fs.statSync(path.join(ROOT, f)).mtimeMs > fs.statSync(distOf(f)).mtimeMs,
      )
    : [];
  const distReason = !built
    ? 'dist/ is absent (run npm run build)'
    : stale.length
      ? `dist/ is older than ${stale.length} source file(s), e.g. ${stale[0]} (run npm run build)`
      : '';
  if (distReason) {
    it.skip(`from dist/: skipped, ${distReason}`, () => undefined);
  } else {
    it('from dist/: the emitted requires (aliases rewritten by tsc-alias) reach production packages only', () => {
      const dist = walkDist(ENTRIES.map((e) => e.replace(/\.ts$/, '.js')));
      expect(describeViolations(dist.violations)).toBe('');
      expect(dist.files).toEqual(
        expect.arrayContaining(['dist/apps/gateway/src/bundled-simulators.js', 'dist/mocks/src/cli.js']),
      );
      expect(dist.files).not.toContain('dist/mocks/src/testing/nock.js');
    });
  }
});
