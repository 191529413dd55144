/**
 * Writing hdmf-zarr 0.14's Zarr v3 layout: core's storage conformance suite on a v3 writer (a
 * directory and a Map), and the files it writes checked field by field against the layout
 * document (../shared/docs/zarr-v3-lindi.md part A): metadata keys, codecs, attribute spellings,
 * key encoding, consolidated metadata, chunks equal to the fill value left out. zarrita, an
 * implementation of its own, reads the arrays back.
 */
import * as path from 'node:path';
import * as zarr from 'zarrita';
import { afterAll, describe, expect, it } from 'vitest';
import type { StorageWriter } from '@nwbjs/core';
import {
  boolArray,
  datasetNode,
  groupNode,
  writeTree,
  fromTypedArray,
  numericScalar,
  refArray,
  textArray,
  textScalar,
} from '@nwbjs/core';
import { emptyAttributes, wholeHyperslab } from '@nwbjs/core/backend';
import { describeStorageConformance } from '@nwbjs/core/testing';
import { NWBZarrIO, openZarr } from '../src/index.js';
import { tempDir } from './helpers.js';

const temp = await tempDir();
afterAll(() => temp.cleanup());

let n = 0;
const dirTargets = new WeakMap<StorageWriter, string>();
describeStorageConformance('zarr v3 (directory store)', {
  async create() {
    const target = path.join(temp.dir, `store-${n++}.nwb.zarr`);
    const writer = await openZarr(target, 'w-', { zarrFormat: 3 });
    dirTargets.set(writer, target);
    return writer;
  },
  reopen: (writer) => openZarr(dirTargets.get(writer)!, 'r'),
});

const mapTargets = new WeakMap<StorageWriter, Map<string, Uint8Array>>();
describeStorageConformance('zarr v3 (Map store)', {
  async create() {
    const map = new Map<string, Uint8Array>();
    const writer = await openZarr(map, 'w-', { zarrFormat: 3 });
    mapTargets.set(writer, map);
    return writer;
  },
  reopen: (writer) => openZarr(mapTargets.get(writer)!, 'r'),
});

const decoder = new TextDecoder();
/** A stored zarr.json as plain JSON (bare NaN tokens made strings first); keys as a new Map keeps them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON documents, checked field by field
function doc(map: Map<string, Uint8Array>, key: string): Record<string, any> {
  const text = decoder.decode(map.get(key)!);
  return JSON.parse(text.replace(/\bNaN\b/g, '"__NaN__"'));
}

async function sample(): Promise<Map<string, Uint8Array>> {
  const map = new Map<string, Uint8Array>();
  const w = await openZarr(map, 'w-', { zarrFormat: 3 });
  await w.setAttribute('/', 'namespace', textScalar('core'));
  await w.setAttribute('/', 'rate', numericScalar('float64', NaN));
  await w.createGroup('/acquisition');
  await w.createGroup('/specifications');
  await w.setAttribute('/', '.specloc', refArray([{ path: '/specifications' }], true));
  await w.createDataset(
    '/acquisition/values',
    { dtype: 'float64', shape: [8], chunks: [4], compression: { codec: 'zstd' } },
    { unit: textScalar('V') },
    fromTypedArray(new Float64Array([0, 0, 0, 0, 5, 6, 7, 8])),
  );
  await w.createDataset(
    '/acquisition/start',
    { dtype: 'float64', shape: [] },
    {},
    numericScalar('float64', 0),
  );
  await w.createDataset('/acquisition/count', { dtype: 'int32', shape: [] }, {}, numericScalar('int32', 7));
  await w.createDataset(
    '/acquisition/flags',
    { dtype: 'bool', shape: [3] },
    {},
    boolArray([true, false, true]),
  );
  await w.createDataset('/acquisition/names', { dtype: 'utf8', shape: [2] }, {}, textArray(['a', 'µ']));
  await w.createDataset('/acquisition/label', { dtype: 'utf8', shape: [] }, {}, textScalar('hello'));
  await w.createDataset(
    '/acquisition/targets',
    { dtype: 'ref', shape: [2] },
    { target: refArray([{ path: '/acquisition/values' }], true) },
    refArray([{ path: '/acquisition/values' }, { path: '/acquisition/flags' }]),
  );
  const rowType = {
    compound: [
      { name: 'idx_start', dtype: 'int32' as const },
      { name: 'count', dtype: 'int32' as const },
      { name: 'timeseries', dtype: 'ref' as const },
    ],
  };
  await w.createDataset(
    '/acquisition/rows',
    { dtype: rowType, shape: [1] },
    {},
    {
      dtype: rowType,
      shape: [1],
      data: [{ idx_start: 0, count: 4, timeseries: { path: '/acquisition/values' } }],
    },
  );
  await w.createLink('/acquisition/alias', { target: '/acquisition/values' });
  await w.close();
  return map;
}

describe('the written layout, field by field', () => {
  it('root: zarr.json of a group with attributes inside and consolidated metadata inline, sorted', async () => {
    const map = await sample();
    expect(map.has('.zgroup')).toBe(false);
    expect(map.has('.zattrs')).toBe(false);
    expect(map.has('.zmetadata')).toBe(false);
    const root = doc(map, 'zarr.json');
    expect(root.zarr_format).toBe(3);
    expect(root.node_type).toBe('group');
    expect(root.attributes['.specloc']).toBe('specifications');
    expect(root.attributes.rate).toBe('__NaN__'); // a bare NaN token in the file
    expect(decoder.decode(map.get('zarr.json')!)).toMatch(/"rate": NaN/);
    const cm = root.consolidated_metadata;
    expect(cm.kind).toBe('inline');
    expect(cm.must_understand).toBe(false);
    const keys = Object.keys(cm.metadata);
    expect(keys[0]).toBe('acquisition');
    expect(keys).toContain('acquisition/values');
    expect(keys.every((k) => !k.startsWith('/'))).toBe(true);
    const depths = keys.map((k) => k.split('/').length);
    expect([...depths].sort((a, b) => a - b)).toEqual(depths);
    expect(cm.metadata.acquisition.consolidated_metadata).toEqual({
      kind: 'inline',
      must_understand: false,
      metadata: {},
    });
    expect(cm.metadata['acquisition/values']).toEqual(doc(map, 'acquisition/values/zarr.json'));
    // Sub-groups on disk carry no consolidated metadata.
    expect(doc(map, 'acquisition/zarr.json').consolidated_metadata).toBeUndefined();
  });

  it('numbers: bytes little-endian + zstd, typed fill, _DTYPE, c/i keys, fill chunks left out', async () => {
    const map = await sample();
    const values = doc(map, 'acquisition/values/zarr.json');
    expect(values).toMatchObject({
      shape: [8],
      data_type: 'float64',
      chunk_grid: { name: 'regular', configuration: { chunk_shape: [4] } },
      chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
      fill_value: 0,
      zarr_format: 3,
      node_type: 'array',
      storage_transformers: [],
    });
    expect(values.codecs[0]).toEqual({ name: 'bytes', configuration: { endian: 'little' } });
    expect(values.codecs[1].name).toBe('zstd');
    expect(values.codecs[1].configuration.checksum).toBe(false);
    expect(values.attributes).toEqual({ _DTYPE: 'float64', unit: 'V' });
    expect(values.dimension_names).toBeUndefined();
    expect(map.has('acquisition/values/c/0')).toBe(false); // all zero = the fill value
    expect(map.has('acquisition/values/c/1')).toBe(true);
    const start = doc(map, 'acquisition/start/zarr.json');
    expect(start).toMatchObject({ shape: [], chunk_grid: { configuration: { chunk_shape: [] } } });
    expect(map.has('acquisition/start/c')).toBe(false); // a 0-d 0.0 has no chunk at all
    expect(map.has('acquisition/count/c')).toBe(true);
    expect(doc(map, 'acquisition/count/zarr.json').attributes._DTYPE).toBe('int32');
    const flags = doc(map, 'acquisition/flags/zarr.json');
    expect(flags).toMatchObject({ data_type: 'bool', fill_value: false, attributes: { _DTYPE: 'bool' } });
    expect(flags.codecs).toEqual([{ name: 'bytes' }]);
  });

  it('text and references: string + vlen-utf8 + zstd, paths with _DTYPE object_reference, _REFERENCE attributes', async () => {
    const map = await sample();
    const names = doc(map, 'acquisition/names/zarr.json');
    expect(names).toMatchObject({ data_type: 'string', fill_value: '', attributes: { _DTYPE: 'str' } });
    expect(names.codecs[0]).toEqual({ name: 'vlen-utf8', configuration: {} });
    expect(names.codecs[1]).toEqual({ name: 'zstd', configuration: { level: 0, checksum: false } });
    const targets = doc(map, 'acquisition/targets/zarr.json');
    expect(targets.data_type).toBe('string');
    expect(targets.attributes._DTYPE).toBe('object_reference');
    expect(targets.attributes.target).toEqual({ _REFERENCE: { source: '.', path: '/acquisition/values' } });
    expect(Object.keys(targets.attributes.target._REFERENCE)).toEqual(['source', 'path']);
    // zarrita reads what was written: the elements are the target paths.
    const store = new Map([...map].map(([k, v]) => [`/${k}`, v]));
    store.set(
      '/zarr.json',
      new TextEncoder().encode(decoder.decode(map.get('zarr.json')!).replace(/\bNaN\b/g, 'null')),
    );
    const arr = await zarr.open.v3(zarr.root(store).resolve('/acquisition/targets'), { kind: 'array' });
    expect(Array.from((await zarr.get(arr)).data as string[])).toEqual([
      '/acquisition/values',
      '/acquisition/flags',
    ]);
    const label = await zarr.open.v3(zarr.root(store).resolve('/acquisition/label'), { kind: 'array' });
    expect(await zarr.get(label)).toBe('hello');
    const values = await zarr.open.v3(zarr.root(store).resolve('/acquisition/values'), { kind: 'array' });
    expect(Array.from((await zarr.get(values)).data as Float64Array)).toEqual([0, 0, 0, 0, 5, 6, 7, 8]);
  });

  it('compounds: struct with fixed_length_utf32 (512 characters) and _REFERENCE_FIELDS; links in _LINKS', async () => {
    const map = await sample();
    const rows = doc(map, 'acquisition/rows/zarr.json');
    expect(rows.data_type).toEqual({
      name: 'struct',
      configuration: {
        fields: [
          { name: 'idx_start', data_type: 'int32' },
          { name: 'count', data_type: 'int32' },
          {
            name: 'timeseries',
            data_type: { name: 'fixed_length_utf32', configuration: { length_bytes: 2048 } },
          },
        ],
      },
    });
    expect(rows.attributes).toEqual({ _REFERENCE_FIELDS: ['timeseries'] });
    expect(rows.fill_value).toEqual({ idx_start: 0, count: 0, timeseries: '' });
    expect(rows.codecs[0]).toEqual({ name: 'bytes', configuration: { endian: 'little' } });
    expect(doc(map, 'acquisition/zarr.json').attributes._LINKS).toEqual([
      { source: '.', path: '/acquisition/values', name: 'alias' },
    ]);
    const reader = await openZarr(map);
    expect((await reader.readData('/acquisition/rows', wholeHyperslab([1]))).data).toEqual([
      { idx_start: 0, count: 4, timeseries: { path: '/acquisition/values' } },
    ]);
    await reader.close();
  });

  it('warns, naming the dataset, that ASCII text is UTF-8 text to other readers, and keeps it for nwbjs', async () => {
    const map = new Map<string, Uint8Array>();
    const writer = await openZarr(map, 'w-', { zarrFormat: 3 });
    const tree = groupNode(emptyAttributes(), [['codes', datasetNode(textArray(['AB', 'C'], 'ascii'))]]);
    const result = await writeTree(writer, tree);
    await writer.close();
    expect(result.warnings).toEqual([expect.objectContaining({ path: '/codes', code: 'text-kind-lost' })]);
    expect(doc(map, 'codes/zarr.json')).toMatchObject({
      data_type: 'string',
      nwbjs: { must_understand: false, dtype: 'ascii' },
    });
    const reader = await openZarr(map);
    expect(await reader.readData('/codes', wholeHyperslab([2]))).toMatchObject({
      dtype: 'ascii',
      data: ['AB', 'C'],
    });
    await reader.close();
  });

  it('NWBZarrIO writes v3 with zarrFormat 3 and hdmf-zarr 0.14 default codecs, and reads it back', async () => {
    const v2 = new NWBZarrIO(
      path.join(path.resolve(__dirname, '../../../fixtures'), 'irregular_timestamps.nwb.zarr'),
    );
    const file = await v2.read();
    const target = path.join(temp.dir, 'written-v3.nwb.zarr');
    const io = new NWBZarrIO(target, 'w', { zarrFormat: 3 });
    await io.write(file);
    await io.close();
    await v2.close();
    const back = new NWBZarrIO(target);
    const read = await back.read();
    expect(read.identifier).toBe(file.identifier);
    const reader = await back.backend();
    expect((reader as { zarrFormat?: number }).zarrFormat).toBe(3);
    await back.close();
  });
});
