import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rejected, type AdapterManifest, type CarrierPlatform } from '@simgate/core';

/**
 * The platform registry. Every folder beside this file whose `index` exports `platform` (a
 * `CarrierPlatform`) is registered: adding a carrier adds a folder and edits no central list.
 */
export class CarrierRegistry {
  private readonly byId = new Map<string, CarrierPlatform>();

  constructor(platforms: readonly CarrierPlatform[]) {
    for (const p of platforms) {
      if (this.byId.has(p.manifest.id)) throw new Error(`two platforms register the id '${p.manifest.id}'`);
      this.byId.set(p.manifest.id, p);
    }
  }

  get(id: string): CarrierPlatform {
    const p = this.byId.get(id);
    if (!p) throw new Rejected(`unknown platform '${id}'; known: ${this.ids().join(', ')}`);
    return p;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): string[] {
    return [...this.byId.keys()].sort();
  }

  manifests(): AdapterManifest[] {
    return this.ids().map((id) => this.byId.get(id)!.manifest);
  }
}

function isPlatform(x: unknown): x is CarrierPlatform {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as CarrierPlatform).connect === 'function' &&
    typeof (x as CarrierPlatform).manifest?.id === 'string'
  );
}

/**
 * Loads every platform folder under `dir` (default: this folder): a folder is a platform iff its `index`
 * exports `platform`. Other folders (the toolkit, test helpers) export none and are passed over; no list names them.
 */
export function discoverPlatforms(dir: string = __dirname): CarrierPlatform[] {
  const out: CarrierPlatform[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const folder = path.join(dir, entry.name);
    if (!['index.ts', 'index.js'].some((f) => fs.existsSync(path.join(folder, f)))) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(folder) as { platform?: unknown };
    if (isPlatform(mod.platform)) out.push(mod.platform);
  }
  return out;
}
