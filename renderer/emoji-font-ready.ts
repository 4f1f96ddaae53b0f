// Waits (bounded) for the shipped colour emoji font (renderer/emoji-font.ts) before remote text is shown.
// Measured in Chromium 156: text laid out while a unicode-range piece of the font was not loaded yet keeps
// its empty boxes after the piece loads (restyling the element does not help; only new text nodes get the
// font), so the pieces are loaded up front. All 11 woff pieces: about 0.4–0.6 s here, overlapped with the
// page's first screen ("Starting Parley…"), which shows no remote text.
const FAMILY = 'Noto Color Emoji';

export function emojiFontReady(timeoutMs = 1500): Promise<void> {
  const faces = [...document.fonts].filter((face) => face.family.replace(/["']/g, '') === FAMILY);
  const loaded = Promise.allSettled(faces.map((face) => face.load())).then(() => undefined);
  return Promise.race([loaded, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs))]);
}
