/**
 * Who owns which bytes. A caller may refill its slab buffer as soon as writeData resolves (a
 * stream that reuses one buffer), although the chunks cut from it are still queued, compressing or
 * being written: what lands in the store must be what the buffer held at the call. And a read of
 * one whole chunk, which hands out the decoded chunk itself, must never hand out a Map store's
 * own bytes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Compression, NdArray } from '@nwbjs/core';
import { ImageSeries, NWBFile, isDatasetHandle, ndarray } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import { NWBZarrIO, openZarr } from '../src/index.js';
import { runValidate, tempDir } from './helpers.js';

const temp = await tempDir();
afterAll(() => temp.cleanup());

const FRAMES = 12;
const FRAME = [4, 6];
const FRAME_SIZE = FRAME[0]! * FRAME[1]!;
const expected = Uint16Array.from({ length: FRAMES * FRAME_SIZE }, (_, i) => (i * 7919) % 65521);

/** Slabs of `slabFrames` frames, all in one buffer that is overwritten as soon as each is taken. */
async function* reusedSlabs(slabFrames: number): AsyncGenerator<NdArray> {
  const buffer = new Uint16Array(slabFrames * FRAME_SIZE);
  for (let from = 0; from < FRAMES; from += slabFrames) {
    const n = Math.min(slabFrames, FRAMES - from);
    buffer.set(expected.subarray(from * FRAME_SIZE, (from + n) * FRAME_SIZE));
    yield ndarray('uint16', [n, ...FRAME], buffer.subarray(0, n * FRAME_SIZE));
    buffer.fill(0xdead); // the caller's next use of its buffer, before anything was stored
  }
}

const layouts: { name: string; chunks: number[]; slab: number }[] = [
  { name: 'one-frame chunks (each a run of the slab)', chunks: [1, ...FRAME], slab: 4 },
  { name: 'two-frame chunks across slabs of three (read, modify, write)', chunks: [2, ...FRAME], slab: 3 },
  { name: 'half-row chunks (cut out piece by piece)', chunks: [1, 4, 3], slab: 5 },
];
const codecs: { name: string; compression: Compression | undefined }[] = [
  { name: 'uncompressed', compression: undefined },
  { name: 'gzip', compression: { codec: 'gzip', level: 1 } },
  { name: 'blosc', compression: { codec: 'blosc', cname: 'lz4', level: 5, shuffle: true } },
];

describe('a slab buffer reused by the caller', () => {
  for (const layout of layouts) {
    for (const { name, compression } of codecs) {
      it(`is written as it was at each call: ${layout.name}, ${name}`, async () => {
        const map = new Map<string, Uint8Array>();
        // One chunk in flight at most would hide nothing; several make the queue hold chunks.
        const w = await openZarr(map, 'w-', { chunkConcurrency: 4 });
        const shape = [FRAMES, ...FRAME];
        await w.createDataset('/data', {
          dtype: 'uint16',
          shape,
          chunks: layout.chunks,
          ...(compression ? { compression } : {}),
        });
        let row = 0;
        for await (const slab of reusedSlabs(layout.slab)) {
          await w.writeData('/data', [row, 0, 0], slab);
          row += slab.shape[0]!;
        }
        await w.close();
        const r = await openZarr(map);
        const back = await r.readData('/data', wholeHyperslab(shape));
        expect(Array.from(back.data as Uint16Array)).toEqual(Array.from(expected));
        await r.close();
      });
    }
  }

  it('is written as it was by a DataStream through NWBZarrIO, to a valid file', async () => {
    const location = `${temp.dir}/reused.nwb.zarr`;
    const movie = new ImageSeries({
      name: 'movie',
      unit: 'n.a.',
      rate: 30,
      dataLayout: { chunks: [1, ...FRAME] },
      data: { kind: 'stream', dtype: 'uint16', shape: [FRAMES, ...FRAME], slabs: reusedSlabs(5) },
    });
    const file = new NWBFile({
      sessionDescription: 'reused buffer',
      identifier: 'reused-buffer',
      sessionStartTime: '2026-12-03T09:00:00+00:00',
      acquisition: [movie],
    });
    const w = new NWBZarrIO(location, 'w-');
    await w.write(file, { compression: null });
    await w.close();
    const check = await runValidate(['check', location]);
    expect(check.code, check.out).toBe(0);
    const r = new NWBZarrIO(location);
    const series = (await r.read()).acquisition.get('movie') as ImageSeries;
    if (!isDatasetHandle(series.data)) throw new Error('movie data is not a handle');
    expect(Array.from((await series.data.read()).data as Uint16Array)).toEqual(Array.from(expected));
    // A single frame (one whole chunk, handed out without a copy) is right too.
    expect(Array.from((await series.data.read([7])).data as Uint16Array)).toEqual(
      Array.from(expected.subarray(7 * FRAME_SIZE, 8 * FRAME_SIZE)),
    );
    await r.close();
  });
});

describe('a read of one whole chunk', () => {
  it("never hands out a Map store's own bytes", async () => {
    const map = new Map<string, Uint8Array>();
    const w = await openZarr(map, 'w-');
    await w.createDataset(
      '/data',
      { dtype: 'uint16', shape: [FRAMES, ...FRAME], chunks: [1, ...FRAME] },
      {},
      ndarray('uint16', [FRAMES, ...FRAME], expected.slice()),
    );
    await w.close();
    const r = await openZarr(map);
    const frame = { start: [3, 0, 0], count: [1, ...FRAME], step: [1, 1, 1], dropped: [false, false, false] };
    const first = (await r.readData('/data', frame)).data as Uint16Array;
    expect(Array.from(first)).toEqual(Array.from(expected.subarray(3 * FRAME_SIZE, 4 * FRAME_SIZE)));
    const stored = map.get('data/3.0.0')!;
    expect(first.buffer).not.toBe(stored.buffer);
    first.fill(0);
    const again = (await r.readData('/data', frame)).data as Uint16Array;
    expect(Array.from(again)).toEqual(Array.from(expected.subarray(3 * FRAME_SIZE, 4 * FRAME_SIZE)));
    await r.close();
  });

  it('fills a chunk that was never written, and still honours `out`', async () => {
    const map = new Map<string, Uint8Array>();
    const w = await openZarr(map, 'w-');
    await w.createDataset('/data', {
      dtype: 'uint16',
      shape: [4, ...FRAME],
      chunks: [1, ...FRAME],
      fillValue: 5,
    });
    await w.writeData('/data', [0, 0, 0], ndarray('uint16', [1, ...FRAME], expected.slice(0, FRAME_SIZE)));
    await w.close();
    const r = await openZarr(map);
    const frame = (f: number) => ({
      start: [f, 0, 0],
      count: [1, ...FRAME],
      step: [1, 1, 1],
      dropped: [false, false, false],
    });
    expect(Array.from((await r.readData('/data', frame(2))).data as Uint16Array)).toEqual(
      new Array(FRAME_SIZE).fill(5),
    );
    const out = new Uint16Array(FRAME_SIZE);
    const read = await r.readData('/data', frame(0), { out });
    expect(read.data).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(expected.subarray(0, FRAME_SIZE)));
    await r.close();
  });
});
