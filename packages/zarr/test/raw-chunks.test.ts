/**
 * Arrays whose chunks are plain element bytes, read from a directory straight into the result
 * (`raw-chunks.ts`): every selection gives what zarr-python gives and what the chunk-by-chunk path
 * gives (a store that cannot read parts of values), with edge chunks, chunks never written (the
 * fill value), selections that cut chunks or step over elements, elements wider than a byte, `out`
 * and a chunk file of the wrong size.
 */
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AbsolutePath } from '@zarrita/storage';
import type { NdArray } from '@nwbjs/core';
import type { Hyperslab } from '@nwbjs/core/backend';
import type { ZarrStorage } from '../src/index.js';
import { openZarr } from '../src/index.js';
import { DirStore } from '../src/platform/node/dir-store.js';
import { tempDir } from './helpers.js';

const run = promisify(execFile);
const temp = await tempDir();
const store = path.join(temp.dir, 'plain.zarr');

/** Arrays zarr-python writes: name, and the Python that makes it (`g` is the root group). */
const ARRAYS: Record<string, string> = {
  // Edge chunks on every axis; two chunks never written read as the fill value.
  u8: `a = g.create_dataset('u8', shape=(5, 12, 9), chunks=(2, 5, 4), dtype='u1', fill_value=3, compressor=None)
a[:] = (np.arange(5 * 12 * 9) % 251).reshape(5, 12, 9)`,
  i16: `a = g.create_dataset('i16', shape=(7, 10), chunks=(3, 4), dtype='<i2', fill_value=-2, compressor=None)
a[:] = (np.arange(70) * 37 - 1000).reshape(7, 10)`,
  // Nested chunk keys (0/1/2), one frame per chunk.
  f64: `a = g.create_dataset('f64', shape=(4, 6, 5), chunks=(1, 6, 5), dtype='<f8', fill_value=-1.5, compressor=None, dimension_separator='/')
a[:3] = (np.arange(3 * 30) / 7).reshape(3, 6, 5)`,
  u64: `a = g.create_dataset('u64', shape=(9,), chunks=(4,), dtype='<u8', fill_value=2**40 + 3, compressor=None)
a[:4] = np.arange(4, dtype='u8') * 2**33`,
  // Big-endian and compressed chunks keep the chunk-by-chunk path; they must agree too.
  be32: `a = g.create_dataset('be32', shape=(6, 7), chunks=(4, 3), dtype='>i4', fill_value=5, compressor=None)
a[:] = (np.arange(42) * -12345).reshape(6, 7)`,
  gz: `a = g.create_dataset('gz', shape=(6, 7), chunks=(4, 3), dtype='<u2', fill_value=9, compressor=numcodecs.GZip(4))
a[:4] = (np.arange(28) * 11).reshape(4, 7)`,
  flag: `a = g.create_dataset('flag', shape=(10, 3), chunks=(4, 3), dtype='?', fill_value=True, compressor=None)
a[:4] = (np.arange(12) % 3 == 0).reshape(4, 3)`,
  scalar: `a = g.create_dataset('scalar', shape=(), dtype='<f4', fill_value=0.0, compressor=None)
a[()] = 2.5`,
};

/** Chunk files removed after writing (never written, as far as a reader can tell). */
const REMOVED = ['u8/0.1.0', 'u8/2.2.2', 'i16/1.1'];

/** Selections per array: start, count, step per axis (whole arrays are added below). */
const SELECTIONS: Record<string, [number[], number[], number[]][]> = {
  u8: [
    [
      [1, 3, 2],
      [3, 8, 6],
      [1, 1, 1],
    ], // cuts chunks on every axis
    [
      [0, 0, 0],
      [5, 12, 1],
      [1, 1, 1],
    ], // a column: many one-element runs per chunk
    [
      [0, 1, 0],
      [3, 4, 3],
      [2, 3, 4],
    ], // steps on every axis
    [
      [4, 11, 8],
      [1, 1, 1],
      [1, 1, 1],
    ], // the last element, in an edge chunk
    [
      [2, 0, 0],
      [2, 12, 9],
      [1, 1, 1],
    ], // whole trailing axes
  ],
  i16: [
    [
      [2, 1],
      [4, 8],
      [1, 1],
    ],
    [
      [0, 0],
      [7, 5],
      [1, 2],
    ],
    [
      [3, 4],
      [3, 4],
      [1, 1],
    ], // exactly the chunk never written
  ],
  f64: [
    [
      [2, 0, 0],
      [2, 6, 5],
      [1, 1, 1],
    ], // a written frame and one never written
    [
      [1, 2, 1],
      [3, 3, 3],
      [1, 1, 1],
    ],
    [
      [0, 0, 4],
      [4, 6, 1],
      [1, 1, 1],
    ],
  ],
  u64: [
    [[2], [6], [1]],
    [[1], [4], [2]],
  ],
  be32: [
    [
      [1, 1],
      [5, 5],
      [1, 1],
    ],
  ],
  gz: [
    [
      [1, 1],
      [5, 5],
      [1, 1],
    ],
  ],
  flag: [
    [
      [2, 0],
      [7, 3],
      [1, 1],
    ],
  ],
  scalar: [],
};

const PYTHON = `
import json, sys, zarr, numcodecs, numpy as np
store, what = sys.argv[1], sys.argv[2]
if what == 'write':
    g = zarr.open_group(store, mode='w')
${Object.values(ARRAYS)
  .map((code) => code.replace(/^/gm, '    '))
  .join('\n')}
else:
    g = zarr.open_group(store, mode='r')
    out = []
    for name, start, count, step in json.loads(sys.stdin.read()):
        a = g[name]
        v = a[()] if a.shape == () else a[tuple(slice(s, s + (c - 1) * t + 1, t) for s, c, t in zip(start, count, step))]
        flat = np.asarray(v).reshape(-1)
        out.append([str(x) if isinstance(x, int) and abs(x) > 2**53 else x for x in flat.tolist()])
    print(json.dumps(out))
`;

/** What zarr-python reads for each selection: numbers (and bools), 64-bit integers as text. */
async function pythonReads(selections: [string, number[], number[], number[]][]): Promise<unknown[][]> {
  const child = execFile('/usr/bin/python3', ['-Es', '-c', PYTHON, store, 'read'], { maxBuffer: 64 << 20 });
  child.stdin!.end(JSON.stringify(selections));
  let stdout = '';
  child.stdout!.on('data', (d: string) => (stdout += d));
  await new Promise<void>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`python exited ${code}`)))),
  );
  return JSON.parse(stdout) as unknown[][];
}

/** The values of a read as plain numbers (bools for bool arrays), 64-bit integers as text. */
function plain(a: NdArray): unknown[] {
  const values = Array.from(a.data as ArrayLike<number | bigint>);
  if (a.dtype === 'bool') return values.map((v) => v === 1);
  return values.map((v) => (typeof v === 'bigint' ? (v > 2n ** 53n ? String(v) : Number(v)) : v));
}

/** The directory store without its part reads: the chunk-by-chunk path. */
function wholeChunksOnly(location: string): unknown {
  const dir = new DirStore(location);
  return {
    location,
    get: (key: AbsolutePath) => dir.get(key),
    listChildren: (prefix: AbsolutePath) => dir.listChildren(prefix),
  };
}

let direct: ZarrStorage;
let chunkwise: ZarrStorage;
const selections: [string, number[], number[], number[]][] = [];

beforeAll(async () => {
  await run('/usr/bin/python3', ['-Es', '-c', PYTHON, store, 'write']);
  for (const key of REMOVED) await rm(path.join(store, key));
  direct = await openZarr(store);
  chunkwise = await openZarr(wholeChunksOnly(store) as never);
  for (const name of Object.keys(ARRAYS)) {
    const info = await direct.stat(`/${name}`);
    const shape = info?.kind === 'dataset' ? info.shape : [];
    selections.push([name, shape.map(() => 0), [...shape], shape.map(() => 1)]);
    for (const [start, count, step] of SELECTIONS[name] ?? []) selections.push([name, start, count, step]);
  }
});

afterAll(async () => {
  await direct?.close();
  await chunkwise?.close();
  await temp.cleanup();
});

describe('plain chunks read straight into the result', () => {
  it('give what zarr-python and the chunk-by-chunk read give, for every selection', async () => {
    const expected = await pythonReads(selections);
    const spans = vi.spyOn(DirStore.prototype, 'readSpans');
    for (const [i, [name, start, count, step]] of selections.entries()) {
      const slab: Hyperslab = { start, count, step, dropped: count.map(() => false) };
      const ours = await direct.readData(`/${name}`, slab);
      const theirs = await chunkwise.readData(`/${name}`, slab);
      const what = `${name} ${JSON.stringify(slab)}`;
      expect(ours.shape, what).toEqual(theirs.shape);
      expect(ours.dtype, what).toBe(theirs.dtype);
      expect(ours.data.constructor, what).toBe(theirs.data.constructor);
      expect(plain(ours), what).toEqual(plain(theirs));
      expect(plain(ours), what).toEqual(expected[i]);
    }
    // Plain chunks took the part reads; big-endian and compressed ones did not.
    const keys = new Set(spans.mock.calls.map(([key]) => key.split('/')[1]));
    spans.mockRestore();
    expect([...keys].sort()).toEqual(['f64', 'flag', 'i16', 'scalar', 'u64', 'u8']);
  });

  it('reads into out, leaving the elements past the selection alone', async () => {
    const out = new Int16Array(40).fill(12345);
    const slab = { start: [2, 1], count: [4, 8], step: [1, 1], dropped: [false, false] };
    const got = await direct.readData('/i16', slab, { out });
    expect((got.data as Int16Array).buffer).toBe(out.buffer);
    expect(Array.from(out.subarray(0, 32))).toEqual(plain(await chunkwise.readData('/i16', slab)));
    expect(Array.from(out.subarray(32))).toEqual(new Array(8).fill(12345));
  });

  it('refuses a chunk file of the wrong size, naming the array and the chunk, writing nothing', async () => {
    const file = path.join(store, 'i16', '0.0');
    const good = await readFile(file);
    const out = new Int16Array(70).fill(777);
    try {
      for (const bytes of [good.subarray(0, good.length - 2), Buffer.concat([good, Buffer.alloc(4096)])]) {
        await writeFile(file, bytes);
        const read = direct.readData(
          '/i16',
          { start: [0, 0], count: [7, 10], step: [1, 1], dropped: [false, false] },
          { out },
        );
        await expect(read).rejects.toMatchObject({
          name: 'InvalidFileError',
          path: '/i16',
          message: expect.stringContaining(
            `chunk i16/0.0 is corrupt: it holds ${bytes.length} bytes, expected 24`,
          ),
        });
        // The other chunks may have been read; nothing of the bad one, nothing past the selection.
        for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(out[r * 10 + c]).toBe(777);
      }
    } finally {
      await writeFile(file, good);
    }
  });
});
