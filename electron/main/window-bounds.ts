// Window positions remembered per window kind in userData/window-bounds.json. The file is input like any
// other: anything malformed, absurd, or no longer on a connected display is ignored, never trusted.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Rectangle } from 'electron';

export type WindowKind = 'main' | 'chat';
const KINDS: readonly WindowKind[] = ['main', 'chat'];

export const MIN_WIDTH = 320;
export const MIN_HEIGHT = 240;
const MAX_EXTENT = 100_000;
/** How much of a window (its top strip, where the title bar is) must lie on some display. */
const VISIBLE_MIN = 64;

function isRectangle(value: unknown): value is Rectangle {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const ints = [r.x, r.y, r.width, r.height].every(
    (n) => typeof n === 'number' && Number.isInteger(n) && Math.abs(n) <= MAX_EXTENT,
  );
  return ints && (r.width as number) >= MIN_WIDTH && (r.height as number) >= MIN_HEIGHT;
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** True when the window's title strip is visibly on one of the displays' work areas. */
export function isOnScreen(bounds: Rectangle, workAreas: readonly Rectangle[]): boolean {
  const titleStrip = { x: bounds.x, y: bounds.y, width: bounds.width, height: Math.min(bounds.height, 32) };
  return workAreas.some((area) => {
    const o = overlap(titleStrip, area);
    return o.width >= Math.min(VISIBLE_MIN, bounds.width) && o.height >= Math.min(16, titleStrip.height);
  });
}

/** Keeps only well-formed entries of known kinds. */
export function parseBoundsFile(text: string): Partial<Record<WindowKind, Rectangle>> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
  const result: Partial<Record<WindowKind, Rectangle>> = {};
  for (const kind of KINDS) {
    const value = (data as Record<string, unknown>)[kind];
    if (isRectangle(value)) {
      result[kind] = { x: value.x, y: value.y, width: value.width, height: value.height };
    }
  }
  return result;
}

export class BoundsStore {
  readonly #file: string;
  #bounds: Partial<Record<WindowKind, Rectangle>>;
  #timer: ReturnType<typeof setTimeout> | null = null;

  private constructor(file: string, bounds: Partial<Record<WindowKind, Rectangle>>) {
    this.#file = file;
    this.#bounds = bounds;
  }

  static async open(dir: string): Promise<BoundsStore> {
    const file = path.join(dir, 'window-bounds.json');
    const text = await readFile(file, 'utf8').catch(() => '');
    return new BoundsStore(file, parseBoundsFile(text));
  }

  /** The remembered bounds of this kind if they are still visible on one of `workAreas`. */
  get(kind: WindowKind, workAreas: readonly Rectangle[]): Rectangle | undefined {
    const bounds = this.#bounds[kind];
    return bounds && isOnScreen(bounds, workAreas) ? { ...bounds } : undefined;
  }

  /** Remembers (valid) bounds and writes them out shortly after, coalescing a drag's many moves. */
  set(kind: WindowKind, bounds: Rectangle): void {
    if (!isRectangle(bounds)) return;
    this.#bounds[kind] = { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height };
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), 500);
  }

  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    try {
      await mkdir(path.dirname(this.#file), { recursive: true });
      const temp = `${this.#file}.tmp`;
      await writeFile(temp, JSON.stringify(this.#bounds), 'utf8');
      await rename(temp, this.#file);
    } catch (error) {
      console.warn('could not save window positions', error instanceof Error ? error.message : error);
    }
  }
}
