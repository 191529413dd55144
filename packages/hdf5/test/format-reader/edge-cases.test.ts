/**
 * The format reader against the h5wasm backend on files made to hold what the fixtures lack: from
 * h5py (both file format generations) dense attributes and links, huge attributes, enums, big-endian numbers,
 * committed datatypes, hard-link cycles, vlen text in compressed chunks, region references,
 * bytes that are not UTF-8, fill values, and types nwbjs has no dtype for; from this package's own
 * writer (h5wasm) bools, compounds, references, region references and fixed-length text.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageReader } from '@nwbjs/core';
import { boolArray, compoundArray, ndarray, objectRef, refArray, regionRef, textArray } from '@nwbjs/core';
import { Hdf5FormatReader, openHdf5 } from '../../src/index.js';
import { fileSource } from '../format/file-source.js';
import { tempDir } from '../helpers.js';
import { type Comparison, compareReaders } from './compare-readers.js';

const { dir, cleanup } = tempDir('nwbjs-format-reader-');
afterAll(cleanup);
const hasH5py = spawnSync('/usr/bin/python3', ['-Es', '-c', 'import h5py']).status === 0;

const GENERATE = `
import h5py, numpy as np, sys
for libver, name in ((None, 'earliest.h5'), ('latest', 'latest.h5')):
    kw = {} if libver is None else {'libver': 'latest'}
    with h5py.File(sys.argv[1] + '/' + name, 'w', **kw) as f:
        g = f.create_group('many_attrs')
        for i in range(30):
            g.attrs['a%02d' % i] = np.arange(i + 1, dtype='<i4')
        g.attrs['text'] = 'x' * 5000
        if libver == 'latest':
            g.attrs['huge'] = np.arange(50000, dtype='<i8')
            f.attrs['huge_root'] = np.arange(20000, dtype='<f8')
        links = f.create_group('many_links')
        for i in range(40):
            links.create_dataset('d%02d' % i, data=np.float32(i))
        f.attrs['be_attr'] = np.array([1, -2, 3], dtype='>i4')
        f.attrs['be_float_attr'] = np.array([1.5, -2.25], dtype='>f8')
        f.attrs['empty'] = h5py.Empty('f8')
        f.attrs['bools'] = np.array([True, False, True])
        f.attrs['scalar_bool'] = np.bool_(False)
        color = h5py.enum_dtype({'RED': 0, 'GREEN': 1, 'BLUE': 7}, basetype='i2')
        f.create_dataset('enum', data=np.array([0, 7, 1], dtype='<i2'), dtype=color)
        f.attrs.create('enum_attr', np.array([1, 0], dtype='<i2'), dtype=color)
        f['mytype'] = np.dtype('<i8')
        f.create_dataset('committed', data=np.arange(5, dtype='<i8'), dtype=f['mytype'])
        f.attrs.create('committed_attr', 42, dtype=f['mytype'])
        h = f.create_group('hard')
        f['hard_again'] = h
        h['loop'] = h
        f.attrs['ref_to_hard'] = h.ref
        twice = f.create_group('zz_first')
        f.create_group('aaa')['zz_second_name'] = twice
        f.attrs['ref_to_twice'] = twice.ref
        f.create_dataset('vlen_text', data=['alpha', '', 'gamma\\u00e9' * 40] * 50, dtype=h5py.string_dtype(),
                         chunks=(7,), compression='gzip', shuffle=True)
        f.create_dataset('vlen_ascii', data=[b'ab', b'\\xb5V'], dtype=h5py.string_dtype('ascii'))
        f.attrs.create('non_utf8', [b'\\xb5V', b'ok'], dtype=h5py.string_dtype('ascii'))
        f.create_dataset('fixed', data=np.array([b'ab', b'\\xb5V', b'abcd'], dtype='S4'))
        f.attrs['fixed_scalar'] = np.bytes_(b'hello')
        f['scalar_text'] = 'just one'
        f['scalar_number'] = np.float64(2.5)
        f.create_dataset('be_chunked', data=np.arange(60, dtype='>f4').reshape(6, 10), chunks=(4, 4), compression='gzip')
        f.create_dataset('u64', data=np.array([0, 2**64 - 1, 2**63], dtype='<u8'))
        f.create_dataset('filled', shape=(20, 3), chunks=(5, 3), dtype='<f8', fillvalue=-1.5)
        f['filled'][5:10] = 4
        f.create_dataset('unallocated', shape=(4,), dtype='<i2', fillvalue=3)
        target = f.create_dataset('target', data=np.arange(100, dtype='<i4').reshape(10, 10))
        f.create_dataset('refs', data=[target.ref, g.ref, f.ref], dtype=h5py.ref_dtype)
        f.attrs['ref_attr'] = target.ref
        f.create_dataset('regions', data=[target.regionref[1:3, 2:8], target.regionref[:, 5], target.regionref[...]],
                         dtype=h5py.regionref_dtype)
        row = np.dtype([('name', h5py.string_dtype()), ('value', '<f8'), ('flag', np.bool_), ('ref', h5py.ref_dtype)])
        f.create_dataset('rows', data=np.array([('a', 1.0, True, target.ref), ('b\\u00e9', -2.0, False, g.ref)], dtype=row))
        f.create_dataset('array_type', data=np.zeros((2,), dtype=np.dtype(('<i4', (3,)))))
        f.create_dataset('vlen_ints', data=[np.array([1, 2]), np.array([3])], dtype=h5py.vlen_dtype('<i4'))
        f.create_dataset('half', data=np.array([1, 2], dtype='<f2'))
        f.create_dataset('opaque', data=np.array([b'\\x01\\x02'], dtype='V2'))
        f.create_dataset('lzf', data=np.arange(100, dtype='<i4'), chunks=(10,), compression='lzf')
        f['\\u00fcnicode name'] = np.int8(1)
        f['soft'] = h5py.SoftLink('/target')
        f['dangling'] = h5py.SoftLink('/nowhere')
        f['external'] = h5py.ExternalLink('other.h5', '/x')
`;

/** What the format reader refuses where h5wasm reads, by file: none. */
const EXPECTED_UNSUPPORTED: string[] = [];

async function compareFile(path: string): Promise<Comparison> {
  const expected = await openHdf5(path);
  const { source, size, close } = await fileSource(path);
  const actual: StorageReader = await Hdf5FormatReader.open(source, { size, location: path });
  try {
    return await compareReaders(expected, actual, path);
  } finally {
    await expected.close();
    await actual.close();
    await close();
  }
}

describe.skipIf(!hasH5py)('files h5py writes', () => {
  beforeAll(() => {
    const made = spawnSync('/usr/bin/python3', ['-Es', '-c', GENERATE, dir], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
  });

  for (const name of ['earliest.h5', 'latest.h5']) {
    it(`reads them as h5wasm does: ${name}`, async () => {
      const result = await compareFile(join(dir, name));
      expect(result.paths).toBeGreaterThan(60);
      expect(result.unsupported).toEqual(EXPECTED_UNSUPPORTED);
      // What h5wasm cannot read either: datatypes without a dtype.
      expect(result.bothRefused.sort()).toEqual(['/half: stat', '/opaque: stat', '/vlen_ints: stat'].sort());
    });
  }
});

describe('files this package writes (h5wasm)', () => {
  it('reads them as h5wasm does', async () => {
    const path = join(dir, 'written.h5');
    const w = await openHdf5(path, 'w');
    await w.createGroup('/g', { flag: boolArray([true]), flags: boolArray([true, false]) });
    await w.createDataset(
      '/g/target',
      { dtype: 'float32', shape: [4, 5] },
      {},
      ndarray(
        'float32',
        [4, 5],
        new Float32Array(20).map((_, i) => i),
      ),
    );
    await w.createDataset(
      '/bools',
      { dtype: 'bool', shape: [3] },
      { empty_bool: boolArray([]) },
      boolArray([true, false, true]),
    );
    await w.createDataset(
      '/text',
      { dtype: 'utf8', shape: [3] },
      { unit: textArray(['\udcb5V']) },
      textArray(['a', 'é', '\udcb5V']),
    );
    await w.createDataset(
      '/fixed',
      { dtype: 'ascii', shape: [2] },
      {},
      { ...textArray(['ab', 'c'], 'ascii'), textLength: 4 },
    );
    await w.createDataset(
      '/refs',
      { dtype: 'ref', shape: [2] },
      { self: refArray([objectRef('/g')], true) },
      refArray([objectRef('/g'), objectRef('/g/target')]),
    );
    await w.createDataset(
      '/regions',
      { dtype: 'region', shape: [1] },
      {},
      ndarray(
        'region',
        [1],
        [
          regionRef('/g/target', {
            kind: 'hyperslab',
            start: [1, 0],
            stride: [1, 1],
            count: [2, 5],
            block: [1, 1],
          }),
        ],
      ),
    );
    const row = {
      compound: [
        { name: 'idx', dtype: 'int32' as const },
        { name: 'ts', dtype: 'ref' as const },
      ],
    };
    await w.createDataset(
      '/rows',
      { dtype: row, shape: [1] },
      {},
      compoundArray(row, [{ idx: 3, ts: objectRef('/g') }]),
    );
    await w.createLink('/link', { target: '/g/target' });
    await w.close();
    const result = await compareFile(path);
    expect(result.paths).toBeGreaterThan(8);
    expect(result.unsupported).toEqual([]);
    expect(result.bothRefused).toEqual([]);
  });
});
