// The committed icons: each file there, of the right pixel size, the .ico and .icns containers well formed,
// and byte for byte what `npm run icons` makes from the sources now (a changed source without a rebuild fails).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  APP_ICON_SIZES,
  buildIcons,
  encodeIcns,
  encodeIco,
  ICNS_TYPES,
  ICO_SIZES,
  TRAY_IMAGES,
  TRAY_SIZE,
} from './build-icons.ts';

const assets = path.resolve(import.meta.dirname, '..', 'assets');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk (right after the signature). */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature');
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const readAsset = (name: string) => readFile(path.join(assets, name));

describe('app icon files', () => {
  it('has assets/icons/N.png at every size', async () => {
    for (const size of APP_ICON_SIZES) {
      assert.deepEqual(
        pngSize(await readAsset(`icons/${size}.png`)),
        { width: size, height: size },
        `${size}`,
      );
    }
  });

  it('has every tray image at 16 px and @2x, and the overlay badge', async () => {
    for (const stem of [...Object.keys(TRAY_IMAGES), 'badge-unread']) {
      const one = { width: TRAY_SIZE, height: TRAY_SIZE };
      const two = { width: 2 * TRAY_SIZE, height: 2 * TRAY_SIZE };
      assert.deepEqual(pngSize(await readAsset(`tray/${stem}.png`)), one, stem);
      assert.deepEqual(pngSize(await readAsset(`tray/${stem}@2x.png`)), two, `${stem}@2x`);
    }
    for (const state of ['normal', 'unread', 'offline']) assert.ok(state in TRAY_IMAGES);
  });

  it('icon.ico: ICONDIR header, one entry per size pointing at a PNG of that size', async () => {
    const ico = await readAsset('icon.ico');
    assert.equal(ico.readUInt16LE(0), 0);
    assert.equal(ico.readUInt16LE(2), 1);
    assert.equal(ico.readUInt16LE(4), ICO_SIZES.length);
    let expectedOffset = 6 + 16 * ICO_SIZES.length;
    ICO_SIZES.forEach((size, index) => {
      const entry = 6 + 16 * index;
      assert.equal(ico.readUInt8(entry), size === 256 ? 0 : size);
      assert.equal(ico.readUInt8(entry + 1), size === 256 ? 0 : size);
      assert.equal(ico.readUInt16LE(entry + 4), 1);
      assert.equal(ico.readUInt16LE(entry + 6), 32);
      const length = ico.readUInt32LE(entry + 8);
      const offset = ico.readUInt32LE(entry + 12);
      assert.equal(offset, expectedOffset);
      expectedOffset += length;
      assert.deepEqual(pngSize(ico.subarray(offset, offset + length)), { width: size, height: size });
    });
    assert.equal(expectedOffset, ico.length);
  });

  it('icon.icns: header length is the file length, ic07-ic10 PNG entries of 128-1024 px', async () => {
    const icns = await readAsset('icon.icns');
    assert.equal(icns.toString('latin1', 0, 4), 'icns');
    assert.equal(icns.readUInt32BE(4), icns.length);
    let offset = 8;
    for (const [type, size] of ICNS_TYPES) {
      assert.equal(icns.toString('latin1', offset, offset + 4), type);
      const length = icns.readUInt32BE(offset + 4);
      assert.deepEqual(
        pngSize(icns.subarray(offset + 8, offset + length)),
        { width: size, height: size },
        type,
      );
      offset += length;
    }
    assert.equal(offset, icns.length);
  });

  it('the containers keep each image whole and in order', () => {
    const a = Buffer.concat([PNG_SIGNATURE, Buffer.from('a')]);
    const b = Buffer.concat([PNG_SIGNATURE, Buffer.from('bb')]);
    const ico = encodeIco([
      { size: 16, png: a },
      { size: 256, png: b },
    ]);
    assert.ok(ico.subarray(ico.readUInt32LE(6 + 12), ico.readUInt32LE(6 + 12) + 9).equals(a));
    assert.ok(ico.subarray(ico.readUInt32LE(22 + 12)).equals(b));
    const icns = encodeIcns([{ type: 'ic07', png: b }]);
    assert.equal(icns.length, 8 + 8 + b.length);
    assert.ok(icns.subarray(16).equals(b));
  });

  it('the committed files are exactly what the script makes now (deterministic output)', async () => {
    const built = await buildIcons(assets);
    assert.equal(built.size, APP_ICON_SIZES.length + 2 + 2 * (Object.keys(TRAY_IMAGES).length + 1));
    for (const [name, bytes] of built) {
      assert.ok((await readAsset(name)).equals(bytes), `${name} differs: run npm run icons`);
    }
    const again = await buildIcons(assets);
    for (const [name, bytes] of again)
      assert.ok(bytes.equals(built.get(name)!), `${name} changes run to run`);
  });
});
