/**
 * Memory stays bounded: writing a 200 MB series in 10 MB slabs (h5wasm/node writes to the real file
 * system, so nothing accumulates), streaming 200 vs 400 MiB through NWBHDF5IO in child processes
 * peaks at the same RSS, and reading frames reuses one heap buffer. Several GiB are the bench's
 * stream case (`npm run bench -- --only stream`).
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamWriteProbe } from '@nwbjs/core/testing';
import { ndarray } from '@nwbjs/core';
import { toHyperslab } from '@nwbjs/core/backend';
import { openHdf5 } from '../src/index.js';
import { platform } from '../src/platform/node.js';
import { PACKAGE_DIR, buildPackageCopy, nwbValidate, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const run = promisify(execFile);
// Children run the package compiled for them, since a plain node process cannot load the sources.
let buildDir = '';
beforeAll(async () => {
  buildDir = await buildPackageCopy('nwbjs-memory-test');
});

/** The child: streams `mib` MiB of 512x512 uint8 frames into a new file, prints VmHWM in MiB. */
const CHILD = streamWriteProbe('NWBHDF5IO', {
  chunks: [1, 512, 512],
  compression: { codec: 'gzip', level: 1 },
});

async function peakMiB(mib: number, validate = false): Promise<number> {
  const entry = pathToFileURL(join(buildDir, 'dist/index.js')).href;
  const out = join(dir, `stream-${mib}.nwb`);
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', CHILD, entry, String(mib), out],
    { cwd: PACKAGE_DIR, timeout: 50_000 },
  );
  if (validate) {
    const check = nwbValidate('check', out);
    expect(check.status, check.output).toBe(0);
  }
  rmSync(out, { force: true });
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { hwm: number }).hwm;
}

const FRAME = [512, 512] as const;
const FRAME_BYTES = FRAME[0] * FRAME[1];
const FRAMES = 800; // 800 x 256 KiB = 200 MiB
const SLAB = 40; // 40 frames = 10 MiB

describe('memory', () => {
  it('writes 200 MiB in 10 MiB slabs with RSS growth well under the data size', async () => {
    const path = join(dir, 'series.nwb');
    const w = await openHdf5(path, 'w');
    await w.createDataset('/data', { dtype: 'uint8', shape: [FRAMES, ...FRAME], chunks: [1, ...FRAME] });
    const slab = new Uint8Array(SLAB * FRAME_BYTES);
    // Warm up (first slab grows the WASM heap once), then measure.
    await w.writeData('/data', [0, 0, 0], ndarray('uint8', [SLAB, ...FRAME], slab));
    const before = process.memoryUsage().rss;
    let peak = before;
    for (let start = SLAB; start < FRAMES; start += SLAB) {
      slab.fill(start % 251);
      await w.writeData('/data', [start, 0, 0], ndarray('uint8', [SLAB, ...FRAME], slab));
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    await w.close();
    const growth = peak - before;
    expect(growth).toBeLessThan(64 * 1024 * 1024);

    const r = await openHdf5(path, 'r');
    try {
      const frame = await r.readData('/data', toHyperslab([FRAMES, ...FRAME], [FRAMES - 1]));
      expect((frame.data as Uint8Array)[0]).toBe((FRAMES - SLAB) % 251);
    } finally {
      await r.close();
    }
  });

  it('reads frame after frame without growing the WASM heap, into the caller buffer', async () => {
    const path = join(dir, 'frames.nwb');
    const shape = [50, 64, 64];
    const w = await openHdf5(path, 'w');
    const data = Uint16Array.from({ length: 50 * 64 * 64 }, (_, i) => i % 65521);
    await w.createDataset(
      '/data',
      { dtype: 'uint16', shape, chunks: [1, 64, 64] },
      {},
      ndarray('uint16', shape, data),
    );
    await w.close();
    const { module } = await platform.loadH5();
    const r = await openHdf5(path, 'r');
    try {
      const out = new Uint16Array(64 * 64);
      await r.readData('/data', toHyperslab(shape, [0]), { out });
      const heapBefore = module.HEAPU8.length;
      for (let i = 0; i < 200; i++) {
        const frame = i % 50;
        const got = await r.readData('/data', toHyperslab(shape, [frame]), { out });
        expect(got.data).toBe(out);
        expect(out[0]).toBe(data[frame * 4096]);
      }
      expect(module.HEAPU8.length).toBe(heapBefore);
    } finally {
      await r.close();
    }
  });

  it.runIf(process.platform === 'linux')(
    'peak RSS of a streamed NWBHDF5IO write does not grow with its size (200 vs 400 MiB, gzip)',
    async () => {
      const small = await peakMiB(200, true);
      const large = await peakMiB(400);
      // Keeping the data would add 200 MiB; allow for GC timing only.
      expect(large - small, `VmHWM ${small.toFixed(0)} MiB vs ${large.toFixed(0)} MiB`).toBeLessThan(64);
      expect(large).toBeLessThan(400);
    },
  );
});
