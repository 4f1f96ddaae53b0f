// The committed notification sound is exactly what scripts/build-sounds.ts makes, and a valid, short,
// unclipped 16-bit mono WAV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { chimeSamples, encodeWav, SAMPLE_RATE, SOUND_PATH } from './build-sounds.ts';

test('assets/sounds/notify.wav is the chime the script makes (run it again after changing it)', async () => {
  const committed = await readFile(SOUND_PATH);
  assert.ok(committed.equals(encodeWav(chimeSamples())));
});

test('the chime is a short, unclipped 16-bit mono WAV that starts and ends silent', () => {
  const wav = encodeWav(chimeSamples());
  assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
  assert.equal(wav.toString('ascii', 8, 12), 'WAVE');
  assert.equal(wav.readUInt16LE(22), 1, 'mono');
  assert.equal(wav.readUInt32LE(24), SAMPLE_RATE);
  assert.equal(wav.readUInt16LE(34), 16);
  const samples = chimeSamples();
  const seconds = samples.length / SAMPLE_RATE;
  assert.ok(seconds > 0.2 && seconds < 1, `${seconds} s`);
  const peak = samples.reduce((max, s) => Math.max(max, Math.abs(s)), 0);
  assert.ok(peak > 0.1 && peak < 0.95, `peak ${peak}`);
  assert.equal(samples[0], 0);
  assert.ok(Math.abs(samples.at(-1)!) < 1e-3);
});
