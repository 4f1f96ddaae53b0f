// build/electron-builder.json: the packaging config, including the Electron fuses that remove whole
// classes of attack (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect, an app loaded from outside the asar).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const configUrl = new URL('../../build/electron-builder.json', import.meta.url);
const config = JSON.parse(await readFile(configUrl, 'utf8')) as Record<string, unknown>;

describe('electron-builder config', () => {
  it('names the app and packs only the build output into an asar', () => {
    assert.equal(config.appId, 'org.parley.desktop');
    assert.equal(config.productName, 'Parley');
    assert.equal(config.asar, true);
    assert.ok((config.files as string[]).includes('out/**'));
  });

  it('targets AppImage+deb, a hardened dmg with entitlements, and nsis', async () => {
    const linux = config.linux as { target: string[] };
    const mac = config.mac as { target: string[]; hardenedRuntime: boolean; entitlements: string };
    const win = config.win as { target: string[] };
    assert.deepEqual(linux.target, ['AppImage', 'deb']);
    assert.deepEqual(mac.target, ['dmg']);
    assert.equal(mac.hardenedRuntime, true);
    assert.equal(mac.entitlements, 'build/entitlements.mac.plist');
    const plist = await readFile(new URL('../../build/entitlements.mac.plist', import.meta.url), 'utf8');
    assert.match(plist, /com\.apple\.security\.cs\.allow-jit/);
    assert.doesNotMatch(plist, /disable-library-validation|allow-unsigned-executable-memory|allow-dyld/);
    assert.deepEqual(win.target, ['nsis']);
  });

  it('uses the committed icons on each platform, ships the tray images, and files the app under chat', async () => {
    const linux = config.linux as {
      icon: string;
      category: string;
      desktop: { entry: Record<string, string> };
    };
    const mac = config.mac as { icon: string };
    const win = config.win as { icon: string };
    const repo = new URL('../../', import.meta.url);
    // electron-builder reads a Linux icon folder's sizes from names like 256.png.
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      await access(new URL(`${linux.icon}/${size}.png`, repo));
    }
    assert.equal((await readFile(new URL(mac.icon, repo))).toString('latin1', 0, 4), 'icns');
    assert.equal((await readFile(new URL(win.icon, repo))).readUInt16LE(2), 1);
    assert.ok((config.files as string[]).includes('assets/tray/**'), 'the tray loads its images at run time');
    assert.equal(linux.category, 'Network;InstantMessaging;Chat;');
    assert.ok(!('Categories' in linux.desktop.entry), 'category is the one place Categories comes from');
  });

  it('registers the app as the xmpp: handler (macOS and Windows: protocols; Linux: the .desktop MimeType)', () => {
    assert.deepEqual(config.protocols, [{ name: 'XMPP', schemes: ['xmpp'] }]);
    const linux = config.linux as { mimeTypes: string[]; desktop: { entry: Record<string, string> } };
    assert.deepEqual(linux.mimeTypes, ['x-scheme-handler/xmpp']);
    // electron-builder writes Exec with %U itself; an Exec of ours would lose it (the link never arrives).
    assert.ok(!('Exec' in linux.desktop.entry));
  });

  it('sets every fuse', () => {
    assert.deepEqual(config.electronFuses, {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it("passes electron-builder's own schema validation", async (t) => {
    const require = createRequire(import.meta.url);
    let validate: (config: unknown, logger: unknown) => Promise<void>;
    let DebugLogger: new (enabled: boolean) => unknown;
    try {
      ({ validateConfiguration: validate } = require('app-builder-lib/out/util/config/config.js'));
      ({ DebugLogger } = require('builder-util'));
    } catch {
      t.skip('app-builder-lib internals not resolvable');
      return;
    }
    await validate(structuredClone(config), new DebugLogger(false));
    await assert.rejects(validate({ ...config, notAnOption: 1 }, new DebugLogger(false)));
  });
});
