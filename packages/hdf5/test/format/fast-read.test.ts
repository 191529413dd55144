/**
 * Reads without h5wasm: for datasets of every layout and index kind, with filters, fill values,
 * filter masks and edge chunks, unfiltered chunks (read straight into the result), slabs read by the fast path (positioned reads + native decoding)
 * equal what h5wasm reads from the same bytes, and the fast path really ran; for datasets it does
 * not understand (big-endian, bool, text) it steps aside and h5wasm reads them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Hyperslab } from '@nwbjs/core/backend';
import { openHdf5, openHdf5Bytes } from '../../src/index.js';
import { FastReader } from '../../src/fast-read/fast-reader.js';
import { tempDir } from '../helpers.js';

const { dir, cleanup } = tempDir('nwbjs-fast-read-');
afterAll(cleanup);
const hasH5py = spawnSync('/usr/bin/python3', ['-Es', '-c', 'import h5py']).status === 0;

const GENERATE = `
import h5py, numpy as np, sys, zlib
def fill(shape, dtype='<i4'):
    return ((np.arange(int(np.prod(shape))) * 7919) % 65521 - 30000).astype(dtype).reshape(shape)
for libver, name in ((None, 'earliest.h5'), ('latest', 'latest.h5')):
    kw = {} if libver is None else {'libver': 'latest'}
    with h5py.File(sys.argv[1] + '/' + name, 'w', **kw) as f:
        f.create_dataset('contiguous', data=fill((13, 7, 5), '<f8'))
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        h5py.h5d.create(f.id, b'compact', h5py.h5t.STD_I16LE, h5py.h5s.create_simple((3, 4)), dcpl=dcpl)
        f['compact'][...] = fill((3, 4), '<i2')
        f.create_dataset('empty_contiguous', shape=(6, 4), dtype='<i4', fillvalue=9)
        f.create_dataset('edges', data=fill((95, 33)), chunks=(10, 7))
        f.create_dataset('gzip_shuffle', data=fill((95, 33), '<i8'), chunks=(10, 7), compression='gzip', shuffle=True)
        f.create_dataset('fletcher', data=fill((40, 3), '<f4'), chunks=(6, 2), fletcher32=True, shuffle=True, compression='gzip')
        f.create_dataset('single', data=fill((20, 5), '<u2'), chunks=(20, 5))
        f.create_dataset('single_gzip', data=fill((20, 5), '<i1'), chunks=(20, 5), compression='gzip')
        sparse = f.create_dataset('sparse', shape=(120, 120), chunks=(3, 3), dtype='<i2', fillvalue=-1)
        sparse[90:100, 90:100] = 7
        f.create_dataset('ea', data=fill((500, 3), '<u1'), chunks=(2, 3), maxshape=(None, 3), compression='gzip')
        f.create_dataset('ea_second_axis', data=fill((4, 300), '<u2'), chunks=(3, 7), maxshape=(4, None))
        f.create_dataset('bt2', data=fill((50, 60), '<i8'), chunks=(4, 5), maxshape=(None, None), compression='gzip')
        masked = f.create_dataset('masked', shape=(40, 6), chunks=(10, 6), dtype='<i4', compression='gzip', maxshape=(None, 6))
        for i in range(4):
            raw = fill((10, 6)).tobytes()
            if i % 2 == 0:
                masked.id.write_direct_chunk((i * 10, 0), raw, filter_mask=1)
            else:
                masked.id.write_direct_chunk((i * 10, 0), zlib.compress(raw), filter_mask=0)
        f.create_dataset('movie', data=fill((9, 16, 12), '<u1'), chunks=(1, 16, 12), compression='gzip')
        f.create_dataset('raw_movie', data=fill((9, 16, 12), '<u1'), chunks=(1, 16, 12))
        f.create_dataset('raw_blocks', data=fill((22, 8, 6), '<f4'), chunks=(4, 8, 6))
        f.create_dataset('raw_edges', data=fill((23, 9, 5), '<i2'), chunks=(4, 4, 5))
        masked_raw = f.create_dataset('masked_unfiltered', shape=(8, 5), chunks=(2, 5), dtype='<u2', compression='gzip', fillvalue=3)
        masked_raw.id.write_direct_chunk((2, 0), fill((2, 5), '<u2').tobytes(), filter_mask=1)
        masked_raw.id.write_direct_chunk((4, 0), fill((2, 5), '<u2').tobytes(), filter_mask=1)
        f.create_dataset('big_endian', data=fill((10, 4), '>i4'), chunks=(5, 4))
        f.create_dataset('bools', data=np.array([True, False, True]))
        if libver == 'latest':
            dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
            dcpl.set_chunk((4, 4))
            dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
            h5py.h5d.create(f.id, b'implicit', h5py.h5t.STD_I32LE, h5py.h5s.create_simple((10, 9)), dcpl=dcpl)
            f['implicit'][...] = fill((10, 9))
        f['link_to_edges'] = h5py.SoftLink('/edges')
`;

const FAST = [
  'contiguous',
  'compact',
  'empty_contiguous',
  'edges',
  'gzip_shuffle',
  'fletcher',
  'single',
  'single_gzip',
  'sparse',
  'ea',
  'ea_second_axis',
  'bt2',
  'masked',
  'movie',
  'raw_movie',
  'raw_blocks',
  'raw_edges',
  'masked_unfiltered',
  'link_to_edges',
];

/** Slabs of a dataset of `shape`: whole, one index of the first axis, a strided box, corners. */
function slabs(shape: readonly number[]): Hyperslab[] {
  const whole = {
    start: shape.map(() => 0),
    count: [...shape],
    step: shape.map(() => 1),
    dropped: shape.map(() => false),
  };
  const first = {
    ...whole,
    start: [Math.floor(shape[0]! / 2), ...shape.slice(1).map(() => 0)],
    count: [1, ...shape.slice(1)],
  };
  const strided = {
    start: shape.map((n) => Math.min(n - 1, 1)),
    count: shape.map((n) => Math.max(1, Math.floor((n - 1) / 3))),
    step: shape.map(() => 3),
    dropped: shape.map(() => false),
  };
  const corner = { ...whole, start: shape.map((n) => n - 1), count: shape.map(() => 1) };
  // Inner boxes: cut on every axis, and rows along the first axis with the trailing axes whole.
  const box = {
    ...whole,
    start: shape.map((n) => Math.min(n - 1, 1)),
    count: shape.map((n) => Math.max(1, n - 3)),
  };
  const rows = {
    ...whole,
    start: [Math.min(shape[0]! - 1, 2), ...shape.slice(1).map(() => 0)],
    count: [Math.max(1, Math.min(5, shape[0]! - 2)), ...shape.slice(1)],
  };
  return [whole, first, strided, corner, box, rows];
}

describe.skipIf(!hasH5py)('reading data without h5wasm', () => {
  beforeAll(() => {
    const made = spawnSync('/usr/bin/python3', ['-Es', '-c', GENERATE, dir], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  for (const name of ['earliest.h5', 'latest.h5']) {
    it(`equals h5wasm's reads, through the fast path: ${name}`, async () => {
      const path = join(dir, name);
      const spy = vi.spyOn(FastReader.prototype, 'read');
      const fast = await openHdf5(path, 'r');
      const slow = await openHdf5Bytes(new Uint8Array(readFileSync(path)));
      try {
        const datasets = name === 'latest.h5' ? [...FAST, 'implicit'] : FAST;
        for (const dataset of datasets) {
          const info = await slow.stat(dataset === 'link_to_edges' ? '/edges' : `/${dataset}`);
          if (info?.kind !== 'dataset') throw new Error(`${dataset} is not a dataset`);
          for (const slab of slabs(info.shape)) {
            spy.mockClear();
            const ours = await fast.readData(`/${dataset}`, slab);
            expect(ours, `${dataset} ${JSON.stringify(slab)}`).toEqual(
              await slow.readData(`/${dataset}`, slab),
            );
            expect(await spy.mock.results[0]?.value, `${dataset}: the fast path read it`).toBeDefined();
          }
        }
      } finally {
        await fast.close();
        await slow.close();
      }
    });
  }

  it('steps aside for what it does not read (big-endian, bools), and h5wasm reads it', async () => {
    const path = join(dir, 'latest.h5');
    const spy = vi.spyOn(FastReader.prototype, 'read');
    const fast = await openHdf5(path, 'r');
    const slow = await openHdf5Bytes(new Uint8Array(readFileSync(path)));
    try {
      for (const [dataset, shape] of [
        ['big_endian', [10, 4]],
        ['bools', [3]],
      ] as const) {
        const slab = slabs(shape)[0]!;
        expect(await fast.readData(`/${dataset}`, slab)).toEqual(await slow.readData(`/${dataset}`, slab));
      }
      const results = await Promise.all(spy.mock.results.map((r) => r.value));
      expect(results.every((r) => r === undefined)).toBe(true);
    } finally {
      await fast.close();
      await slow.close();
    }
  });

  it('reads into a given buffer', async () => {
    const fast = await openHdf5(join(dir, 'latest.h5'), 'r');
    try {
      const out = new Uint8Array(16 * 12 + 5);
      const slab = { start: [4, 0, 0], count: [1, 16, 12], step: [1, 1, 1], dropped: [true, false, false] };
      const frame = await fast.readData('/movie', slab, { out });
      expect((frame.data as Uint8Array).buffer).toBe(out.buffer);
      expect(frame.shape).toEqual([16, 12]);
    } finally {
      await fast.close();
    }
  });
});
