/**
 * zarr-python 2.13 (Debian's, as nwb-validate uses) opens what this package writes: the `nwbjs`
 * member of `.zarray` / `.zgroup` is ignored, consolidated metadata works, and Blosc chunks coded
 * on the worker pool decode to the same values.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ndarray, numericScalar, textArray, textScalar } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
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

  it('reads non-ASCII text in attributes and datasets: the metadata files are ASCII JSON, as zarr-python writes them', async () => {
    const store = path.join(temp.dir, 'text.nwb.zarr');
    const w = await openZarr(store, 'w-');
    await w.createGroup('/general', {
      experimenter: textArray(['Müller', 'Ødegård']),
      note: textScalar('20 °C'),
    });
    await w.createDataset(
      '/general/unit',
      { dtype: 'utf8', shape: [] },
      { unit: textScalar('µV'), emoji: textScalar('\u{1F9E0}') },
      textScalar('µV'),
    );
    await w.close();
    for (const key of ['.zmetadata', 'general/.zattrs', 'general/unit/.zattrs']) {
      const bytes = await readFile(path.join(store, key));
      expect(
        bytes.every((b) => b < 0x80),
        key,
      ).toBe(true);
    }
    const script = `
import json, sys, zarr
for g in (zarr.open(sys.argv[1], mode='r'), zarr.open_consolidated(sys.argv[1], mode='r')):
    print(json.dumps([dict(g['general'].attrs), dict(g['general/unit'].attrs), g['general/unit'][0]]))
`;
    const { stdout } = await run('/usr/bin/python3', ['-Es', '-c', script, store]);
    for (const line of stdout.trim().split('\n')) {
      expect(JSON.parse(line)).toEqual([
        { experimenter: ['Müller', 'Ødegård'], note: '20 °C' },
        { unit: 'µV', emoji: '\u{1F9E0}', zarr_dtype: 'scalar' },
        'µV',
      ]);
    }
    const r = await openZarr(store);
    expect((await r.readAttributes('/general'))['experimenter']?.data).toEqual(['Müller', 'Ødegård']);
    expect((await r.readAttributes('/general/unit'))['emoji']?.data).toEqual(['\u{1F9E0}']);
    await r.close();
  });

  it('reads fixed-length ASCII text as str (numpy.str_, as PyNWB requires), and this package reads it back as fixed-length ASCII', async () => {
    const store = path.join(temp.dir, 'ascii.nwb.zarr');
    const w = await openZarr(store, 'w-');
    const fixed = (data: string[], shape: number[], textLength: number) =>
      ({ dtype: 'ascii', shape, data, textLength }) as const;
    // As AqNWB and MatNWB write them: fixed-length ASCII scalars and a fixed-length ASCII array.
    await w.createDataset(
      '/session_description',
      { dtype: 'ascii', shape: [] },
      {},
      fixed(['a test'], [], 16),
    );
    await w.createDataset('/identifier', { dtype: 'ascii', shape: [1] }, {}, fixed(['mouse4'], [1], 13));
    // A byte that is no text (MatNWB's `b'\xb5V'`) is kept as bytes (numpy `S`).
    await w.createDataset('/unit', { dtype: 'ascii', shape: [] }, {}, fixed(['\udcb5V'], [], 2));
    await w.close();
    const script = `
import json, sys, zarr
g = zarr.open_consolidated(sys.argv[1], mode='r')
out = {}
for name in ('session_description', 'identifier', 'unit'):
    v = g[name][0]
    out[name] = [g[name].dtype.str, type(v).__name__, isinstance(v, str), v if isinstance(v, str) else list(v)]
print(json.dumps(out))
`;
    const { stdout } = await run('/usr/bin/python3', ['-Es', '-c', script, store]);
    expect(JSON.parse(stdout)).toEqual({
      session_description: ['<U16', 'str_', true, 'a test'],
      identifier: ['<U13', 'str_', true, 'mouse4'],
      unit: ['|S2', 'bytes_', false, [0xb5, 0x56]],
    });
    const r = await openZarr(store);
    for (const [name, shape, text, length] of [
      ['/session_description', [], 'a test', 16],
      ['/identifier', [1], 'mouse4', 13],
      ['/unit', [], '\udcb5V', 2],
    ] as const) {
      expect(await r.stat(name)).toMatchObject({ dtype: 'ascii', shape });
      const read = await r.readData(name, wholeHyperslab(shape));
      expect(read).toMatchObject({ dtype: 'ascii', data: [text], textLength: length });
    }
    await r.close();
  });
});
