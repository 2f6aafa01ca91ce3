import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * What a production install (`npm ci --omit=dev`, as deploy/Dockerfile does) can load: walks the module graph
 * from entry files — static imports, `require()` and lazy `import()` alike, since a lazy import still runs in
 * production — and reports every package it reaches that `npm ci --omit=dev` would not install (a package
 * marked `dev` in package-lock.json, or one missing from it).
 *
 * Two faces: `walkSources` transpiles the TypeScript sources one file at a time (what tsc emits minus type
 * information: type-only imports are dropped as tsc drops them), resolving `@simgate/*` through tsconfig.json's
 * paths; `walkDist` reads the emitted `dist/` JavaScript, where tsc-alias must have rewritten every alias. Both
 * also start from every folder the carrier registry and the simulator set discover at run time.
 */

export const ROOT = path.join(__dirname, '../..');

export interface Violation {
  /** The package (or unresolved specifier). */
  specifier: string;
  /** The file that requires it, relative to the root, and the chain of files from an entry. */
  chain: string[];
  reason: string;
}

export interface WalkResult {
  /** Every local file reached, relative to the root. */
  files: string[];
  /** Every package reached (builtins excluded). */
  packages: string[];
  violations: Violation[];
}

/** Packages a production install has: lock entries without `dev` (optional platform binaries included). */
export function productionPackages(root = ROOT): Set<string> {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const out = new Set<string>();
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key.startsWith('node_modules/') || entry.dev) continue;
    // Only top-level (hoisted) packages are requirable from our own files.
    const name = key.slice('node_modules/'.length);
    if (!name.includes('/node_modules/')) out.add(name);
  }
  return out;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const REQUIRE = /\brequire\(\s*(['"])([^'"]+)\1\s*\)/g;

function requiresOf(js: string): string[] {
  return [...js.matchAll(REQUIRE)].map((m) => m[2]);
}

/**
 * Folders loaded by computed path, which no import names: the carrier platforms (`discoverPlatforms()`,
 * libs/carriers/src/registry.ts: every folder with an index) and the simulators (`discoverSimulators()`,
 * mocks/src/sim/platform.ts: the same, folders named `_…` aside). A folder is walked when its loader would
 * require it, whether or not its index turns out to export a platform.
 */
const DISCOVERED: Array<{ dir: string; skip?: (name: string) => boolean }> = [
  { dir: 'libs/carriers/src' },
  { dir: 'mocks/src', skip: (name) => name.startsWith('_') },
];

/** The index file of every discovered folder under `base` (the root for sources, dist/ for the build). */
function discoveredEntries(base: string, ext: '.ts' | '.js'): string[] {
  return DISCOVERED.flatMap(({ dir, skip }) => {
    const abs = path.join(base, dir);
    if (!fs.existsSync(abs)) return [];
    return fs
      .readdirSync(abs, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !skip?.(e.name))
      .map((e) => path.join(abs, e.name, `index${ext}`))
      .filter((f) => fs.existsSync(f));
  });
}

interface Face {
  ext: '.ts' | '.js';
  read(file: string): string;
  /** A local file for the specifier, or null when it is a package (or builtin). */
  resolveLocal(specifier: string, from: string): string | null | 'unresolved';
}

function walk(face: Face, entries: string[], root: string): WalkResult {
  const allowed = productionPackages(root);
  const seen = new Map<string, string | null>(); // file → parent
  const packages = new Set<string>();
  const violations: Violation[] = [];
  const chainOf = (file: string): string[] => {
    const out: string[] = [];
    for (let f: string | null | undefined = file; f; f = seen.get(f)) out.unshift(path.relative(root, f));
    return out;
  };
  const queue: string[] = [];
  for (const e of entries) {
    if (!seen.has(e)) {
      seen.set(e, null);
      queue.push(e);
    }
  }
  while (queue.length) {
    const file = queue.shift()!;
    if (file.endsWith('.json')) continue;
    for (const spec of requiresOf(face.read(file))) {
      if (isBuiltin(spec)) continue;
      const local = face.resolveLocal(spec, file);
      if (local === 'unresolved') {
        violations.push({ specifier: spec, chain: chainOf(file), reason: 'does not resolve to a file' });
        continue;
      }
      if (local) {
        if (!seen.has(local)) {
          seen.set(local, file);
          queue.push(local);
        }
        continue;
      }
      const name = packageName(spec);
      packages.add(name);
      if (!allowed.has(name)) {
        violations.push({
          specifier: name,
          chain: chainOf(file),
          reason: 'not installed by npm ci --omit=dev (a devDependency, or not in package-lock.json)',
        });
      }
    }
  }
  return {
    files: [...seen.keys()].map((f) => path.relative(root, f)).sort(),
    packages: [...packages].sort(),
    violations,
  };
}

function firstExisting(candidates: string[]): string | null {
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? null;
}

/** tsconfig.json's `paths` as [prefix, target folder] pairs (`@simgate/sync` → libs/sync/src). */
function aliases(root: string): Array<[string, string]> {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile).config as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return Object.entries(config.compilerOptions.paths)
    .filter(([k]) => !k.endsWith('/*'))
    .map(([k, v]) => [k, path.join(root, v[0])] as [string, string]);
}

const TRANSPILE: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
};

/** Walks the TypeScript sources from `entries` (paths relative to the root). */
export function walkSources(entries: string[], root = ROOT): WalkResult {
  const paths = aliases(root);
  const resolveFile = (base: string) =>
    firstExisting([base, `${base}.ts`, path.join(base, 'index.ts'), `${base}.json`]);
  const face: Face = {
    ext: '.ts',
    read: (file) =>
      ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: TRANSPILE, fileName: file })
        .outputText,
    resolveLocal: (spec, from) => {
      if (spec.startsWith('.')) return resolveFile(path.resolve(path.dirname(from), spec)) ?? 'unresolved';
      for (const [prefix, target] of paths) {
        if (spec === prefix) return resolveFile(target) ?? 'unresolved';
        if (spec.startsWith(prefix + '/'))
          return resolveFile(path.join(target, spec.slice(prefix.length + 1))) ?? 'unresolved';
      }
      return null;
    },
  };
  const all = [...entries.map((e) => path.join(root, e)), ...discoveredEntries(root, '.ts')];
  return walk(face, all, root);
}

/** Walks the built JavaScript under `dist` from `entries` (paths relative to dist, e.g. `apps/gateway/src/main.js`). */
export function walkDist(entries: string[], dist = path.join(ROOT, 'dist'), root = ROOT): WalkResult {
  const resolveFile = (base: string) =>
    firstExisting([base, `${base}.js`, path.join(base, 'index.js'), `${base}.json`]);
  const face: Face = {
    ext: '.js',
    read: (file) => fs.readFileSync(file, 'utf8'),
    resolveLocal: (spec, from) => {
      if (spec.startsWith('.')) return resolveFile(path.resolve(path.dirname(from), spec)) ?? 'unresolved';
      // tsc-alias rewrites every alias to a relative path; one left behind fails in production.
      if (spec.startsWith('@simgate/')) return 'unresolved';
      return null;
    },
  };
  const all = [...entries.map((e) => path.join(dist, e)), ...discoveredEntries(dist, '.js')];
  return walk(face, all, root);
}

/** One line per violation, for an assertion message. */
export function describeViolations(violations: Violation[]): string {
  return violations.map((v) => `${v.specifier}: ${v.reason}\n    via ${v.chain.join(' → ')}`).join('\n');
}
