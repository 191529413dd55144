/**
 * zarrita's own Zarr v3 fixture store (../shared/fixtures/zarr-v3), read through the storage
 * interface and compared element by element with what zarrita itself returns for each array:
 * vlen-utf8 + zstd text, bool, big-endian, transposed, gzip, blosc, delta, sharded and ragged arrays,
 * a consolidated root and a group name with spaces.
 */
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { FileSystemStore } from '@zarrita/storage';
import * as zarr from 'zarrita';
import { describe, expect, it } from 'vitest';
import { wholeHyperslab } from '@nwbjs/core/backend';
import { openZarr } from '../src/index.js';
import { repoRoot } from './helpers.js';

const store = path.resolve(repoRoot, '../shared/fixtures/zarr-v3/zarrita-data.zarr');

/** Every array of the store (relative paths), from the zarr.json files on disk. */
async function arraysUnder(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const child = path.join(dir, entry.name);
    const name = rel === '' ? entry.name : `${rel}/${entry.name}`;
    const meta = await readFile(path.join(child, 'zarr.json'), 'utf8').catch(() => undefined);
    if (meta === undefined) continue;
    if (JSON.parse(meta).node_type === 'array') out.push(name);
    else out.push(...(await arraysUnder(child, name)));
  }
  return out;
}

/** zarrita's values of a whole array, in C order, as plain JS values. */
async function zarritaValues(rel: string): Promise<{ shape: number[]; values: unknown[] }> {
  const array = await zarr.open.v3(zarr.root(new FileSystemStore(store)).resolve(rel), { kind: 'array' });
  const chunk = await zarr.get(
    array,
    array.shape.map(() => null),
  );
  const { data, shape, stride } = chunk as zarr.Chunk<zarr.DataType>;
  const source = data as unknown as { get?(i: number): unknown; [i: number]: unknown };
  const at = (i: number) => (typeof source.get === 'function' ? source.get(i) : source[i]);
  const n = shape.reduce((a, b) => a * b, 1);
  const values: unknown[] = [];
  const idx = shape.map(() => 0);
  for (let k = 0; k < n; k++) {
    values.push(at(idx.reduce((o, v, a) => o + v * stride[a]!, 0)));
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a]! < shape[a]!) break;
      idx[a] = 0;
    }
  }
  return { shape, values };
}

describe("zarrita's v3 fixture store", async () => {
  const arrays = await arraysUnder(store);

  it('finds the fixture arrays', () => {
    expect(arrays.length).toBeGreaterThan(35);
    expect(arrays).toContain('1d.chunked.string.vlen');
    expect(arrays).toContain('consolidated/nested/1d.i2');
  });

  // zarrita reads float16 only where the platform has Float16Array (Node 20 has none).
  const zarritaReads = arrays.filter((rel) => !rel.includes('.f2.'));

  it.each(zarritaReads)('%s reads as zarrita reads it', async (rel) => {
    const expected = await zarritaValues(rel);
    const reader = await openZarr(store);
    const at = `/${rel}`;
    const info = await reader.stat(at);
    expect(info).toMatchObject({ kind: 'dataset', shape: expected.shape });
    const read = await reader.readData(at, wholeHyperslab(expected.shape));
    expect(read.shape).toEqual(expected.shape);
    const got = Array.from(read.data as ArrayLike<unknown>);
    const want = expected.values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
    expect(got).toEqual(want);
    await reader.close();
  });

  it('float16 reads as float32, value by value as the float32 twin of the array', async () => {
    const reader = await openZarr(store);
    const f2 = await reader.readData('/1d.contiguous.f2.le', wholeHyperslab([4]));
    const f4 = await zarritaValues('1d.contiguous.f4.le');
    expect(f2.dtype).toBe('float32');
    expect(Array.from(f2.data as Float32Array)).toEqual(f4.values);
    await reader.close();
  });

  it('lists groups, including a name with spaces, and reads group attributes', async () => {
    const reader = await openZarr(store);
    const names = await reader.list('/');
    expect(names).toContain('my group with spaces');
    expect(names).toContain('consolidated');
    expect(await reader.stat('/my group with spaces')).toEqual({
      kind: 'group',
      path: '/my group with spaces',
    });
    const attrs = await reader.readAttributes('/consolidated');
    expect(Array.from(attrs['answer']!.data as ArrayLike<unknown>)).toEqual([42n]);
    await reader.close();
  });

  it('opens a consolidated root without listing the store', async () => {
    const root = path.join(store, 'consolidated');
    const files = new FileSystemStore(root);
    // A store with nothing but get: its listing can only come from the consolidated metadata.
    const gets: string[] = [];
    const bare = { get: (key: `/${string}`) => (gets.push(key), files.get(key)) };
    const reader = await openZarr(bare);
    expect(gets.sort()).toEqual(['/.zattrs', '/.zmetadata', '/zarr.json']);
    expect(await reader.list('/')).toEqual(['1d.chunked.i2', '2d.contiguous.i2', 'nested']);
    expect(await reader.list('/nested')).toEqual(['1d.i2']);
    expect(gets).toHaveLength(3);
    const values = await reader.readData('/1d.chunked.i2', wholeHyperslab([4]));
    expect(Array.from(values.data as Int16Array)).toEqual(
      Array.from((await zarritaValues('consolidated/1d.chunked.i2')).values as number[]),
    );
    await reader.close();
  });
});
