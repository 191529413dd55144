/**
 * Reading hdmf-zarr 0.14's Zarr v3 NWB layout. The stores are written by hand from the layout
 * document (test/v3-layout.ts): every v2 fixture rewritten in the v3 layout must read as the v2
 * store does (text kinds aside, which v3 does not keep apart), NWBZarrIO must open it by content,
 * and a small store exercises each rule of the document on its own.
 */
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { NdArray, StorageReader } from '@nwbjs/core';
import { isNWBError, slice } from '@nwbjs/core';
import { toHyperslab, wholeHyperslab } from '@nwbjs/core/backend';
import { NWBZarrIO, openZarr } from '../src/index.js';
import { fixturesDir } from './helpers.js';
import { V3Layout, plainValues, pythonJson, v3StoreFrom } from './v3-layout.js';

const stores = readdirSync(fixturesDir).filter((n) => n.endsWith('.nwb.zarr'));

const textKind = (dtype: unknown) => (dtype === 'ascii' ? 'utf8' : dtype);

async function compareTrees(v2: StorageReader, v3: StorageReader, at: string): Promise<number> {
  const a = await v2.stat(at);
  const b = await v3.stat(at);
  if (a?.kind === 'link') {
    expect(b, at).toEqual(a);
    return 0;
  }
  expect(b?.kind, at).toBe(a?.kind);
  const attrsA = await v2.readAttributes(at);
  const attrsB = await v3.readAttributes(at);
  expect(Object.keys(attrsB).sort(), at).toEqual(Object.keys(attrsA).sort());
  for (const [name, value] of Object.entries(attrsA)) {
    expect(plainValues(attrsB[name]!), `${at} @${name}`).toEqual(plainValues(value));
  }
  if (a?.kind === 'dataset' && b?.kind === 'dataset') {
    expect(b.shape, at).toEqual(a.shape);
    expect(textKind(b.dtype), at).toEqual(textKind(a.dtype));
    const da: NdArray = await v2.readData(at, wholeHyperslab(a.shape));
    const db: NdArray = await v3.readData(at, wholeHyperslab(b.shape));
    expect(db.shape, at).toEqual(da.shape);
    expect(plainValues(db), at).toEqual(plainValues(da));
    return 1;
  }
  let n = 0;
  const names = await v2.list(at);
  expect(await v3.list(at), at).toEqual(names);
  for (const name of names) n += await compareTrees(v2, v3, at === '/' ? `/${name}` : `${at}/${name}`);
  return n;
}

describe('hdmf-zarr 0.14 layout (v3) of every v2 fixture', () => {
  it.each(stores)('%s reads as its v2 original', async (name) => {
    const v2 = await openZarr(path.join(fixturesDir, name));
    for (const consolidate of [true, false]) {
      const v3 = await openZarr(await v3StoreFrom(v2, consolidate));
      expect((v3 as { zarrFormat?: number }).zarrFormat).toBe(3);
      expect(await compareTrees(v2, v3, '/')).toBeGreaterThan(3);
      await v3.close();
    }
    await v2.close();
  });

  it('NWBZarrIO reads a v3 store by content, as it reads the v2 one', async () => {
    const v2Path = path.join(fixturesDir, 'irregular_timestamps.nwb.zarr');
    const v2 = await openZarr(v2Path);
    const map = await v3StoreFrom(v2);
    await v2.close();
    const fromV2 = await new NWBZarrIO(v2Path).read();
    const io = new NWBZarrIO(map);
    const fromV3 = await io.read();
    expect(fromV3.identifier).toBe(fromV2.identifier);
    expect(fromV3.sessionDescription).toBe(fromV2.sessionDescription);
    expect([...fromV3.acquisition].map((o) => o.name)).toEqual([...fromV2.acquisition].map((o) => o.name));
    await io.close();
  });
});

async function handMade(consolidate: boolean): Promise<Map<string, Uint8Array>> {
  const layout = new V3Layout();
  layout.group('/', {
    '.specloc': 'specifications',
    namespace: 'core',
    neurodata_type: 'NWBFile',
    nwb_version: '2.9.0',
    object_id: 'root-id',
    rate: NaN,
    limits: [-Infinity, 1.5, Infinity],
    electrodes_ref: { _REFERENCE: { source: '.', path: '/data/values' } },
    _LINKS: [
      { source: '.', path: '/data/values', name: 'alias' },
      { source: '../other.nwb.zarr', path: '/acquisition/x', name: 'elsewhere' },
    ],
  });
  layout.group('/data', {});
  // Chunks of 4: the middle chunk is all zero, so it is not written and must read as zeros.
  await layout.array('/data/values', 'float64', [12], [4], [1, 2, 3, 4, 0, 0, 0, 0, 9, 10, 11, 12], {
    _DTYPE: 'float64',
    _ARRAY_DIMENSIONS: ['time'],
    unit: 'V',
  });
  await layout.array('/data/start', 'float64', [], [], [0], { _DTYPE: 'float' });
  await layout.array('/data/label', 'string', [], [], ['µV per ünit'], { _DTYPE: 'str' });
  await layout.array('/data/flags', 'bool', [5], [5], [1, 0, 1, 1, 0], { _DTYPE: 'bool' });
  await layout.array(
    '/data/targets',
    'string',
    [2],
    [2],
    ['/data/values', '{"source": ".", "path": "/data/flags"}'],
    {
      _DTYPE: 'object_reference',
    },
  );
  await layout.array('/data/target', 'string', [], [], ['/data/label'], { _DTYPE: 'object_reference' });
  layout.struct(
    '/data/rows',
    {
      compound: [
        { name: 'idx_start', dtype: 'int32' },
        { name: 'count', dtype: 'int32' },
        { name: 'timeseries', dtype: 'ref' },
      ],
    },
    [
      { idx_start: 0, count: 4, timeseries: { path: '/data/values' } },
      { idx_start: 4, count: -1, timeseries: { path: '/data/flags' } },
    ],
    {},
  );
  await layout.array('/specifications_core_namespace', 'string', [], [], ['{"namespaces":[]}'], {
    _DTYPE: 'str',
  });
  return layout.finish(consolidate);
}

describe('the layout rules, one by one', () => {
  it.each([true, false])(
    'consolidated %s: attributes, scalars, links, references, struct',
    async (consolidate) => {
      const reader = await openZarr(await handMade(consolidate));
      const root = await reader.readAttributes('/');
      expect(Number.isNaN((root['rate']!.data as Float64Array)[0])).toBe(true);
      expect(Array.from(root['limits']!.data as Float64Array)).toEqual([-Infinity, 1.5, Infinity]);
      expect(root['electrodes_ref']).toEqual({ dtype: 'ref', shape: [], data: [{ path: '/data/values' }] });
      expect(root['.specloc']?.data).toEqual([{ path: '/specifications' }]);
      expect(Object.keys(root)).not.toContain('_LINKS');
      expect(await reader.list('/')).toEqual(['alias', 'data', 'elsewhere', 'specifications_core_namespace']);
      expect(await reader.stat('/alias')).toEqual({ kind: 'link', path: '/alias', target: '/data/values' });
      expect(await reader.stat('/elsewhere')).toEqual({
        kind: 'link',
        path: '/elsewhere',
        target: '/acquisition/x',
        file: '../other.nwb.zarr',
      });
      const values = await reader.readData('/data/values', wholeHyperslab([12]));
      expect(Array.from(values.data as Float64Array)).toEqual([1, 2, 3, 4, 0, 0, 0, 0, 9, 10, 11, 12]);
      expect(await reader.readAttributes('/data/values')).toEqual({
        unit: { dtype: 'utf8', shape: [], data: ['V'] },
      });
      expect(await reader.stat('/data/values')).toMatchObject({
        dtype: 'float64',
        shape: [12],
        chunks: [4],
        compression: { codec: 'zstd' },
      });
      // A 0-d scalar whose one chunk equals the fill value has no chunk at all.
      expect(await reader.stat('/data/start')).toMatchObject({
        kind: 'dataset',
        dtype: 'float64',
        shape: [],
      });
      expect(await reader.readData('/data/start', wholeHyperslab([]))).toMatchObject({
        shape: [],
        data: new Float64Array([0]),
      });
      expect(await reader.readData('/data/label', wholeHyperslab([]))).toEqual({
        dtype: 'utf8',
        shape: [],
        data: ['µV per ünit'],
      });
      expect(await reader.readData('/data/flags', wholeHyperslab([5]))).toEqual({
        dtype: 'bool',
        shape: [5],
        data: new Uint8Array([1, 0, 1, 1, 0]),
      });
      expect((await reader.readData('/data/targets', wholeHyperslab([2]))).data).toEqual([
        { path: '/data/values' },
        { path: '/data/flags' },
      ]);
      expect(await reader.readData('/data/target', wholeHyperslab([]))).toEqual({
        dtype: 'ref',
        shape: [],
        data: [{ path: '/data/label' }],
      });
      const rows = await reader.readData('/data/rows', wholeHyperslab([2]));
      expect(rows.dtype).toEqual({
        compound: [
          { name: 'idx_start', dtype: 'int32' },
          { name: 'count', dtype: 'int32' },
          { name: 'timeseries', dtype: 'ref' },
        ],
      });
      expect(rows.data).toEqual([
        { idx_start: 0, count: 4, timeseries: { path: '/data/values' } },
        { idx_start: 4, count: -1, timeseries: { path: '/data/flags' } },
      ]);
      expect(await reader.readAttributes('/data/rows')).toEqual({});
      await reader.close();
    },
  );

  it('reads a selection with steps across chunks, one chunk missing', async () => {
    const reader = await openZarr(await handMade(true));
    const got = await reader.readData('/data/values', toHyperslab([12], [slice(1, 10, 2)]));
    expect(Array.from(got.data as Float64Array)).toEqual([2, 4, 0, 0, 10]);
    await reader.close();
  });

  it('reads legacy spellings: structured, _SCALAR shape (1,), zarr_dtype from convert_to_v3', async () => {
    const store = await handMade(true);
    const rootDoc = JSON.parse(
      new TextDecoder().decode(store.get('/zarr.json')!).replace(/\bNaN\b|-?Infinity\b/g, '0'),
    );
    const meta = rootDoc.consolidated_metadata.metadata;
    meta['data/rows'].data_type = {
      name: 'structured',
      configuration: {
        fields: [
          ['idx_start', '<i4'],
          ['count', '<i4'],
          ['timeseries', '<U512'],
        ],
      },
    };
    meta['data/label'].shape = [1];
    meta['data/label'].chunk_grid.configuration.chunk_shape = [1];
    meta['data/label'].attributes = { _SCALAR: true };
    meta['data/targets'].attributes = { zarr_dtype: 'object' };
    store.set('/zarr.json', new TextEncoder().encode(pythonJson(rootDoc)));
    const label = store.get('/data/label/c')!;
    store.delete('/data/label/c');
    store.set('/data/label/c/0', label);
    const reader = await openZarr(store);
    expect((await reader.readData('/data/rows', wholeHyperslab([2]))).data).toEqual([
      { idx_start: 0, count: 4, timeseries: { path: '/data/values' } },
      { idx_start: 4, count: -1, timeseries: { path: '/data/flags' } },
    ]);
    expect(await reader.stat('/data/label')).toMatchObject({ shape: [] });
    expect((await reader.readData('/data/label', wholeHyperslab([]))).data).toEqual(['µV per ünit']);
    expect((await reader.readData('/data/targets', wholeHyperslab([2]))).dtype).toBe('ref');
    expect(await reader.readAttributes('/data/targets')).toEqual({});
    await reader.close();
  });

  it('refuses a reference to a missing object and a root that is an array', async () => {
    const store = await handMade(false);
    const doc = new TextDecoder().decode(store.get('/data/target/zarr.json')!);
    const wrong = await handMade(false);
    wrong.set('/data/target/c', store.get('/data/label/c')!);
    wrong.set('/data/target/zarr.json', new TextEncoder().encode(doc));
    const reader = await openZarr(wrong);
    await expect(reader.readData('/data/target', wholeHyperslab([]))).rejects.toSatisfy(
      (e: unknown) =>
        isNWBError(e, 'InvalidFileError') ||
        isNWBError(e, 'NotFoundError') ||
        isNWBError(e, 'UnsupportedError'),
    );
    const arrayRoot = new Map([
      ['/zarr.json', new TextEncoder().encode(JSON.stringify({ zarr_format: 3, node_type: 'array' }))],
    ]);
    await expect(openZarr(arrayRoot)).rejects.toSatisfy(
      (e: unknown) => isNWBError(e, 'InvalidFileError') && /not a group/.test(e.message),
    );
    await reader.close();
  });
});

describe('a v3 store over HTTP', () => {
  it('opens from the root zarr.json in one round trip and reads only the chunks it needs', async () => {
    const store = await handMade(true);
    const log: string[] = [];
    const server = createServer((req, res) => {
      const key = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      log.push(key);
      const body = store.get(key);
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const reader = await openZarr(base);
      await vi.waitFor(() => expect([...log].sort()).toEqual(['/.zattrs', '/.zmetadata', '/zarr.json']));
      log.length = 0;
      expect(await reader.list('/data')).toContain('values');
      expect(await reader.readAttributes('/data/values')).toHaveProperty('unit');
      expect(log).toEqual([]);
      const got = await reader.readData('/data/values', toHyperslab([12], [slice(8, 12)]));
      expect(Array.from(got.data as Float64Array)).toEqual([9, 10, 11, 12]);
      expect(log).toEqual(['/data/values/c/2']);
      await reader.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
