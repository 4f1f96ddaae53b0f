// Where the Electron binary is, found without require('electron'): that package's index.js downloads the
// binary when it is missing, which on a machine without internet prints "Downloading Electron binary…
// TypeError: fetch failed" and Electron's own advice to reinstall it. Read its path.txt and check the file.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable if it is installed and runnable, else why not (a sentence for the user). */
export function electronBinary(root = repo): { path: string } | { missing: string } {
  const packageDir = path.join(root, 'node_modules', 'electron');
  if (!existsSync(path.join(packageDir, 'package.json'))) {
    return { missing: 'the electron package is not installed (run npm ci)' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!existsSync(pathFile) && !override) {
    return { missing: 'the Electron binary is not here (Electron downloads it on first use)' };
  }
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const binary = override ? path.join(override, relative) : path.join(packageDir, 'dist', relative);
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    return { missing: `the Electron binary is not here (${path.relative(root, binary)} is missing)` };
  }
  return { path: binary };
}
