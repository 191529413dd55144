/**
 * zarr-python 2.13 (Debian's, as nwb-validate uses) opens what this package writes: the `nwbjs`
 * member of `.zarray` / `.zgroup` is ignored, consolidated metadata works, and Blosc chunks coded
 * on the worker pool decode to the same values.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ndarray, numericScalar, textScalar } from '@nwbjs/core';
import { openZarr } from '../src/index.js';
import { tempDir } from './helpers.js';

const run = promisify(execFile);
const temp = await tempDir();
afterAll(() => temp.cleanup());

const PYTHON = `
import json, sys, zarr
store = sys.argv[1]
for g in (zarr.open(store, mode='r'), zarr.open_consolidated(store, mode='r')):
    d = g['acquisition/movie/data']
    print(json.dumps({'shape': list(d.shape), 'sum': int(d[:].astype('int64').sum()), 'frame3': int(d[3].astype('int64').sum()),
                      'compressor': d.compressor.get_config(), 'attrs': dict(g['acquisition/movie'].attrs)}))
`;

describe('zarr-python reads what this package writes', () => {
  it('ignores the nwbjs extension and decodes pooled Blosc chunks', async () => {
    const store = path.join(temp.dir, 'movie.nwb.zarr');
    const shape = [6, 300, 300];
    const values = Uint16Array.from({ length: 6 * 300 * 300 }, (_, i) => (i * 7) % 1000);
    const w = await openZarr(store, 'w-');
    await w.createGroup('/acquisition');
    await w.createGroup('/acquisition/movie', {
      count: numericScalar('int32', 3),
      label: textScalar('m', 'ascii'),
    });
    await w.createDataset(
      '/acquisition/movie/data',
      {
        dtype: 'uint16',
        shape,
        chunks: [1, 300, 300],
        maxShape: [null, 300, 300],
        compression: { codec: 'blosc', cname: 'lz4', level: 5, shuffle: true },
      },
      { conversion: numericScalar('float32', 1.5) },
      ndarray('uint16', shape, values),
    );
    await w.close();

    const { stdout } = await run('/usr/bin/python3', ['-Es', '-c', PYTHON, store]);
    const expected = values.reduce((a, b) => a + b, 0);
    const frame3 = values.subarray(3 * 90000, 4 * 90000).reduce((a, b) => a + b, 0);
    for (const line of stdout.trim().split('\n')) {
      expect(JSON.parse(line)).toEqual({
        shape,
        sum: expected,
        frame3,
        compressor: { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 },
        attrs: { count: 3, label: 'm' },
      });
    }
    // This package reads the dtypes the extension records.
    const r = await openZarr(store);
    expect((await r.readAttributes('/acquisition/movie'))['count']?.dtype).toBe('int32');
    expect(await r.stat('/acquisition/movie/data')).toMatchObject({ maxShape: [null, 300, 300] });
    await r.close();
  });
});
