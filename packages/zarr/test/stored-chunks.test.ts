/**
 * Conversion by copying chunks, Zarr to Zarr: chunks move as they are stored (bytes no encoder of
 * ours would produce come through unchanged), unwritten chunks stay unwritten, `/`-separated keys
 * are listed, and a conversion asking for other codecs decodes and encodes as before.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { StorageReader } from '@nwbjs/core';
import { copyTree, ndarray } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import type { StagingStore } from '../src/index.js';
import { openZarr } from '../src/index.js';
import { tempDir } from './helpers.js';

const temp = await tempDir();
afterAll(() => temp.cleanup());

let n = 0;
const values = Uint16Array.from({ length: 60 }, (_, i) => (i * 37) % 1000);
const expected = values.slice().fill(0, 18, 36);

/** A store with /sparse: 10x6 uint16 in 3x4 chunks, gzip + shuffle; chunk row 1 never written. */
async function sparseStore(): Promise<string> {
  const dir = path.join(temp.dir, `source-${n++}.zarr`);
  const writer = await openZarr(dir, 'w-');
  await writer.createDataset('/sparse', {
    dtype: 'uint16',
    shape: [10, 6],
    chunks: [3, 4],
    compression: { codec: 'gzip', level: 4, shuffle: true },
  });
  await writer.writeData('/sparse', [0, 0], ndarray('uint16', [3, 6], values.subarray(0, 18)));
  await writer.writeData('/sparse', [6, 0], ndarray('uint16', [4, 6], values.subarray(36)));
  await writer.close();
  return dir;
}

async function convert(from: string, options: Parameters<typeof copyTree>[2] = {}): Promise<string> {
  const to = path.join(temp.dir, `target-${n++}.zarr`);
  const reader = await openZarr(from, 'r');
  const writer = await openZarr(to, 'w-');
  try {
    await copyTree(reader, writer, options);
    await writer.close();
  } finally {
    await reader.close();
  }
  return to;
}

async function readSparse(dir: string): Promise<number[]> {
  const reader = await openZarr(dir, 'r');
  try {
    return Array.from((await reader.readData('/sparse', wholeHyperslab([10, 6]))).data as Uint16Array);
  } finally {
    await reader.close();
  }
}

describe('Zarr to Zarr by copying chunks', () => {
  it('copies each stored chunk byte for byte and writes no chunk that was never written', async () => {
    const source = await sparseStore();
    // A chunk encoded at another level than the metadata says: only a copy reproduces these bytes.
    const chunk = path.join(source, 'sparse/2.1');
    const recoded = gzipSync(gunzipSync(await readFile(chunk)), { level: 1 });
    await writeFile(chunk, recoded);

    const target = await convert(source);
    expect((await readdir(path.join(target, 'sparse'))).filter((f) => !f.startsWith('.')).sort()).toEqual([
      '0.0',
      '0.1',
      '2.0',
      '2.1',
      '3.0',
      '3.1',
    ]);
    expect(Buffer.compare(await readFile(path.join(target, 'sparse/2.1')), recoded)).toBe(0);
    for (const key of ['0.0', '0.1', '2.0', '3.0', '3.1']) {
      const a = await readFile(path.join(source, 'sparse', key));
      const b = await readFile(path.join(target, 'sparse', key));
      expect(Buffer.compare(a, b), key).toBe(0);
    }
    const meta = JSON.parse(await readFile(path.join(target, 'sparse/.zarray'), 'utf8'));
    expect(meta.compressor).toEqual({ id: 'gzip', level: 4 });
    expect(meta.filters).toEqual([{ id: 'shuffle', elementsize: 2 }]);
    expect(await readSparse(target)).toEqual(Array.from(expected));
  });

  it('decodes and encodes again where the conversion asks for other codecs or chunks', async () => {
    const source = await sparseStore();
    const plain = await convert(source, { compression: null, blockBytes: 36 });
    const meta = JSON.parse(await readFile(path.join(plain, 'sparse/.zarray'), 'utf8'));
    expect(meta.compressor).toBeNull();
    expect((await readFile(path.join(plain, 'sparse/0.0'))).length).toBe(3 * 4 * 2);
    expect(await readSparse(plain)).toEqual(Array.from(expected));
    // Blocks of chunk rows never written are skipped on this path too.
    await expect(readFile(path.join(plain, 'sparse/1.0'))).rejects.toThrow();

    const rechunked = await convert(source, { chunks: () => [5, 6] });
    expect(await readSparse(rechunked)).toEqual(Array.from(expected));
  });

  it('lists chunks of `/`-separated keys', async () => {
    const source = new Map<string, Uint8Array>();
    const writer = await openZarr(source, 'w-');
    await writer.createDataset('/sparse', { dtype: 'uint16', shape: [10, 6], chunks: [3, 4] });
    await writer.writeData('/sparse', [0, 0], ndarray('uint16', [3, 6], values.subarray(0, 18)));
    await writer.writeData('/sparse', [6, 0], ndarray('uint16', [4, 6], values.subarray(36)));
    await writer.close();
    const nested = new Map<string, Uint8Array>();
    for (const [key, value] of source) {
      if (key === '.zmetadata') continue;
      if (key === 'sparse/.zarray') {
        const meta = JSON.parse(new TextDecoder().decode(value));
        nested.set(key, new TextEncoder().encode(JSON.stringify({ ...meta, dimension_separator: '/' })));
      } else nested.set(key.replace(/^sparse\/(\d+)\.(\d+)$/, 'sparse/$1/$2'), value);
    }
    const reader: StorageReader = await openZarr(nested, 'r');
    try {
      const listed: string[] = [];
      for await (const index of reader.storedChunks!('/sparse')) listed.push(index.join(','));
      expect(listed.sort()).toEqual(['0,0', '0,1', '2,0', '2,1', '3,0', '3,1']);
      expect(await reader.chunkEncoding!('/sparse')).toEqual({ dtype: 'uint16', chunks: [3, 4], codecs: [] });
    } finally {
      await reader.close();
    }
  });

  it('refuses chunks bigger than the 1 GiB a chunk may take, naming the dataset', async () => {
    const map = new Map<string, Uint8Array>();
    const writer = await openZarr(map, 'w-');
    await writer.createDataset('/huge', {
      dtype: 'uint16',
      shape: [100000, 100000],
      chunks: [100000, 100000],
    });
    await writer.close();
    const reader = await openZarr(map, 'r');
    try {
      const slab = { start: [0, 0], count: [1, 1], step: [1, 1], dropped: [false, false] };
      await expect(reader.readData('/huge', slab)).rejects.toThrow(/more than a chunk may take \(1 GiB\)/);
    } finally {
      await reader.close();
    }
  });

  it('writeStoredChunk settles only once the chunk is stored, so its bytes may be reused', async () => {
    const staged = new Map<string, number[]>();
    const slow: StagingStore = {
      get: async () => undefined,
      async set(key, value) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        staged.set(key, Array.from(value));
      },
      commit: async () => undefined,
      abort: async () => undefined,
    };
    const writer = await openZarr(slow, 'w');
    try {
      const definition = { dtype: 'uint8', shape: [4, 2], chunks: [1, 2] } as const;
      expect(await writer.createEncodedDataset('/a', definition, { ...definition, codecs: [] })).toBe(true);
      const bytes = Uint8Array.of(1, 2);
      await Promise.all([
        writer.writeStoredChunk('/a', [0, 0], bytes),
        writer.writeStoredChunk('/a', [3, 0], bytes),
      ]);
      expect(staged.get('/a/0.0')).toEqual([1, 2]);
      expect(staged.get('/a/3.0')).toEqual([1, 2]);
      bytes.fill(9); // reused: what was stored stays as it was
      expect(staged.get('/a/0.0')).toEqual([1, 2]);
    } finally {
      await writer.abort();
    }
  });
});
