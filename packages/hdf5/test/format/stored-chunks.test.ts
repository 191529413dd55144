/**
 * Chunks handed out as they are stored (for conversion by copying chunks), checked against h5py's
 * get_chunk_info on the same files: the neutral encoding of each pipeline, the chunks that exist
 * and their bytes; pipelines that cannot be handed out (fletcher32, a filter mask, a non-zero fill,
 * big-endian elements) are not. And the memory budget: a chunk that inflates past its declared
 * size is an InvalidFileError naming the dataset, found without inflating the rest, also in a file
 * opened from bytes.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNWBError } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import type { ChunkLocation } from '../../src/format/chunk-index/chunk.js';
import { MERGED_READ_BYTES, adjacentRuns } from '../../src/fast-read/stored-chunks.js';
import { Hdf5FormatReader, openHdf5, openHdf5Bytes } from '../../src/index.js';
import { fileSource } from './file-source.js';
import { tempDir } from '../helpers.js';

const { dir, cleanup } = tempDir('nwbjs-stored-chunks-');
afterAll(cleanup);
const hasH5py = spawnSync('/usr/bin/python3', ['-Es', '-c', 'import h5py']).status === 0;
const file = join(dir, 'chunks.h5');

const GENERATE = `
import h5py, numpy as np, sys, zlib, json
def fill(shape, dtype='<u2'):
    return ((np.arange(int(np.prod(shape))) * 7919) % 60000).astype(dtype).reshape(shape)
with h5py.File(sys.argv[1], 'w') as f:
    d = f.create_dataset('gzip_shuffle', shape=(20, 9), dtype='<u2', chunks=(4, 5), compression='gzip', compression_opts=6, shuffle=True)
    d[0:8] = fill((8, 9))
    d[16:20] = fill((4, 9))
    f.create_dataset('plain', data=fill((10, 10), '<f4'), chunks=(3, 10))
    # chunks of two datasets written in turn: neither's chunks lie next to each other
    for name in ('turns_a', 'turns_b'):
        f.create_dataset(name, shape=(12, 4), dtype='<u2', chunks=(3, 4))
    for r in range(0, 12, 3):
        f['turns_a'][r:r + 3] = fill((3, 4)) + r
        f['turns_b'][r:r + 3] = fill((3, 4)) + 100 + r
    f.create_dataset('fletcher', data=fill((8, 3)), chunks=(4, 3), fletcher32=True)
    m = f.create_dataset('masked', shape=(8, 3), dtype='<u2', chunks=(4, 3), compression='gzip')
    m.id.write_direct_chunk((0, 0), fill((4, 3)).tobytes(), filter_mask=1)
    f.create_dataset('filled', shape=(8, 3), dtype='<u2', chunks=(4, 3), fillvalue=7)
    f.create_dataset('big_endian', data=fill((8, 3), '>u2'), chunks=(4, 3))
    b = f.create_dataset('bomb', shape=(10, 10, 10), dtype='u1', chunks=(10, 10, 10), compression='gzip')
    c = zlib.compressobj(9)
    b.id.write_direct_chunk((0, 0, 0), b''.join(c.compress(bytes(1 << 24)) for _ in range(8)) + c.flush())
    info = {}
    for name in ('gzip_shuffle', 'plain', 'turns_a'):
        ds = f[name]
        info[name] = [[[o // c for o, c in zip(i.chunk_offset, ds.chunks)], i.byte_offset, i.size] for i in (ds.id.get_chunk_info(k) for k in range(ds.id.get_num_chunks()))]
    print(json.dumps(info))
`;

let chunkInfo: Record<string, [number[], number, number][]> = {};

beforeAll(() => {
  if (!hasH5py) return;
  const run = spawnSync('/usr/bin/python3', ['-Es', '-c', GENERATE, file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  chunkInfo = JSON.parse(run.stdout) as typeof chunkInfo;
});

function bytesAt(offset: number, size: number): number[] {
  const fd = openSync(file, 'r');
  try {
    const out = Buffer.alloc(size);
    readSync(fd, out, 0, size, offset);
    return Array.from(out);
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!hasH5py)('HDF5 stored chunks', () => {
  it('describes deflate and shuffle in neutral terms and hands out the chunks h5py lists', async () => {
    const reader = await openHdf5(file, 'r');
    try {
      expect(await reader.chunkEncoding('/gzip_shuffle')).toEqual({
        dtype: 'uint16',
        chunks: [4, 5],
        codecs: [
          { id: 'shuffle', elementSize: 2 },
          { id: 'zlib', level: 6 },
        ],
      });
      expect(await reader.chunkEncoding('/plain')).toEqual({ dtype: 'float32', chunks: [3, 10], codecs: [] });
      for (const name of ['gzip_shuffle', 'plain']) {
        const listed: string[] = [];
        for await (const index of reader.storedChunks(`/${name}`)) listed.push(index.join(','));
        expect(listed.sort(), name).toEqual(chunkInfo[name]!.map(([index]) => index.join(',')).sort());
        for (const [index, offset, size] of chunkInfo[name]!) {
          const bytes = await reader.readStoredChunk(`/${name}`, index);
          expect(Array.from(bytes!), `${name} ${index.join(',')}`).toEqual(bytesAt(offset, size));
        }
      }
      expect(await reader.readStoredChunk('/gzip_shuffle', [2, 0])).toBeUndefined();
    } finally {
      await reader.close();
    }
  });

  it('reads several chunks at once as readStoredChunk reads each: adjacent, apart, at the edge, never written', async () => {
    const reader = await openHdf5(file, 'r');
    try {
      const adjacent = (name: string): boolean =>
        chunkInfo[name]!.some(([, offset, size]) =>
          chunkInfo[name]!.some(([, next]) => next === offset + size),
        );
      expect(adjacent('plain')).toBe(true); // so some of its chunks are read with one read
      expect(adjacent('turns_a')).toBe(false);
      const grids: Record<string, [number, number]> = {
        gzip_shuffle: [5, 2],
        plain: [4, 1],
        turns_a: [4, 1],
      };
      for (const [name, [rows, columns]] of Object.entries(grids)) {
        const indices: number[][] = [];
        for (let r = rows - 1; r >= 0; r--) for (let c = 0; c < columns; c++) indices.push([r, c]);
        indices.push([0, 0]); // asked twice
        const many = await reader.readStoredChunks(`/${name}`, indices);
        expect(many.length).toBe(indices.length);
        for (const [k, index] of indices.entries()) {
          const info = chunkInfo[name]!.find(([at]) => at.join(',') === index.join(','));
          const got = many[k];
          if (info === undefined) expect(got, `${name} ${index.join(',')}`).toBeUndefined();
          else expect(Array.from(got!), `${name} ${index.join(',')}`).toEqual(bytesAt(info[1], info[2]));
        }
      }
      await expect(reader.readStoredChunks('/masked', [[0, 0]])).rejects.toThrow(/cannot be handed out/);

      // Lent memory: the runs that fit are read into it (views of it), the rest into new memory.
      const plain = [0, 1, 2, 3].map((r) => [r, 0]);
      const expectPlain = (got: (Uint8Array | undefined)[]) =>
        plain.forEach((index, k) => {
          const [, offset, size] = chunkInfo['plain']!.find(([at]) => at.join(',') === index.join(','))!;
          expect(Array.from(got[k]!), index.join(',')).toEqual(bytesAt(offset, size));
        });
      const whole = chunkInfo['plain']!.reduce((n, [, , size]) => n + size, 0);
      const roomy = new Uint8Array(whole + 10).fill(0xee);
      const intoRoomy = await reader.readStoredChunks('/plain', plain, roomy);
      expectPlain(intoRoomy);
      expect(intoRoomy.every((bytes) => bytes!.buffer === roomy.buffer)).toBe(true);
      const tight = new Uint8Array(5);
      const intoTight = await reader.readStoredChunks('/plain', plain, tight);
      expectPlain(intoTight);
      expect(intoTight.some((bytes) => bytes!.buffer === tight.buffer)).toBe(false);
      expectPlain(await reader.readStoredChunks('/plain', plain)); // no memory lent
    } finally {
      await reader.close();
    }
  });

  it('hands out no chunks of pipelines a copy could not carry', async () => {
    const reader = await openHdf5(file, 'r');
    try {
      for (const name of ['fletcher', 'masked', 'filled', 'big_endian'])
        expect(await reader.chunkEncoding(`/${name}`), name).toBeUndefined();
      const chunks = reader.storedChunks('/fletcher')[Symbol.asyncIterator]();
      await expect(chunks.next()).rejects.toThrow(/cannot be handed out/);
    } finally {
      await reader.close();
    }
  });

  it('refuses a chunk that inflates past its declared size, naming the dataset', async () => {
    const reader = await openHdf5(file, 'r');
    try {
      const read = reader.readData('/bomb', wholeHyperslab([10, 10, 10]));
      await expect(read).rejects.toThrow(/a chunk decodes to more than its 1000 bytes/);
      const error = await read.catch((e: unknown) => e);
      expect(isNWBError(error, 'InvalidFileError')).toBe(true);
      expect((error as { path?: string }).path).toBe('/bomb');
    } finally {
      await reader.close();
    }
  });

  it('hands out the same chunks through the format reader (no h5wasm), and refuses the bomb too', async () => {
    const { source, size, close } = await fileSource(file);
    const reader = await Hdf5FormatReader.open(source, { size, location: file });
    const backend = await openHdf5(file, 'r');
    try {
      for (const name of ['/gzip_shuffle', '/plain', '/fletcher', '/masked']) {
        expect(await reader.chunkEncoding(name), name).toEqual(await backend.chunkEncoding(name));
      }
      for (const [index, offset, size] of chunkInfo['gzip_shuffle']!) {
        const bytes = await reader.readStoredChunk('/gzip_shuffle', index);
        expect(Array.from(bytes!)).toEqual(bytesAt(offset, size));
      }
      const error = await reader.readData('/bomb', wholeHyperslab([10, 10, 10])).catch((e: unknown) => e);
      expect(isNWBError(error, 'InvalidFileError')).toBe(true);
      expect((error as Error).message).toMatch(/a chunk decodes to more than its 1000 bytes/);
      expect((error as { path?: string }).path).toBe('/bomb');
    } finally {
      await backend.close();
      await reader.close();
      await close();
    }
  });

  it('refuses the bomb the same way in a file opened from bytes, where h5wasm would run out of memory', async () => {
    const bytes = new Uint8Array(readFileSync(file));
    const reader = await openHdf5Bytes(bytes, 'chunks.h5');
    try {
      const error = await reader.readData('/bomb', wholeHyperslab([10, 10, 10])).catch((e: unknown) => e);
      expect(isNWBError(error, 'InvalidFileError'), String(error)).toBe(true);
      expect(String(error)).toMatch(/a chunk decodes to more than its 1000 bytes/);
      expect((error as { path?: string }).path).toBe('/bomb');
      // The same reads serve the rest: values, and chunks handed out as stored.
      const plain = await reader.readData('/plain', wholeHyperslab([10, 10]));
      expect(plain.data[11]).toBe((11 * 7919) % 60000);
      expect((await reader.chunkEncoding('/plain'))?.chunks).toEqual([3, 10]);
    } finally {
      await reader.close();
    }
  });
});

describe('adjacentRuns', () => {
  const at = (address: number, size: number, offset = address) => ({
    chunk: { offset: [offset], address, size, filterMask: 0 } satisfies ChunkLocation,
  });
  const runs = (wanted: ReturnType<typeof at>[]): number[][] =>
    adjacentRuns(wanted).map((run) => run.map((w) => w.chunk.address));

  it('joins chunks that follow one another in the file, whatever order they were asked in', () => {
    expect(runs([at(300, 100), at(100, 100), at(200, 100), at(500, 50), at(550, 10)])).toEqual([
      [100, 200, 300],
      [500, 550],
    ]);
  });

  it('keeps apart chunks with a gap, overlapping chunks and one chunk asked twice', () => {
    expect(runs([at(0, 100), at(101, 10)])).toEqual([[0], [101]]);
    expect(runs([at(0, 100), at(50, 100)])).toEqual([[0], [50]]);
    const twice = at(0, 100);
    expect(runs([twice, twice, at(100, 5)])).toEqual([[0], [0, 100]]);
    expect(runs([at(0, 100), at(100, 0), at(100, 7)])).toEqual([[0, 100, 100]]); // an empty one costs nothing
  });

  it('reads no more than MERGED_READ_BYTES at once; a bigger chunk alone', () => {
    const half = MERGED_READ_BYTES / 2;
    expect(runs([at(0, half), at(half, half), at(2 * half, 1)])).toEqual([[0, half], [2 * half]]);
    const big = MERGED_READ_BYTES + 1;
    expect(runs([at(0, 10), at(10, big), at(10 + big, 10)])).toEqual([[0], [10], [10 + big]]);
  });
});
