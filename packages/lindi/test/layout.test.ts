/**
 * The reference file's text checked field by field against LINDI's layout (docs/zarr-v3-lindi.md
 * B.1-B.2), its chunk references against h5py's own chunk index, and zarr-python 2 (through fsspec's
 * ReferenceFileSystem) reading every array and attribute the same as h5py does.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lindiFromHdf5, stringifyLindi, writeLindi } from '../src/index.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const PYTHON = '/usr/bin/python3';
const hasPython = (modules: string): boolean => {
  try {
    execFileSync(PYTHON, ['-Es', '-c', `import ${modules}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const requirePython = process.env['CI'] !== undefined;
const withH5py = hasPython('h5py, numpy');
const withZarr = hasPython('h5py, zarr, fsspec, numcodecs, jinja2');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nwbjs-lindi-layout-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Refs = Record<string, unknown>;

describe('the reference file of compressed_imageseries.nwb', () => {
  const source = join(FIXTURES, 'compressed_imageseries.nwb');

  it('is json.dump(indent=2, sort_keys=True) text, byte for byte as Python writes it', async () => {
    const target = join(dir, 'sorted.lindi.json');
    await writeLindi(source, target);
    const text = await readFile(target, 'utf8');
    if (!withH5py) return;
    const python = execFileSync(
      PYTHON,
      [
        '-Es',
        '-c',
        'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), indent=2, sort_keys=True), end="")',
        target,
      ],
      { encoding: 'utf8' },
    );
    expect(text).toBe(python);
  });

  it('has LINDI top-level keys, version 1, and the file as the {{u1}} template', async () => {
    const json = await lindiFromHdf5(source);
    expect(Object.keys(json).sort()).toEqual(['refs', 'templates', 'version']);
    expect(json.version).toBe(1);
    expect(json.templates).toEqual({ u1: source });
  });

  it('spells groups, arrays, scalars, references and chunk refs as LINDI does', async () => {
    const json = await lindiFromHdf5(source);
    const refs = json.refs as Refs;
    const size = (await stat(source)).size;
    for (const [key, value] of Object.entries(refs)) {
      expect(key.startsWith('/'), key).toBe(false);
      if (key.endsWith('.zgroup')) expect(value, key).toEqual({ zarr_format: 2 });
      if (key.endsWith('.zattrs')) expect(Object.keys(value as object).length, key).toBeGreaterThan(0);
      if (key.endsWith('.zarray')) {
        expect(Object.keys(value as object).sort(), key).toEqual(
          expect.arrayContaining([
            'chunks',
            'compressor',
            'dtype',
            'fill_value',
            'filters',
            'order',
            'shape',
            'zarr_format',
          ]),
        );
        expect((value as { order: string }).order).toBe('C');
        expect((value as { zarr_format: number }).zarr_format).toBe(2);
      }
      if (Array.isArray(value)) {
        expect(value).toHaveLength(3);
        expect(value[0]).toBe('{{u1}}');
        expect(value[1] + value[2]).toBeLessThanOrEqual(size);
      }
    }
    // The root: NWBFile attributes, .specloc as a LINDI reference.
    expect(refs['.zattrs']).toMatchObject({
      neurodata_type: 'NWBFile',
      '.specloc': { _REFERENCE: { path: '/specifications', source: '.', object_id: null } },
    });
    // A chunked, deflated dataset keeps HDF5's chunks and its filter, with one ref per chunk.
    expect(refs['acquisition/CompressedSeries/data/.zarray']).toEqual({
      chunks: [8, 24, 20],
      compressor: null,
      dtype: '<u2',
      fill_value: 0,
      filters: [{ id: 'zlib', level: 4 }],
      order: 'C',
      shape: [64, 48, 40],
      zarr_format: 2,
    });
    const chunkKeys = Object.keys(refs).filter((k) => /^acquisition\/CompressedSeries\/data\/\d/.test(k));
    expect(chunkKeys).toHaveLength(8 * 2 * 2);
    // Scalars: shape [1] and _SCALAR; text as numpy's fixed UTF-32.
    expect(refs['session_description/.zattrs']).toEqual({ _SCALAR: true });
    expect(refs['session_description/.zarray']).toMatchObject({ shape: [1], chunks: [1] });
    expect((refs['session_description/.zarray'] as { dtype: string }).dtype).toMatch(/^<U\d+$/);
    expect(refs['session_description/0']).toMatch(/^base64:/);
    // The cached specifications are scalar text too.
    const spec = Object.keys(refs).find((k) => /^specifications\/core\/[^/]+\/namespace\/\.zarray$/.test(k));
    expect(spec).toBeDefined();
  });

  it('writes the same text every time', async () => {
    expect(stringifyLindi(await lindiFromHdf5(source))).toBe(stringifyLindi(await lindiFromHdf5(source)));
  });
});

describe.runIf(withH5py || requirePython)('chunk references against h5py', () => {
  for (const name of ['compressed_imageseries.nwb', 'tutorial_images.nwb', 'irregular_timestamps.nwb']) {
    it(`${name}: every chunk ref is h5py's chunk (offset, size), keyed by its grid index`, async () => {
      const source = join(FIXTURES, name);
      const refs = (await lindiFromHdf5(source, { templateUses: Infinity })).refs as Refs;
      const script = `
import h5py, json, sys
out = {}
def visit(name, obj):
    if isinstance(obj, h5py.Dataset) and obj.chunks is not None and obj.size >= 1000 and obj.dtype.kind in 'iufb':
        for i in range(obj.id.get_num_chunks()):
            info = obj.id.get_chunk_info(i)
            key = name + '/' + '.'.join(str(o // c) for o, c in zip(info.chunk_offset, obj.chunks))
            out[key] = [info.byte_offset, info.size]
h5py.File(sys.argv[1], 'r').visititems(visit)
print(json.dumps(out))`;
      const expected = JSON.parse(
        execFileSync(PYTHON, ['-Es', '-c', script, source], { encoding: 'utf8' }),
      ) as Record<string, [number, number]>;
      const arrays = new Set(Object.keys(expected).map((k) => k.slice(0, k.lastIndexOf('/'))));
      const got: Record<string, [number, number]> = {};
      for (const [key, value] of Object.entries(refs)) {
        if (Array.isArray(value) && arrays.has(key.slice(0, key.lastIndexOf('/'))))
          got[key] = [value[1] as number, value[2] as number];
      }
      expect(got).toEqual(expected);
    });
  }
});

describe.runIf(withZarr || requirePython)('zarr-python 2 through fsspec reads what h5py reads', () => {
  const files = [
    'compressed_imageseries.nwb',
    'tutorial_images.nwb',
    'indexseries_images.nwb',
    'irregular_timestamps.nwb',
    'static_images.nwb',
  ];
  for (const name of files) {
    it(name, async () => {
      const source = join(FIXTURES, name);
      const target = join(dir, `${name}.lindi.json`);
      await writeLindi(source, target);
      const report = JSON.parse(
        execFileSync(
          PYTHON,
          ['-Es', fileURLToPath(new URL('./zarr-python-reads.py', import.meta.url)), target, source],
          {
            encoding: 'utf8',
          },
        ),
      ) as { arrays: number; attributes: number; mismatches: string[] };
      expect(report.mismatches).toEqual([]);
      expect(report.arrays).toBeGreaterThan(10);
    });
  }
});
