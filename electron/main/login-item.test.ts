import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  autostartEntry,
  linuxAutostartFile,
  LoginItem,
  quoteExecArgument,
  setLinuxAutostart,
  type LoginItemDeps,
} from './login-item.ts';

async function tempDir(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-autostart-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('Linux autostart entry', () => {
  it('quotes the executable as the Desktop Entry spec says', () => {
    assert.equal(quoteExecArgument('/opt/Parley/parley'), '"/opt/Parley/parley"');
    // Two levels of escaping: the Exec quoting, then the string value's own (a backslash is written twice).
    assert.equal(
      quoteExecArgument('/home/a b/$x`"\\.AppImage'),
      '"/home/a b/\\\\$x\\\\`\\\\"\\\\\\\\.AppImage"',
    );
    assert.equal(quoteExecArgument('/opt/100%/parley'), '"/opt/100%%/parley"');
    assert.throws(() => autostartEntry('/tmp/x\nExec=evil'), /control character/);
    assert.throws(() => autostartEntry('/tmp/x\u0007'), /control character/);
  });

  it("reads back as the same executable through GLib's own desktop-file parsing", async (t) => {
    const python = '/usr/bin/python3';
    const probe = spawnSync(python, ['-c', 'import gi'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      t.skip('needs python3-gi (GLib) to parse the entry as desktops do: apt-get install -y python3-gi');
      return;
    }
    const dir = await tempDir(t);
    const script = [
      'import sys, gi',
      "gi.require_version('GLib', '2.0')",
      'from gi.repository import GLib',
      'k = GLib.KeyFile()',
      'k.load_from_file(sys.argv[1], GLib.KeyFileFlags.NONE)',
      "ok, argv = GLib.shell_parse_argv(k.get_string('Desktop Entry', 'Exec'))",
      'print(argv[0], end="")',
    ].join('\n');
    for (const executable of [
      '/opt/My Apps/Par$ley',
      '/opt/a"b/parley',
      '/opt/back\\slash\\',
      '/opt/`x`/p',
    ]) {
      const file = path.join(dir, 'parley.desktop');
      await setLinuxAutostart(file, executable, true);
      const read = spawnSync(python, ['-c', script, file], { encoding: 'utf8' });
      assert.equal(read.status, 0, read.stderr);
      assert.equal(read.stdout, executable);
    }
  });

  it('is written where asked (folders made) and removed when turned off', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'config', 'autostart', 'parley.desktop');
    await setLinuxAutostart(file, '/opt/Parley/parley', true);
    const text = await readFile(file, 'utf8');
    assert.match(text, /^\[Desktop Entry\]\n/);
    assert.match(text, /\nType=Application\n/);
    assert.match(text, /\nExec="\/opt\/Parley\/parley"\n/);
    assert.equal((await stat(file)).mode & 0o777, 0o644);
    await setLinuxAutostart(file, '/opt/Parley/parley', false);
    await assert.rejects(stat(file), { code: 'ENOENT' });
    await setLinuxAutostart(file, '/opt/Parley/parley', false); // already gone: fine
  });

  it('goes in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    assert.equal(linuxAutostartFile({}, '/home/u'), '/home/u/.config/autostart/parley.desktop');
    assert.equal(
      linuxAutostartFile({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u'),
      '/x/cfg/autostart/parley.desktop',
    );
    assert.equal(
      linuxAutostartFile({ XDG_CONFIG_HOME: 'rel' }, '/home/u'),
      '/home/u/.config/autostart/parley.desktop',
    );
  });
});

describe('LoginItem', () => {
  function setup(platform: NodeJS.Platform, packaged: boolean, file: string) {
    const calls: { openAtLogin: boolean }[] = [];
    const deps: LoginItemDeps = {
      platform,
      packaged,
      setLoginItemSettings: (settings) => calls.push(settings),
      linux: { file, executable: '/opt/Parley/parley' },
    };
    return { item: new LoginItem(deps), calls };
  }

  it('macOS and Windows: setLoginItemSettings when the setting changes, not again for the same value', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const { item, calls } = setup(platform, true, '/nonexistent');
      await item.set(false);
      await item.set(true);
      await item.set(true);
      await item.set(false);
      assert.deepEqual(calls, [{ openAtLogin: false }, { openAtLogin: true }, { openAtLogin: false }]);
    }
  });

  it('Linux: the autostart file follows the setting; Electrons login item is not used', async (t) => {
    const file = path.join(await tempDir(t), 'autostart', 'parley.desktop');
    const { item, calls } = setup('linux', true, file);
    await item.set(true);
    assert.match(await readFile(file, 'utf8'), /Exec="\/opt\/Parley\/parley"/);
    await item.set(false);
    await assert.rejects(stat(file), { code: 'ENOENT' });
    assert.deepEqual(calls, []);
  });

  it('an unpackaged app registers nothing (its executable is Electron)', async (t) => {
    const file = path.join(await tempDir(t), 'autostart', 'parley.desktop');
    for (const platform of ['linux', 'darwin'] as const) {
      const { item, calls } = setup(platform, false, file);
      await item.set(true);
      assert.deepEqual(calls, []);
    }
    await assert.rejects(stat(file), { code: 'ENOENT' });
  });
});
