/**
 * What the writer puts on disk, checked with tools that share no code with it: h5dump (HDF5's own
 * tool) for the storage layout, nwb-validate (h5py + hdmf) for what PyNWB's stack reads back.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ndarray,
  numericScalar,
  objectRef,
  readTree,
  refArray,
  textArray,
  textScalar,
  writeTree,
} from '@nwbjs/core';
import { openHdf5 } from '../src/index.js';
import { FIXTURES, REPO_ROOT, nwbValidate, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function h5dump(...args: string[]): string {
  const result = spawnSync('h5dump', args, { encoding: 'utf8' });
  if (result.error !== undefined) throw result.error;
  return result.stdout;
}
const hasH5dump = spawnSync('h5dump', ['--version']).status === 0;

interface DumpEntry {
  kind: string;
  dtype?: string;
  shape?: number[];
  value?: unknown;
  values?: unknown[];
  sha256?: string;
  link?: string;
  external_link?: { file: string; path: string };
  attributes?: Record<string, { dtype: string; value: unknown }>;
}
function dump(path: string): Record<string, DumpEntry> {
  const { status, output } = nwbValidate('dump', path, '--no-specs');
  expect(status, output).toBe(0);
  return (JSON.parse(output) as { objects: Record<string, DumpEntry> }).objects;
}

/** Writes a small file with every kind of value at the storage level. */
async function writeEdgeCases(path: string): Promise<void> {
  const w = await openHdf5(path, 'w');
  await w.setAttribute('/', 'nwb_version', textScalar('2.7.0'));
  await w.createGroup('/scratch');
  await w.createGroup('/scratch/g', {
    f32: numericScalar('float32', 0.1),
    f64: numericScalar('float64', 0.1),
  });
  await w.createDataset(
    '/scratch/empty',
    { dtype: 'uint8', shape: [0, 0, 0] },
    {},
    ndarray('uint8', [0, 0, 0], new Uint8Array(0)),
  );
  await w.createDataset(
    '/scratch/i64',
    { dtype: 'int64', shape: [3] },
    {},
    ndarray('int64', [3], BigInt64Array.of(-(2n ** 62n), 0n, 2n ** 62n)),
  );
  await w.createDataset(
    '/scratch/u64',
    { dtype: 'uint64', shape: [2] },
    {},
    ndarray('uint64', [2], BigUint64Array.of(0n, 2n ** 64n - 1n)),
  );
  await w.createDataset(
    '/scratch/f32',
    { dtype: 'float32', shape: [2] },
    {},
    ndarray('float32', [2], Float32Array.of(1.5, -2)),
  );
  await w.createDataset(
    '/scratch/scalar',
    { dtype: 'float64', shape: [] },
    {},
    numericScalar('float64', 2.5),
  );
  await w.createDataset('/scratch/unicode', { dtype: 'utf8', shape: [] }, {}, textScalar('Grüße, 東京 🧠'));
  await w.createDataset(
    '/scratch/ascii',
    { dtype: 'ascii', shape: [1] },
    {},
    textArray(['2024-01-01T12:00:00+00:00'], 'ascii'),
  );
  await w.createDataset(
    '/scratch/chunked',
    {
      dtype: 'uint16',
      shape: [10, 4],
      chunks: [5, 4],
      maxShape: [null, 4],
      compression: { codec: 'gzip', level: 6 },
    },
    {},
    ndarray(
      'uint16',
      [10, 4],
      Uint16Array.from({ length: 40 }, (_, i) => i),
    ),
  );
  await w.createLink('/scratch/soft', { target: '/scratch/f32' });
  await w.createLink('/scratch/external', { target: '/acquisition/movie', file: 'other.nwb' });
  await w.createDataset(
    '/scratch/refs',
    { dtype: 'ref', shape: [2] },
    {},
    refArray([objectRef('/scratch/g'), objectRef('/scratch/f32')]),
  );
  await w.setAttribute('/scratch/g', 'target', refArray([objectRef('/scratch/scalar')], true));
  await w.close();
}

describe('written layout', () => {
  const file = join(dir, 'edge.nwb');

  it('is read by h5py/hdmf (nwb-validate dump) as written', async () => {
    await writeEdgeCases(file);
    const objects = dump(file);
    expect(objects['/scratch/empty']).toMatchObject({ dtype: 'uint8', shape: [0, 0, 0] });
    expect(objects['/scratch/i64']).toMatchObject({ dtype: 'int64', values: [-(2 ** 62), 0, 2 ** 62] });
    expect(objects['/scratch/u64']).toMatchObject({ dtype: 'uint64', shape: [2] });
    expect(objects['/scratch/f32']).toMatchObject({ dtype: 'float32', values: [1.5, -2] });
    expect(objects['/scratch/scalar']).toMatchObject({ dtype: 'float64', shape: [], value: 2.5 });
    expect(objects['/scratch/unicode']).toMatchObject({ dtype: 'utf8', shape: [], value: 'Grüße, 東京 🧠' });
    expect(objects['/scratch/ascii']).toMatchObject({
      dtype: 'ascii',
      values: ['2024-01-01T12:00:00+00:00'],
    });
    expect(objects['/scratch/chunked']).toMatchObject({ dtype: 'uint16', shape: [10, 4] });
    expect(objects['/scratch/soft']).toEqual({ kind: 'link', link: '/scratch/f32' });
    expect(objects['/scratch/external']).toEqual({
      kind: 'link',
      external_link: { file: 'other.nwb', path: '/acquisition/movie' },
    });
    expect(objects['/scratch/refs']).toMatchObject({
      dtype: 'ref',
      values: [{ ref: '/scratch/g' }, { ref: '/scratch/f32' }],
    });
    expect(objects['/scratch/g']?.attributes?.['target']).toEqual({
      dtype: 'ref',
      value: { ref: '/scratch/scalar' },
    });
  });

  it.skipIf(!hasH5dump)(
    'uses scalar dataspaces, vlen UTF-8/ASCII, float32 attributes, object references, gzip',
    () => {
      const header = h5dump('-H', '-p', file);
      const block = (name: string) => {
        const at = header.indexOf(name);
        expect(at, name).toBeGreaterThanOrEqual(0);
        return header.slice(at, at + 700);
      };
      expect(block('DATASET "scalar"')).toContain('DATASPACE  SCALAR');
      expect(block('DATASET "unicode"')).toMatch(
        /STRSIZE H5T_VARIABLE;[\s\S]*CSET H5T_CSET_UTF8;[\s\S]*SCALAR/,
      );
      expect(block('DATASET "ascii"')).toMatch(/STRSIZE H5T_VARIABLE;[\s\S]*CSET H5T_CSET_ASCII;/);
      expect(block('ATTRIBUTE "f32"')).toContain('H5T_IEEE_F32LE');
      expect(block('ATTRIBUTE "f64"')).toContain('H5T_IEEE_F64LE');
      expect(block('ATTRIBUTE "target"')).toContain('H5T_STD_REF_OBJECT');
      expect(block('DATASET "refs"')).toContain('H5T_STD_REF_OBJECT');
      expect(block('DATASET "f32"')).toContain('CONTIGUOUS');
      const chunked = block('DATASET "chunked"');
      expect(chunked).toContain('CHUNKED ( 5, 4 )');
      expect(chunked).toContain('DEFLATE { LEVEL 6 }');
      expect(chunked).toContain('( 10, 4 ) / ( H5S_UNLIMITED, 4 )');
      expect(block('SOFTLINK "soft"')).toContain('/scratch/f32');
      expect(block('EXTERNAL_LINK "external"')).toContain('other.nwb');
    },
  );

  it('reads back the same values and layout', async () => {
    const r = await openHdf5(file, 'r');
    try {
      expect(await r.stat('/scratch/chunked')).toMatchObject({
        chunks: [5, 4],
        maxShape: [null, 4],
        compression: { codec: 'gzip', level: 6 },
      });
      expect(await r.stat('/scratch/f32')).toEqual({
        kind: 'dataset',
        path: '/scratch/f32',
        dtype: 'float32',
        shape: [2],
      });
      const attrs = await r.readAttributes('/scratch/g');
      expect(attrs['f32']?.dtype).toBe('float32');
      expect(attrs['target']).toEqual({ dtype: 'ref', shape: [], data: [{ path: '/scratch/scalar' }] });
    } finally {
      await r.close();
    }
  });
});

describe('NWB files without a cached specification', () => {
  it('a copy of a fixture without /specifications validates against the schema and matches it', async () => {
    const source = join(FIXTURES, 'indexseries_images.nwb');
    const copy = join(dir, 'no-spec.nwb');
    const reader = await openHdf5(source, 'r');
    try {
      const tree = await readTree(reader);
      tree.children.delete('specifications');
      delete tree.attrs['.specloc'];
      const writer = await openHdf5(copy, 'w');
      await writeTree(writer, tree);
      await writer.close();
    } finally {
      await reader.close();
    }
    const check = nwbValidate('check', copy, '--schema', join(REPO_ROOT, '../shared/nwb-schema'));
    expect(check.status, check.output).toBe(0);
    const diff = nwbValidate('diff', '--ignore-ids', '--no-specs', source, copy);
    expect(diff.output.trim()).toBe('no differences');
    const again = await openHdf5(copy, 'r');
    try {
      expect(await again.stat('/specifications')).toBeUndefined();
      expect((await again.readAttributes('/'))['.specloc']).toBeUndefined();
    } finally {
      await again.close();
    }
  });
});
