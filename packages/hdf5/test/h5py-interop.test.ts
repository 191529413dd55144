/**
 * Reading what h5py writes (HDF5 1.10 via Debian's h5py, independent of h5wasm): bool enums,
 * fixed-length strings, big-endian numbers, compound rows with references, shuffle + gzip,
 * unlimited axes, dangling links; and what h5py reads of files this package writes.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boolArray, isNWBError, ndarray } from '@nwbjs/core';
import { toHyperslab, wholeHyperslab } from '@nwbjs/core/backend';
import { openHdf5 } from '../src/index.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function python(script: string): { status: number | null; output: string } {
  const result = spawnSync('/usr/bin/python3', ['-Es', '-c', script], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}
const hasH5py = python('import h5py').status === 0;

const MADE_BY_H5PY = join(dir, 'h5py.h5');
const SCRIPT = `
import h5py, numpy as np
with h5py.File(${JSON.stringify(MADE_BY_H5PY)}, 'w') as f:
    f['flags'] = np.array([True, False, True])
    f['flag'] = np.bool_(True)
    f.attrs['flag_attr'] = np.array([False, True])
    f['fixed'] = np.array([b'ab', b'cde'], dtype='S4')
    f['fixed_utf8'] = np.array(['\\u00e9t\\u00e9'.encode('utf-8')], dtype=h5py.string_dtype('utf-8', 8))
    f['be'] = np.arange(6, dtype='>i4').reshape(2, 3)
    f['be_f'] = np.array([1.5, -2.25], dtype='>f8')
    g = f.create_group('ts')
    dt = np.dtype([('idx_start', '<i4'), ('count', '<i4'), ('timeseries', h5py.ref_dtype)])
    f.create_dataset('rows', data=np.array([(0, 5, g.ref), (5, 2, g.ref)], dtype=dt))
    f.create_dataset('sg', data=np.arange(40, dtype='<i2').reshape(10, 4), chunks=(5, 4), shuffle=True,
                     compression='gzip', compression_opts=3, maxshape=(None, 4))
    f['dangling'] = h5py.SoftLink('/nowhere')
    f['ext'] = h5py.ExternalLink('missing.h5', '/x')
    f.attrs['vlen_list'] = ['a', 'b\\u00e9']
    f.attrs['scalar_f32'] = np.float32(0.5)
`;

describe.skipIf(!hasH5py)('files written by h5py', () => {
  beforeAll(() => {
    const made = python(SCRIPT);
    expect(made.status, made.output).toBe(0);
  });

  it('reads bool enums as bool, fixed strings, big-endian numbers, compound rows', async () => {
    const r = await openHdf5(MADE_BY_H5PY, 'r');
    try {
      expect(await r.readData('/flags', wholeHyperslab([3]))).toEqual(boolArray([true, false, true]));
      expect(await r.readData('/flag', wholeHyperslab([]))).toEqual(boolArray([true], []));
      const attrs = await r.readAttributes('/');
      expect(attrs['flag_attr']).toEqual(boolArray([false, true]));
      expect(attrs['vlen_list']).toEqual({ dtype: 'utf8', shape: [2], data: ['a', 'bé'] });
      expect(attrs['scalar_f32']).toEqual({ dtype: 'float32', shape: [], data: Float32Array.of(0.5) });
      expect(await r.readData('/fixed', wholeHyperslab([2]))).toEqual({
        dtype: 'ascii',
        shape: [2],
        data: ['ab', 'cde'],
        textLength: 4,
      });
      expect((await r.readData('/fixed_utf8', wholeHyperslab([1]))).data).toEqual(['été']);
      const be = await r.readData('/be', toHyperslab([2, 3], [1]));
      expect(be).toEqual(ndarray('int32', [3], Int32Array.of(3, 4, 5)));
      expect((await r.readData('/be_f', wholeHyperslab([2]))).data).toEqual(Float64Array.of(1.5, -2.25));
      expect(await r.stat('/rows')).toMatchObject({
        dtype: {
          compound: [
            { name: 'idx_start', dtype: 'int32' },
            { name: 'count', dtype: 'int32' },
            { name: 'timeseries', dtype: 'ref' },
          ],
        },
      });
      expect((await r.readData('/rows', wholeHyperslab([2]))).data).toEqual([
        { idx_start: 0, count: 5, timeseries: { path: '/ts' } },
        { idx_start: 5, count: 2, timeseries: { path: '/ts' } },
      ]);
    } finally {
      await r.close();
    }
  });

  it('reports shuffle + gzip and unlimited axes, and reads the data', async () => {
    const r = await openHdf5(MADE_BY_H5PY, 'r');
    try {
      expect(await r.stat('/sg')).toMatchObject({
        chunks: [5, 4],
        maxShape: [null, 4],
        compression: { codec: 'gzip', level: 3, shuffle: true },
        filters: [
          { id: 2, name: 'shuffle' },
          { id: 1, name: 'deflate' },
        ],
      });
      const rows = await r.readData('/sg', toHyperslab([10, 4], [{ start: 8 }]));
      expect(Array.from(rows.data as Int16Array)).toEqual([32, 33, 34, 35, 36, 37, 38, 39]);
    } finally {
      await r.close();
    }
  });

  it('reports dangling soft links and external links without following them', async () => {
    const r = await openHdf5(MADE_BY_H5PY, 'r');
    try {
      expect(await r.stat('/dangling')).toEqual({ kind: 'link', path: '/dangling', target: '/nowhere' });
      expect(await r.stat('/ext')).toEqual({ kind: 'link', path: '/ext', target: '/x', file: 'missing.h5' });
      await expect(r.readData('/dangling', wholeHyperslab([1]))).rejects.toSatisfy((e: unknown) =>
        isNWBError(e, 'NotFoundError'),
      );
    } finally {
      await r.close();
    }
  });
});

describe.skipIf(!hasH5py)('files read by h5py', () => {
  it('sees int64 scalars, and bools as h5py writes them (the enum FALSE/TRUE over int8)', async () => {
    const path = join(dir, 'ours.h5');
    const w = await openHdf5(path, 'w');
    await w.createDataset('/flags', { dtype: 'bool', shape: [2] }, {}, boolArray([true, false]));
    await w.createDataset(
      '/flag',
      { dtype: 'bool', shape: [] },
      { on: boolArray([true], []) },
      boolArray([false], []),
    );
    await w.createDataset('/none', { dtype: 'bool', shape: [0] }, {}, boolArray([]));
    // Streamed: created empty, grown and written in blocks, chunked and compressed.
    await w.createDataset('/many', {
      dtype: 'bool',
      shape: [1000],
      chunks: [100],
      compression: { codec: 'gzip', level: 4 },
    });
    for (let start = 0; start < 1000; start += 250) {
      await w.writeData(
        '/many',
        [start],
        boolArray(Array.from({ length: 250 }, (_, i) => (start + i) % 3 === 0)),
      );
    }
    await w.createGroup('/g', { flags: boolArray([true, false, true], [3]), one: boolArray([false], []) });
    // Replaced: the old value's stand-in is gone, the new one is rewritten.
    await w.setAttribute('/g', 'one', boolArray([true], []));
    await w.createDataset(
      '/i64',
      { dtype: 'int64', shape: [] },
      {},
      ndarray('int64', [], BigInt64Array.of(-5n)),
    );
    // Before the file is closed, the stand-ins read as bools.
    expect(await w.readData('/flags', wholeHyperslab([2]))).toEqual(boolArray([true, false]));
    expect((await w.readAttributes('/g'))['flags']).toEqual(boolArray([true, false, true], [3]));
    await w.close();
    const read = python(`
import h5py, json, numpy as np
def b(x): return [str(x.dtype), np.asarray(x).tolist()]
with h5py.File(${JSON.stringify(path)}, 'r') as f:
    print(json.dumps({'flags': b(f['flags']), 'flag': b(f['flag']), 'on': b(f['flag'].attrs['on']),
                      'none': b(f['none']), 'many': [str(f['many'].dtype), int(f['many'][()].sum())],
                      'g': b(f['g'].attrs['flags']), 'one': b(f['g'].attrs['one']),
                      'attrs': sorted(f['g'].attrs.keys()) + sorted(f['flags'].attrs.keys()),
                      'i64': [str(f['i64'].dtype), f['i64'].shape, int(f['i64'][()])]}))
`);
    expect(read.status, read.output).toBe(0);
    expect(JSON.parse(read.output)).toEqual({
      flags: ['bool', [true, false]],
      flag: ['bool', false],
      on: ['bool', true],
      none: ['bool', []],
      many: ['bool', 334],
      g: ['bool', [true, false, true]],
      one: ['bool', true],
      attrs: ['flags', 'one'],
      i64: ['int64', [], -5],
    });
    const r = await openHdf5(path, 'r');
    try {
      expect(await r.readData('/flags', wholeHyperslab([2]))).toEqual(boolArray([true, false]));
      expect((await r.readAttributes('/g'))['one']).toEqual(boolArray([true], []));
    } finally {
      await r.close();
    }
  });
});

describe.skipIf(!hasH5py)('bool attributes beyond what an object header holds', () => {
  it('are written as uint8 with the bool marker, which nwbjs reads back as bool', async () => {
    const path = join(dir, 'dense.h5');
    const w = await openHdf5(path, 'w');
    const attrs = Object.fromEntries(
      Array.from({ length: 9 }, (_, i) => [`a${i}`, ndarray('int32', [], Int32Array.of(i))]),
    );
    await w.createGroup('/g', { ...attrs, flag: boolArray([true], []) });
    await w.close();
    const read = python(`
import h5py, json
with h5py.File(${JSON.stringify(path)}, 'r') as f:
    print(json.dumps([str(f['g'].attrs['flag'].dtype), '_nwbjs_bool_attrs' in f['g'].attrs]))
`);
    expect(read.status, read.output).toBe(0);
    expect(JSON.parse(read.output)).toEqual(['uint8', true]);
    const r = await openHdf5(path, 'r');
    try {
      expect((await r.readAttributes('/g'))['flag']).toEqual(boolArray([true], []));
    } finally {
      await r.close();
    }
  });
});
