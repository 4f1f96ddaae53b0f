// `node scripts/build-sounds.ts`: the notification sound, assets/sounds/notify.wav, synthesised here so the
// project owns it (no recording from elsewhere). A soft two-tone chime: A5 then E6, each a sine with a little
// of its octave, a 5 ms attack and an exponential decay; 16-bit mono PCM. The output is committed (the page
// bundles it); the test beside this checks the committed file is exactly what this makes.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAMPLE_RATE = 22_050;
/** [frequency Hz, start s, length s] of each tone. */
const TONES: ReadonlyArray<readonly [number, number, number]> = [
  [880, 0, 0.32],
  [1318.51, 0.13, 0.42],
];
const LENGTH_S = 0.56;
const PEAK = 0.32;

/** The chime's samples, -1..1. Deterministic: the same numbers on every machine. */
export function chimeSamples(): Float64Array {
  const samples = new Float64Array(Math.round(LENGTH_S * SAMPLE_RATE));
  for (const [frequency, start, length] of TONES) {
    const first = Math.round(start * SAMPLE_RATE);
    const count = Math.round(length * SAMPLE_RATE);
    for (let i = 0; i < count && first + i < samples.length; i++) {
      const t = i / SAMPLE_RATE;
      const attack = Math.min(1, t / 0.005);
      const decay = Math.exp((-5 * t) / length);
      // The tail fades to exactly zero at the tone's end (no click).
      const tail = Math.min(1, (count - i) / (0.02 * SAMPLE_RATE));
      const wave = Math.sin(2 * Math.PI * frequency * t) + 0.25 * Math.sin(4 * Math.PI * frequency * t);
      samples[first + i]! += PEAK * attack * decay * tail * wave;
    }
  }
  return samples;
}

/** A RIFF/WAVE file: 16-bit little-endian mono PCM. */
export function encodeWav(samples: Float64Array, sampleRate = SAMPLE_RATE): Buffer {
  const data = samples.length * 2;
  const out = Buffer.alloc(44 + data);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + data, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28); // bytes per second
  out.writeUInt16LE(2, 32); // bytes per frame
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(data, 40);
  for (let i = 0; i < samples.length; i++) {
    const clamped = Math.max(-1, Math.min(1, samples[i]!));
    out.writeInt16LE(Math.round(clamped * 32767), 44 + i * 2);
  }
  return out;
}

export const SOUND_PATH = fileURLToPath(new URL('../assets/sounds/notify.wav', import.meta.url));

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await mkdir(path.dirname(SOUND_PATH), { recursive: true });
  await writeFile(SOUND_PATH, encodeWav(chimeSamples()));
  console.log(`wrote ${path.relative(process.cwd(), SOUND_PATH)}`);
}
