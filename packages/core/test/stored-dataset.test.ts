import { describe, expect, it } from 'vitest';
import { slice } from '../src/storage/selection.js';
import { ndarray } from '../src/storage/values.js';
import { StoredDataset, planBlocks } from '../src/tree/stored-dataset.js';
import { MemoryBackend, MemoryVolume } from './memory-backend.js';

/** A (200, 64, 64) uint16 series whose element i holds i mod 65536, chunked one frame per chunk. */
async function seriesStore(chunks: number[] | undefined = [1, 64, 64]) {
  const volume = new MemoryVolume();
  const writer = MemoryBackend.create(volume, 'series');
  const shape = [200, 64, 64];
  const data = Uint16Array.from({ length: 200 * 64 * 64 }, (_, i) => i % 65536);
  await writer.createDataset(
    '/data',
    { dtype: 'uint16', shape, ...(chunks ? { chunks } : {}) },
    {},
    ndarray('uint16', shape, data),
  );
  await writer.close();
  const reader = MemoryBackend.open(volume, 'series');
  const info = await reader.stat('/data');
  if (info?.kind !== 'dataset') throw new Error('expected a dataset');
  return { reader, info, data };
}

describe('StoredDataset', () => {
  it('reads nothing on construction and only the selected frame on read', async () => {
    const { reader, info, data } = await seriesStore();
    const handle = new StoredDataset(reader, info);
    expect(handle).toMatchObject({ kind: 'handle', path: '/data', dtype: 'uint16', shape: [200, 64, 64] });
    expect(handle.layout).toEqual({ chunks: [1, 64, 64] });
    expect(reader.stats.readDataCalls).toBe(0);

    const frame = await handle.read([150]);
    expect(frame.shape).toEqual([64, 64]);
    expect(reader.stats.readDataCalls).toBe(1);
    expect(reader.stats.elementsRead).toBe(64 * 64);
    expect(Array.from(frame.data as Uint16Array)).toEqual(Array.from(data.subarray(150 * 4096, 151 * 4096)));

    const strip = await handle.read([slice(10, 20, 5), -1, slice(0, 4)]);
    expect(strip.shape).toEqual([2, 4]);
    expect(reader.stats.elementsRead).toBe(64 * 64 + 8);
  });

  it('reads into an out buffer', async () => {
    const { reader, info } = await seriesStore();
    const handle = new StoredDataset(reader, info);
    const out = new Uint16Array(4096);
    const a = await handle.read([3], { out });
    expect(a.data).toBe(out);
    expect(out[0]).toBe((3 * 4096) % 65536);
  });

  it('names the dataset when a selection is out of bounds', async () => {
    const { reader, info } = await seriesStore();
    await expect(new StoredDataset(reader, info).read([200])).rejects.toThrow(
      /^\/data: index 200 is out of bounds/,
    );
    expect(reader.stats.readDataCalls).toBe(0);
  });

  it('iterates blocks of whole chunk rows, reading each only when asked', async () => {
    const { reader, info, data } = await seriesStore([10, 64, 64]);
    const handle = new StoredDataset(reader, info);
    const blocks = handle.blocks(256 * 1024); // 32 frames fit; 30 is a whole number of chunk rows
    expect(reader.stats.readDataCalls).toBe(0);
    const iterator = blocks[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(reader.stats.readDataCalls).toBe(1);
    expect(first.value?.start).toEqual([0, 0, 0]);
    expect(first.value?.data.shape).toEqual([30, 64, 64]);
    const rest: number[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      rest.push(next.value.start[0]!);
    expect(rest).toEqual([30, 60, 90, 120, 150, 180]);
    expect(reader.stats.readDataCalls).toBe(7);
    expect(reader.stats.elementsRead).toBe(data.length);
  });

  it('splits contiguous data into blocks of about the target size', async () => {
    const { reader, info } = await seriesStore(undefined);
    const handle = new StoredDataset(reader, info);
    let largest = 0;
    let total = 0;
    for await (const block of handle.blocks(100_000)) {
      largest = Math.max(largest, block.data.data.length * 2);
      total += block.data.data.length;
    }
    expect(largest).toBeLessThanOrEqual(100_000);
    expect(total).toBe(200 * 64 * 64);
  });
});

describe('planBlocks', () => {
  const all = (...args: Parameters<typeof planBlocks>) => [...planBlocks(...args)];

  it('gives one block for a scalar and none for an empty dataset', () => {
    expect(all([], undefined, 8)).toEqual([{ start: [], count: [] }]);
    expect(all([0, 5], undefined, 8)).toEqual([]);
  });

  it('keeps small datasets whole', () => {
    expect(all([10, 3], [5, 3], 8, 1024)).toEqual([{ start: [0, 0], count: [10, 3] }]);
  });

  it('cuts inner axes when one row is bigger than the target', () => {
    // rows of 1000 float64 = 8000 bytes; target 2000 bytes -> 250 elements per block, one row at a time
    const blocks = all([2, 1000], undefined, 8, 2000);
    expect(blocks).toHaveLength(8);
    expect(blocks[0]).toEqual({ start: [0, 0], count: [1, 250] });
    expect(blocks[7]).toEqual({ start: [1, 750], count: [1, 250] });
  });

  it('reads a chunk row whole when it is at most four times the target', () => {
    const blocks = all([40, 100], [8, 100], 1, 300);
    expect(blocks.map((b) => b.count[0])).toEqual([8, 8, 8, 8, 8]);
    // beyond four times the target, memory wins over chunk alignment
    expect(all([40, 100], [16, 100], 1, 300)[0]!.count).toEqual([3, 100]);
  });

  it('trims the last block', () => {
    expect(all([25], [10], 1, 10).map((b) => [b.start[0], b.count[0]])).toEqual([
      [0, 10],
      [10, 10],
      [20, 5],
    ]);
  });
});
