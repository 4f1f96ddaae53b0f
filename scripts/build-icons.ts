// `npm run icons`: every raster image the app and its installers use, made from assets/icon.svg and the tray
// mark below. The outputs are committed, so CI and packaging never run this; run it again after changing a
// source, and the icon test checks that the committed files are exactly what it makes.
//   assets/icons/N.png    the app icon at each size electron-builder and the Linux .desktop file want
//   assets/icon.ico       Windows: PNG-compressed entries 16-256
//   assets/icon.icns      macOS: ic07-ic10 PNG entries (128-1024)
//   assets/tray/*.png     tray images by state (+@2x), macOS template images, the Windows overlay badge
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

export const APP_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/** icns entry types holding PNG data, by pixel size (Apple's icns format). */
export const ICNS_TYPES = [
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
] as const;
export const TRAY_SIZE = 16;

export function renderPng(svg: string, size: number): Buffer {
  // No text in our sources, so no fonts: the output does not depend on the machine.
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: size },
    font: { loadSystemFonts: false },
    shapeRendering: 2,
  });
  return Buffer.from(resvg.render().asPng());
}

/** Windows .ico: a 6-byte ICONDIR, one 16-byte entry per image, then the PNGs themselves (Vista and later). */
export function encodeIco(images: readonly { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, index) => {
    const entry = 6 + 16 * index;
    header.writeUInt8(size >= 256 ? 0 : size, entry); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt8(0, entry + 2); // no palette
    header.writeUInt8(0, entry + 3);
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.png)]);
}

/** macOS .icns: 'icns' + total length, then type + length (both including their 8-byte header) + data. */
export function encodeIcns(entries: readonly { type: string; png: Buffer }[]): Buffer {
  const chunks = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 4, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 4, 'latin1');
  head.writeUInt32BE(8 + chunks.reduce((sum, chunk) => sum + chunk.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

type TrayLook = { fill: string; opacity?: number; dot?: boolean };

/**
 * The icon's bubble without its tile, the three dots cut out so the panel shows through (it reads on light
 * and dark panels alike); the unread look adds a red dot at the top right, cut clear of the bubble.
 */
export function traySvg({ fill, opacity = 1, dot = false }: TrayLook): string {
  const dotCut = dot ? '<circle cx="716" cy="304" r="170" fill="#000"/>' : '';
  const dotMark = dot ? '<circle cx="716" cy="304" r="128" fill="#e03131"/>' : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="672" height="672" viewBox="176 176 672 672">
  <defs>
    <linearGradient id="brand" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#5b5bf0"/><stop offset="1" stop-color="#0f9f9a"/>
    </linearGradient>
    <mask id="holes" maskUnits="userSpaceOnUse" x="176" y="176" width="672" height="672">
      <rect x="176" y="176" width="672" height="672" fill="#fff"/>
      <circle cx="372" cy="464" r="60" fill="#000"/><circle cx="512" cy="464" r="60" fill="#000"/>
      <circle cx="652" cy="464" r="60" fill="#000"/>${dotCut}
    </mask>
  </defs>
  <g mask="url(#holes)" fill="${fill}" opacity="${opacity}">
    <rect x="208" y="240" width="608" height="448" rx="176"/><path d="M300 620 L252 828 L492 672 Z"/>
  </g>${dotMark}
</svg>`;
}

const BRAND = 'url(#brand)';
/** File stem → look. Each is written at TRAY_SIZE and @2x. */
export const TRAY_IMAGES: Record<string, TrayLook> = {
  normal: { fill: BRAND },
  unread: { fill: BRAND, dot: true },
  offline: { fill: '#8a8f98' },
  // macOS draws template images in the menu bar's own colour from their alpha alone.
  trayTemplate: { fill: '#000' },
  trayUnreadTemplate: { fill: '#000', dot: true },
  trayOfflineTemplate: { fill: '#000', opacity: 0.45 },
};

/** The Windows taskbar overlay (the unread badge over the app's button): a red dot with a white ring. */
export const BADGE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <circle cx="16" cy="16" r="15" fill="#ffffff"/><circle cx="16" cy="16" r="12" fill="#e03131"/>
</svg>`;

/** Every output file (relative to assets/) and its bytes. */
export async function buildIcons(assetsDir: string): Promise<Map<string, Buffer>> {
  const iconSvg = await readFile(path.join(assetsDir, 'icon.svg'), 'utf8');
  const files = new Map<string, Buffer>();
  const appPngs = new Map<number, Buffer>();
  for (const size of APP_ICON_SIZES) {
    const png = renderPng(iconSvg, size);
    appPngs.set(size, png);
    files.set(`icons/${size}.png`, png);
  }
  files.set('icon.ico', encodeIco(ICO_SIZES.map((size) => ({ size, png: appPngs.get(size)! }))));
  files.set('icon.icns', encodeIcns(ICNS_TYPES.map(([type, size]) => ({ type, png: appPngs.get(size)! }))));
  for (const [stem, look] of Object.entries(TRAY_IMAGES)) {
    files.set(`tray/${stem}.png`, renderPng(traySvg(look), TRAY_SIZE));
    files.set(`tray/${stem}@2x.png`, renderPng(traySvg(look), TRAY_SIZE * 2));
  }
  files.set('tray/badge-unread.png', renderPng(BADGE_SVG, TRAY_SIZE));
  files.set('tray/badge-unread@2x.png', renderPng(BADGE_SVG, TRAY_SIZE * 2));
  return files;
}

async function main(): Promise<void> {
  const assetsDir = path.resolve(import.meta.dirname, '..', 'assets');
  const files = await buildIcons(assetsDir);
  for (const [name, bytes] of files) {
    const target = path.join(assetsDir, name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
  console.log(`icons: wrote ${files.size} files under assets/`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
