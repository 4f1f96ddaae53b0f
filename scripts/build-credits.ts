// `node scripts/build-credits.ts`: writes renderer/features/about/credits.json, the About dialog's dependency
// credits: name, version and licence of every production dependency in package.json and of their own
// production dependencies, as installed in node_modules (found the way Node resolves them: the dependent's
// own node_modules first, then each folder up). The output is committed; build-credits.test.ts checks it
// is what this script makes now.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CREDITS_PATH = path.join(ROOT, 'renderer', 'features', 'about', 'credits.json');

export interface Credit {
  name: string;
  version: string;
  /** The SPDX expression the package states; null when it states none. */
  license: string | null;
}

export interface Credits {
  app: { name: string; version: string; license: string | null; licenseFile: boolean };
  packages: Credit[];
}

interface Manifest {
  name?: string;
  version?: string;
  license?: unknown;
  licenses?: unknown;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** `license` as a string, the old `{ type }` object, or the older `licenses` list joined with OR. */
export function licenseOf(manifest: Manifest): string | null {
  const typeOf = (value: unknown): string | null =>
    typeof value === 'string'
      ? value
      : value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string'
        ? (value as { type: string }).type
        : null;
  const single = typeOf(manifest.license);
  if (single) return single;
  if (Array.isArray(manifest.licenses)) {
    const all = manifest.licenses.map(typeOf).filter((t): t is string => t !== null);
    if (all.length > 0) return all.length === 1 ? all[0]! : `(${all.join(' OR ')})`;
  }
  return null;
}

/** The folder a dependency `name` of the package in `from` resolves to, or null if not installed. */
function resolvePackage(name: string, from: string, root: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root) return null;
    const parent = path.dirname(dir);
    // Leave a nested node_modules/<pkg> (or node_modules/@scope/<pkg>) for the folder holding it.
    dir = path.basename(parent).startsWith('@') ? path.dirname(path.dirname(parent)) : path.dirname(parent);
    if (!dir.startsWith(root)) return null;
  }
}

export function collectCredits(root = ROOT): Credits {
  const app = readManifest(root);
  const found = new Map<string, Credit>();
  const visited = new Set<string>();
  const queue: { name: string; from: string; optional: boolean }[] = [];
  const enqueue = (manifest: Manifest, from: string): void => {
    for (const name of Object.keys(manifest.dependencies ?? {})) queue.push({ name, from, optional: false });
    for (const name of Object.keys(manifest.optionalDependencies ?? {}))
      queue.push({ name, from, optional: true });
  };
  enqueue(app, root);
  while (queue.length > 0) {
    const { name, from, optional } = queue.shift()!;
    const dir = resolvePackage(name, from, root);
    if (dir === null) {
      // An optional dependency for another platform is not installed; a missing required one is an error.
      if (optional) continue;
      throw new Error(`${name} (needed by ${path.relative(root, from) || 'package.json'}) is not installed`);
    }
    if (visited.has(dir)) continue;
    visited.add(dir);
    const manifest = readManifest(dir);
    const version = manifest.version ?? '0.0.0';
    found.set(`${name}@${version}`, { name, version, license: licenseOf(manifest) });
    enqueue(manifest, dir);
  }
  const packages = [...found.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0,
  );
  return {
    app: {
      name: app.name ?? 'parley',
      version: app.version ?? '0.0.0',
      license: licenseOf(app),
      licenseFile: ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'COPYING'].some((f) =>
        existsSync(path.join(root, f)),
      ),
    },
    packages,
  };
}

export function creditsText(credits: Credits): string {
  return `${JSON.stringify(credits, null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const credits = collectCredits();
  writeFileSync(CREDITS_PATH, creditsText(credits));
  console.log(`${path.relative(ROOT, CREDITS_PATH)}: ${credits.packages.length} packages`);
}
