/**
 * Interrupted conversions, run as a user runs them: the built executable in a child process, signalled
 * while it writes. SIGINT and SIGTERM remove the temporary output, say one line and exit 130 / 143;
 * after kill -9 nothing at the target looks like a complete file, and the next write to the same
 * target removes what the killed one left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device, ImageSeries, NWBFile, ndarray } from '@nwbjs/core';
import { NWBHDF5IO } from '@nwbjs/hdf5';
import { REPO_ROOT, nwbValidate, tempDir } from './helpers.js';

const BIN = join(REPO_ROOT, 'apps/convert/bin/nwb-convert.js');
let temp: Awaited<ReturnType<typeof tempDir>>;
let source = '';

beforeAll(async () => {
  temp = await tempDir('nwb-convert-interrupt-');
  source = join(temp.dir, 'movie.nwb');
  // 50 MB of noise, one frame a chunk: seconds of gzip work, long enough to be interrupted.
  const [frames, height, width] = [400, 256, 256];
  const values = new Uint16Array(frames * height * width);
  let state = 1;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    values[i] = state >>> 20;
  }
  const camera = new Device({ name: 'camera', description: 'a test camera' });
  const movie = new ImageSeries({
    name: 'movie',
    data: ndarray('uint16', [frames, height, width], values),
    unit: 'n.a.',
    rate: 30,
    device: camera,
    dataLayout: { chunks: [1, height, width] },
  });
  const io = new NWBHDF5IO(source, 'w');
  await io.write(
    new NWBFile({
      sessionDescription: 'a movie to interrupt',
      identifier: 'interrupt-1',
      sessionStartTime: '2024-01-01T12:00:00Z',
      devices: [camera],
      acquisition: [movie],
    }),
  );
  await io.close();
});
afterAll(() => temp.cleanup());

/** The entries of the test directory other than the source. */
async function leftovers(): Promise<string[]> {
  return (await readdir(temp.dir)).filter((name) => name !== 'movie.nwb').sort();
}

/** Starts a conversion of the source to `output` in a child process. */
function start(output: string): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, [BIN, source, join(temp.dir, output), '--compression', 'gzip:6'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, done };
}

/** Resolves once the writer's temporary sibling of `output` exists (the conversion is under way). */
async function writing(output: string, done: Promise<unknown>): Promise<void> {
  let finished = false;
  void done.then(() => (finished = true));
  for (;;) {
    if ((await readdir(temp.dir)).some((name) => name.startsWith(`.${output}.tmp-`))) return;
    if (finished) throw new Error(`the conversion to ${output} ended before it was seen writing`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a signal during a conversion', () => {
  for (const [signal, code, output] of [
    ['SIGINT', 130, 'int.nwb.zarr'],
    ['SIGTERM', 143, 'term.nwb'],
    ['SIGINT', 130, 'int.nwb'],
    ['SIGTERM', 143, 'term.nwb.zarr'],
  ] as const) {
    it(`${signal} while writing ${output}: temporary removed, one line, exit ${code}`, async () => {
      const { child, done } = start(output);
      await writing(output, done);
      child.kill(signal);
      const result = await done;
      expect(result.code, result.stderr).toBe(code);
      expect(result.stderr).toBe(`nwb-convert: interrupted (${signal}); the unfinished output was removed\n`);
      expect(await leftovers()).toEqual([]);
    });
  }
});

describe('kill -9', () => {
  it('at any moment leaves nothing at the target that looks complete; the next run cleans up', async () => {
    for (const output of ['killed.nwb.zarr', 'killed.nwb']) {
      for (const delay of [0, 150, 400]) {
        const { child, done } = start(output);
        await writing(output, done);
        await new Promise((resolve) => setTimeout(resolve, delay));
        child.kill('SIGKILL');
        const result = await done;
        if (result.code === 0) {
          // It finished first: then the target is whole.
          expect((await nwbValidate('check', join(temp.dir, output))).code).toBe(0);
          continue;
        }
        const left = await leftovers();
        expect(left, `after ${delay} ms`).not.toContain(output);
        expect(left.every((name) => name.startsWith(`.${output}.tmp-`))).toBe(true);
      }
      // A later write of the same target removes the killed writers' temporaries.
      const again = start(output);
      const result = await again.done;
      expect(result.code, result.stderr).toBe(0);
      expect(await leftovers()).toEqual([output]);
      expect((await nwbValidate('check', join(temp.dir, output))).code).toBe(0);
      const { rm } = await import('node:fs/promises');
      await rm(join(temp.dir, output), { recursive: true });
    }
  });
});
