// Which test files talk to a harness server of PARLEY_SERVER's kind: those whose runtime imports reach
// e2e/harness/server.ts (startServer, serverKind, and through it the scenario and the fixtures). Computed
// from the sources, so a new suite is run against both servers without being listed anywhere; files that
// start one server on purpose (ejabberd.test.ts, roster-seed-prosody.test.ts) import it directly and are
// not in the list.
import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SERVER_MODULE = path.join('e2e', 'harness', 'server.ts');

// `import x from '…'`, `import { a, type B } from '…'`, `export { a } from '…'`, `import '…'`, and
// `import('…')`; not `import type …` / `export type …`, which are erased before the code runs. The
// specifier part is bounded ([^'";]*) so this stays linear on any source.
const STATIC_IMPORT =
  /(?:^|[\n;])\s*(?:import|export)\s+(?!type[\s{])(?:[^'";]*?\sfrom\s*)?['"]([^'"\n]+)['"]/g;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g;

/** Relative modules `file` imports at runtime, as absolute paths. */
export function runtimeImports(file: string, source: string): string[] {
  const found: string[] = [];
  for (const pattern of [STATIC_IMPORT, DYNAMIC_IMPORT]) {
    for (const match of source.matchAll(pattern)) {
      const specifier = match[1]!;
      if (specifier.startsWith('./') || specifier.startsWith('../')) {
        found.push(path.resolve(path.dirname(file), specifier));
      }
    }
  }
  return found;
}

/** Reads each module once; answers whether a file's runtime import closure contains server.ts. */
export class ServerSuiteFinder {
  private readonly imports = new Map<string, string[]>();
  /** Only positive answers are kept: a negative one found inside an import cycle may be premature. */
  private readonly reaching = new Set<string>();
  private readonly target: string;

  constructor(root: string) {
    this.target = path.join(root, SERVER_MODULE);
  }

  usesServer(file: string): boolean {
    return this.visit(path.resolve(file), new Set());
  }

  private visit(file: string, seen: Set<string>): boolean {
    if (file === this.target || this.reaching.has(file)) return true;
    if (seen.has(file)) return false;
    seen.add(file);
    const found = this.importsOf(file).some((dep) => this.visit(dep, seen));
    if (found) this.reaching.add(file);
    return found;
  }

  private importsOf(file: string): string[] {
    let deps = this.imports.get(file);
    if (!deps) {
      try {
        deps = runtimeImports(file, readFileSync(file, 'utf8'));
      } catch {
        deps = []; // a missing module or a directory: nothing to follow
      }
      this.imports.set(file, deps);
    }
    return deps;
  }
}

/**
 * The server suites among `targets` (files or globs relative to `root`, as given to node --test), as
 * paths relative to `root`, sorted.
 */
export function serverSuites(root: string, targets: readonly string[]): string[] {
  const finder = new ServerSuiteFinder(root);
  const files = new Set<string>();
  for (const target of targets) {
    const matches = /[*?[{]/.test(target)
      ? globSync(target, { cwd: root, exclude: (name) => name === 'node_modules' })
      : [target];
    for (const match of matches) files.add(path.relative(root, path.resolve(root, match)));
  }
  return [...files].filter((file) => finder.usesServer(path.join(root, file))).sort();
}
