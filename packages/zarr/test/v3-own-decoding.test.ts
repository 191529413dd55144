/**
 * The v3 arrays this package decodes itself, because zarrita's `get` has no data type for them:
 * `struct` records and `variable_length_bytes`, sharded or not, and float fill values spelled as
 * the hex of their bits. zarr-python's own shards and vlen chunks come from zarrita's fixture store
 * (../shared/fixtures/zarr-v3): each array is relabelled as a one-field struct (or as bytes, for
 * text), which leaves its stored bytes as they are, and must read as zarrita reads the original.
 */
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { FileSystemStore } from '@zarrita/storage';
import * as zarr from 'zarrita';
import { describe, expect, it } from 'vitest';
import type { DatasetInfo } from '@nwbjs/core/backend';
import { wholeHyperslab } from '@nwbjs/core/backend';
import { openZarr } from '../src/index.js';
import { crc32c } from '../src/v3/crc32c.js';
import { repoRoot } from './helpers.js';

const fixtures = path.resolve(repoRoot, '../shared/fixtures/zarr-v3/zarrita-data.zarr');
const encoder = new TextEncoder();
type Doc = Record<string, unknown>;

/** A store holding the fixture array `rel` at `/a`, its `zarr.json` changed by `relabel`. */
async function storeOf(rel: string, relabel: (doc: Doc) => void): Promise<Map<string, Uint8Array>> {
  const store = new Map<string, Uint8Array>();
  const dir = path.join(fixtures, rel);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    const bytes = new Uint8Array(await readFile(path.join(dir, file)));
    if (file !== 'zarr.json') store.set(`/a/${file}`, bytes);
    else {
      const doc = JSON.parse(new TextDecoder().decode(bytes)) as Doc;
      relabel(doc);
      store.set('/a/zarr.json', encoder.encode(JSON.stringify(doc)));
    }
  }
  store.set('/zarr.json', encoder.encode('{"zarr_format": 3, "node_type": "group", "attributes": {}}'));
  return store;
}

/** zarrita's values of the fixture array `rel`, in C order. */
async function zarritaValues(rel: string): Promise<{ shape: number[]; values: unknown[] }> {
  const array = await zarr.open.v3(zarr.root(new FileSystemStore(fixtures)).resolve(rel), { kind: 'array' });
  const chunk = (await zarr.get(
    array,
    array.shape.map(() => null),
  )) as zarr.Chunk<zarr.DataType>;
  const source = chunk.data as unknown as { get?(i: number): unknown; [i: number]: unknown };
  const n = chunk.shape.reduce((a, b) => a * b, 1);
  const idx = chunk.shape.map(() => 0);
  const values: unknown[] = [];
  for (let k = 0; k < n; k++) {
    const at = idx.reduce((o, v, a) => o + v * chunk.stride[a]!, 0);
    values.push(typeof source.get === 'function' ? source.get(at) : source[at]);
    for (let a = chunk.shape.length - 1; a >= 0; a--) {
      if (++idx[a]! < chunk.shape[a]!) break;
      idx[a] = 0;
    }
  }
  return { shape: chunk.shape, values };
}

const plain = (v: unknown) => (typeof v === 'boolean' ? Number(v) : v);

describe('sharded struct arrays', async () => {
  const sharded = (await readdir(fixtures)).filter((name) => name.includes('.sharded.'));

  it('finds the sharded fixtures', () => {
    expect(sharded.length).toBeGreaterThanOrEqual(15);
  });

  it.each(sharded)('%s, relabelled as a one-field struct, reads as zarrita reads it', async (rel) => {
    const expected = await zarritaValues(rel);
    const store = await storeOf(rel, (doc) => {
      doc['data_type'] = {
        name: 'struct',
        configuration: { fields: [{ name: 'v', data_type: doc['data_type'] }] },
      };
      doc['fill_value'] = { v: doc['fill_value'] };
    });
    const reader = await openZarr(store);
    expect(await reader.stat('/a')).toMatchObject({ shape: expected.shape });
    const read = await reader.readData('/a', wholeHyperslab(expected.shape));
    expect((read.data as { v: unknown }[]).map((row) => plain(row.v))).toEqual(expected.values.map(plain));
    await reader.close();
  });

  it('reads a shard whose index comes first; inner chunks and shards not written read as the fill', async () => {
    const rel = '2d.chunked.compressed.sharded.filled.i2';
    const expected = await zarritaValues(rel);
    const store = await storeOf(rel, (doc) => {
      doc['data_type'] = { name: 'struct', configuration: { fields: [{ name: 'v', data_type: 'int16' }] } };
      doc['fill_value'] = { v: 7 };
      const sharding = (doc['codecs'] as Doc[])[0]!['configuration'] as Doc;
      sharding['index_location'] = 'start';
    });
    // Move each shard's index (4 inner chunks of 16 bytes, then its crc32c) to the front.
    for (const [key, shard] of store) {
      if (!key.startsWith('/a/c/')) continue;
      const indexBytes = 4 * 16 + 4;
      const chunks = shard.subarray(0, shard.length - indexBytes);
      const index = Uint8Array.from(shard.subarray(shard.length - indexBytes));
      const view = new DataView(index.buffer);
      for (let i = 0; i < 4; i++) {
        const offset = view.getBigUint64(i * 16, true);
        if (offset !== 0xffffffffffffffffn) view.setBigUint64(i * 16, offset + BigInt(indexBytes), true);
      }
      view.setUint32(4 * 16, crc32c(index.subarray(0, 4 * 16)), true);
      const moved = new Uint8Array(shard.length);
      moved.set(index);
      moved.set(chunks, indexBytes);
      store.set(key, moved);
    }
    store.delete('/a/c/1/1');
    const reader = await openZarr(store);
    const read = await reader.readData('/a', wholeHyperslab(expected.shape));
    const got = (read.data as { v: number }[]).map((row) => row.v);
    // zarr-python left the first inner chunk out (it equals the fill), and the lower right shard
    // (rows 2-3, columns 2-3) is gone: both read as the fill value.
    const want = expected.values.map((v, i) => (i === 0 || (Math.floor(i / 4) >= 2 && i % 4 >= 2) ? 7 : v));
    expect(got).toEqual(want);
    await reader.close();
  });

  it('refuses an inner chunk that lies outside its shard, naming the array', async () => {
    const rel = '1d.chunked.compressed.sharded.i2';
    const store = await storeOf(rel, (doc) => {
      doc['data_type'] = { name: 'struct', configuration: { fields: [{ name: 'v', data_type: 'int16' }] } };
      doc['fill_value'] = { v: 0 };
    });
    const shard = Uint8Array.from(store.get('/a/c/0')!);
    const view = new DataView(shard.buffer);
    view.setBigUint64(shard.length - 4 - 16, 1n << 40n, true);
    const index = shard.subarray(shard.length - 4 - 2 * 16, shard.length - 4); // 2 inner chunks
    view.setUint32(shard.length - 4, crc32c(index), true);
    store.set('/a/c/0', shard);
    const reader = await openZarr(store);
    await expect(reader.readData('/a', wholeHyperslab([4]))).rejects.toMatchObject({
      path: '/a',
      message: expect.stringMatching(/outside its shard/),
    });
    await reader.close();
  });

  it('refuses a shard whose index does not match its crc32c, naming the array', async () => {
    const rel = '1d.chunked.compressed.sharded.i2';
    const store = await storeOf(rel, (doc) => {
      doc['data_type'] = { name: 'struct', configuration: { fields: [{ name: 'v', data_type: 'int16' }] } };
      doc['fill_value'] = { v: 0 };
    });
    const shard = Uint8Array.from(store.get('/a/c/0')!);
    shard[shard.length - 4 - 16 + 8]! ^= 1; // the inner chunk's length, one bit off
    store.set('/a/c/0', shard);
    const reader = await openZarr(store);
    await expect(reader.readData('/a', wholeHyperslab([4]))).rejects.toMatchObject({
      path: '/a',
      message: expect.stringMatching(/crc32c/),
    });
    await reader.close();
  });
});

describe('variable_length_bytes', () => {
  const vlen = ['1d.chunked.string.vlen', '2d.chunked.string.vlen', '1d.string.unicode', '1d.string.empty'];

  it.each(vlen)('%s, relabelled as bytes, reads as the text zarrita reads', async (rel) => {
    const expected = await zarritaValues(rel);
    const store = await storeOf(rel, (doc) => {
      doc['data_type'] = 'variable_length_bytes';
      (doc['codecs'] as Doc[])[0] = { name: 'vlen-bytes', configuration: {} };
      doc['fill_value'] = '';
    });
    const reader = await openZarr(store);
    expect(await reader.stat('/a')).toMatchObject({ dtype: 'ascii', shape: expected.shape });
    const read = await reader.readData('/a', wholeHyperslab(expected.shape));
    expect(read.dtype).toBe('ascii');
    expect(read.data).toEqual(expected.values);
    await reader.close();
  });

  it('keeps bytes that are no UTF-8, and reads a missing chunk as the base64 fill', async () => {
    const store = await storeOf('1d.chunked.string.vlen', (doc) => {
      doc['data_type'] = 'variable_length_bytes';
      doc['codecs'] = [{ name: 'vlen-bytes', configuration: {} }];
      doc['fill_value'] = Buffer.from('none').toString('base64');
    });
    // Chunk 0 without compression: two items, `b'\xb5V'` (MatNWB's microvolt) and `b'ok'`.
    store.set('/a/c/0', Uint8Array.from([2, 0, 0, 0, 2, 0, 0, 0, 0xb5, 0x56, 2, 0, 0, 0, 0x6f, 0x6b]));
    store.delete('/a/c/1');
    const reader = await openZarr(store);
    const read = await reader.readData('/a', wholeHyperslab([4]));
    expect(read.data).toEqual(['\udcb5V', 'ok', 'none', 'none']);
    await reader.close();
  });
});

describe('fill values in hex', () => {
  it('reads the hex of a float fill value as that float, in stat and for chunks not written', async () => {
    for (const [rel, hex, value] of [
      ['1d.contiguous.f4.le', '0x3fc00000', 1.5],
      ['1d.contiguous.f8', '0xc004000000000000', -2.5],
      ['1d.contiguous.f8', '0x7ff8000000000000', Number.NaN],
    ] as const) {
      const store = await storeOf(rel, (doc) => {
        doc['fill_value'] = hex;
      });
      for (const key of [...store.keys()]) if (key.startsWith('/a/c')) store.delete(key);
      const reader = await openZarr(store);
      const info = await reader.stat('/a');
      expect(info).toMatchObject(Number.isNaN(value) ? {} : { fillValue: value });
      const shape = (info as DatasetInfo).shape;
      const read = await reader.readData('/a', wholeHyperslab(shape));
      expect(Array.from(read.data as Float64Array), `${rel} ${hex}`).toEqual(
        new Array<number>(shape[0]!).fill(value),
      );
      await reader.close();
    }
  });

  it('reads a hex fill value of a struct field, for records not written', async () => {
    const store = await storeOf('1d.contiguous.compressed.sharded.f4', (doc) => {
      doc['data_type'] = { name: 'struct', configuration: { fields: [{ name: 'v', data_type: 'float32' }] } };
      doc['fill_value'] = { v: '0xc0200000' };
    });
    for (const key of [...store.keys()]) if (key.startsWith('/a/c')) store.delete(key);
    const reader = await openZarr(store);
    const read = await reader.readData('/a', wholeHyperslab([4]));
    expect((read.data as { v: number }[]).map((row) => row.v)).toEqual([-2.5, -2.5, -2.5, -2.5]);
    await reader.close();
  });

  it('refuses hex that is not the width of the float, naming the array', async () => {
    const store = await storeOf('1d.contiguous.f4.le', (doc) => {
      doc['fill_value'] = '0x7ff8000000000000';
    });
    const reader = await openZarr(store);
    await expect(reader.stat('/a')).rejects.toMatchObject({
      path: '/a',
      message: expect.stringMatching(/hex/),
    });
    await reader.close();
  });
});
