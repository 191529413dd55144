/**
 * Conversion by copying chunks with Zarr format 3: v2 -> v3 -> v2 of the hdmf-zarr fixtures and
 * v3 -> v3 of zarrita's v3 store move every chunk whose codecs mean the same bytes on both sides as
 * it is (the chunk files are byte for byte the source's; writeStoredChunk takes them, writeData
 * none), and decode the rest (sharded, transposed, big-endian, delta, bools, text); everything
 * reads back equal. Format 2's zlib (HDF5's deflate) has no standard v3 codec and is decoded.
 */
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { StorageReader, StorageWriter } from '@nwbjs/core';
import { copyTree, ndarray } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import { openZarr } from '../src/index.js';
import { fixturesDir, repoRoot, runValidate, tempDir } from './helpers.js';

const temp = await tempDir();
afterAll(() => temp.cleanup());
const ZARRITA_V3 = path.join(repoRoot, '../shared/fixtures/zarr-v3/zarrita-data.zarr');

let n = 0;

/** What one conversion did: chunks stored as they are and blocks written decoded, per dataset. */
interface Conversion {
  dir: string;
  stored: Map<string, number>;
  decoded: Set<string>;
}

/** Copies the store at `from` into a new store of `zarrFormat`, watching the writer's calls. */
async function convert(from: string, zarrFormat: 2 | 3): Promise<Conversion> {
  const dir = path.join(temp.dir, `out-${n++}.zarr`);
  const reader = await openZarr(from, 'r');
  const writer = await openZarr(dir, 'w-', { zarrFormat });
  const stored = new Map<string, number>();
  const decoded = new Set<string>();
  const writeStoredChunk = writer.writeStoredChunk!.bind(writer);
  vi.spyOn(writer, 'writeStoredChunk').mockImplementation((p, index, bytes) => {
    stored.set(p, (stored.get(p) ?? 0) + 1);
    return writeStoredChunk(p, index, bytes);
  });
  const writeData = writer.writeData.bind(writer);
  vi.spyOn(writer, 'writeData').mockImplementation((p, start, data) => {
    decoded.add(p);
    return writeData(p, start, data);
  });
  const createDataset = writer.createDataset.bind(writer);
  vi.spyOn(writer, 'createDataset').mockImplementation((p, definition, attributes, data) => {
    if (data !== undefined) decoded.add(p);
    return createDataset(p, definition, attributes, data);
  });
  try {
    await copyTree(reader, writer);
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  } finally {
    await reader.close();
  }
  return { dir, stored, decoded };
}

/** Every dataset path of a store, depth first. */
async function datasets(reader: StorageReader, at = '/'): Promise<string[]> {
  const out: string[] = [];
  for (const name of await reader.list(at)) {
    const child = at === '/' ? `/${name}` : `${at}/${name}`;
    const info = await reader.stat(child);
    if (info?.kind === 'group') out.push(...(await datasets(reader, child)));
    else if (info?.kind === 'dataset') out.push(child);
  }
  return out;
}

/** Each chunk file of the array at `array` (a store path), by chunk index `i,j`. */
async function chunkFiles(store: string, array: string, format: 2 | 3): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const root = path.join(store, array);
  const walk = async (dir: string, index: string[]): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), [...index, entry.name]);
      else if (/^\d+(\.\d+)*$/.test(entry.name))
        out.set([...index, ...entry.name.split('.')].join(','), await readFile(path.join(dir, entry.name)));
    }
  };
  if (format === 3) await walk(path.join(root, 'c'), []).catch(() => undefined);
  else await walk(root, []);
  return out;
}

/** Whole values of every dataset, as plain arrays, for comparing two stores. */
async function contents(store: string): Promise<Map<string, unknown>> {
  const reader = await openZarr(store, 'r');
  try {
    const out = new Map<string, unknown>();
    for (const p of await datasets(reader)) {
      const info = await reader.stat(p);
      if (info?.kind !== 'dataset') continue;
      const read = await reader.readData(p, wholeHyperslab(info.shape));
      out.set(p, { dtype: info.dtype, shape: info.shape, data: Array.from(read.data as ArrayLike<unknown>) });
    }
    return out;
  } finally {
    await reader.close();
  }
}

/** Paths whose chunk encoding the reader of `store` hands out, with that encoding. */
async function encodings(store: string): Promise<Map<string, unknown>> {
  const reader = await openZarr(store, 'r');
  try {
    const out = new Map<string, unknown>();
    for (const p of await datasets(reader)) {
      const encoding = await reader.chunkEncoding(p);
      if (encoding !== undefined) out.set(p, encoding);
    }
    return out;
  } finally {
    await reader.close();
  }
}

/** Serves the files of `dir` over HTTP on 127.0.0.1 (404 for anything else); `failures` = non-404 errors. */
async function serveDirectory(
  dir: string,
): Promise<{ url: string; failures: string[]; close: () => Promise<void> }> {
  const failures: string[] = [];
  const server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    if (rel.split('/').some((p) => p === '..')) return void res.writeHead(400).end();
    readFile(path.join(dir, rel)).then(
      (body) => res.writeHead(200, { 'content-length': body.length }).end(body),
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT' && error.code !== 'EISDIR') failures.push(`${rel}: ${error.message}`);
        res.writeHead(404).end();
      },
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    failures,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

describe('Zarr format 3 stored chunks', () => {
  it.each(['static_images.nwb.zarr', 'compressed_imageseries.nwb.zarr'])(
    '%s: v2 -> v3 -> v2 copies every chunk as it is stored, reads back equal',
    async (name) => {
      const source = path.join(fixturesDir, name);
      const copyable = await encodings(source);
      expect(copyable.size).toBeGreaterThan(0);

      const v3 = await convert(source, 3);
      expect(await encodings(v3.dir)).toEqual(copyable);
      const back = await convert(v3.dir, 2);
      expect(await encodings(back.dir)).toEqual(copyable);
      for (const [array] of copyable) {
        const original = await chunkFiles(source, array, 2);
        for (const step of [v3, back]) {
          expect(step.decoded.has(array), `${array} decoded`).toBe(false);
          expect(step.stored.get(array) ?? 0, `${array} chunks stored as they are`).toBe(original.size);
        }
        expect(await chunkFiles(v3.dir, array, 3), `${array} in v3`).toEqual(original);
        expect(await chunkFiles(back.dir, array, 2), `${array} back in v2`).toEqual(original);
      }
      const expected = await contents(source);
      expect(await contents(v3.dir)).toEqual(expected);
      expect(await contents(back.dir)).toEqual(expected);
      const diff = await runValidate(['diff', source, back.dir]);
      expect(diff.out.trim(), diff.out).toBe('no differences');
    },
  );

  it('a v3 store over HTTP (no listing: every grid index asked for) copies its chunks to v2 as they are', async () => {
    const source = path.join(fixturesDir, 'static_images.nwb.zarr');
    const v3 = await convert(source, 3);
    const served = await serveDirectory(v3.dir);
    try {
      const back = await convert(served.url, 2);
      const copyable = await encodings(source);
      for (const [array] of copyable) {
        const original = await chunkFiles(source, array, 2);
        expect(back.decoded.has(array), `${array} decoded`).toBe(false);
        expect(back.stored.get(array) ?? 0, array).toBe(original.size);
        expect(await chunkFiles(back.dir, array, 2), array).toEqual(original);
      }
      expect(served.failures).toEqual([]);
      const diff = await runValidate(['diff', source, back.dir]);
      expect(diff.out.trim(), diff.out).toBe('no differences');
    } finally {
      await served.close();
    }
  });

  it("v3 -> v3 of zarrita's store: unsharded little-endian numbers copy, the rest decodes, all reads back equal", async () => {
    const copied = new Set([
      '/1d.chunked.i2',
      '/1d.chunked.ragged.i2',
      '/1d.contiguous.blosc.i2',
      '/1d.contiguous.f4.le',
      '/1d.contiguous.f8',
      '/1d.contiguous.gzip.i2',
      '/1d.contiguous.i4',
      '/1d.contiguous.raw.i2',
      '/1d.contiguous.u1',
      '/2d.chunked.i2',
      '/2d.chunked.ragged.i2',
      '/2d.contiguous.i2',
      '/3d.chunked.i2',
      '/3d.chunked.mixed.i2.C',
      '/3d.contiguous.i2',
      '/consolidated/1d.chunked.i2',
      '/consolidated/2d.contiguous.i2',
      '/consolidated/nested/1d.i2',
    ]);
    expect(new Set((await encodings(ZARRITA_V3)).keys())).toEqual(copied);
    const v3 = await convert(ZARRITA_V3, 3);
    const reader = await openZarr(ZARRITA_V3, 'r');
    const all = await datasets(reader);
    await reader.close();
    for (const array of all) {
      if (copied.has(array)) {
        expect(v3.decoded.has(array), `${array} decoded`).toBe(false);
        const original = await chunkFiles(ZARRITA_V3, array, 3);
        expect(v3.stored.get(array) ?? 0, array).toBe(original.size);
        expect(await chunkFiles(v3.dir, array, 3), array).toEqual(original);
      } else {
        expect(v3.stored.has(array), `${array} copied as stored`).toBe(false);
      }
    }
    // Sharded arrays are decoded (never copied inner chunk by inner chunk) and still read the same.
    expect(all.filter((a) => a.includes('sharded')).every((a) => !v3.stored.has(a))).toBe(true);
    expect(await contents(v3.dir)).toEqual(await contents(ZARRITA_V3));
  });

  it('v2 zlib chunks (HDF5 deflate) are decoded for v3, which has no standard zlib codec', async () => {
    const dir = path.join(temp.dir, `zlib-${n++}.zarr`);
    const writer = await openZarr(dir, 'w-');
    await writer.createDataset('/z', { dtype: 'int32', shape: [6, 4], chunks: [3, 4] });
    await writer.close();
    // Rewrite the array as zlib by hand: .zarray says zlib, chunks are zlib streams.
    const { writeFile } = await import('node:fs/promises');
    const { deflateSync } = await import('node:zlib');
    const zarray = JSON.parse(await readFile(path.join(dir, 'z/.zarray'), 'utf8'));
    zarray.compressor = { id: 'zlib', level: 1 };
    await writeFile(path.join(dir, 'z/.zarray'), JSON.stringify(zarray));
    const values = Int32Array.from({ length: 24 }, (_, i) => i * 1000 - 7);
    await writeFile(path.join(dir, 'z/0.0'), deflateSync(Buffer.from(values.buffer, 0, 48), { level: 1 }));
    await writeFile(path.join(dir, 'z/1.0'), deflateSync(Buffer.from(values.buffer, 48, 48), { level: 1 }));
    const { rm } = await import('node:fs/promises');
    await rm(path.join(dir, '.zmetadata'), { force: true });
    expect(await encodings(dir)).toEqual(
      new Map([['/z', { dtype: 'int32', chunks: [6 / 2, 4], codecs: [{ id: 'zlib', level: 1 }] }]]),
    );
    const v3 = await convert(dir, 3);
    expect(v3.stored.size).toBe(0);
    expect(v3.decoded.has('/z')).toBe(true);
    const back = await contents(v3.dir);
    expect((back.get('/z') as { data: number[] }).data).toEqual(Array.from(values));
  });

  it('a v3 writer stores copied chunks under c/i/j and lists and hands them back', async () => {
    const dir = path.join(temp.dir, `direct-${n++}.zarr`);
    const writer: StorageWriter = await openZarr(dir, 'w-', { zarrFormat: 3 });
    const encoding = {
      dtype: 'uint8' as const,
      chunks: [2, 2],
      codecs: [{ id: 'gzip' as const, level: 1 }],
    };
    const { gzipSync } = await import('node:zlib');
    expect(
      await writer.createEncodedDataset!('/d', { dtype: 'uint8', shape: [4, 3], chunks: [2, 2] }, encoding),
    ).toBe(true);
    const chunk = gzipSync(Uint8Array.from([1, 2, 3, 4]), { level: 1 });
    await writer.writeStoredChunk!('/d', [1, 1], chunk);
    // zlib has no standard v3 codec: refused, nothing created.
    expect(
      await writer.createEncodedDataset!(
        '/z',
        { dtype: 'uint8', shape: [4], chunks: [2] },
        { dtype: 'uint8', chunks: [2], codecs: [{ id: 'zlib', level: 1 }] },
      ),
    ).toBe(false);
    await writer.createDataset(
      '/plain',
      { dtype: 'uint8', shape: [2] },
      {},
      ndarray('uint8', [2], Uint8Array.from([5, 6])),
    );
    await writer.close();
    expect(await readFile(path.join(dir, 'd/c/1/1'))).toEqual(chunk);
    const doc = JSON.parse(await readFile(path.join(dir, 'd/zarr.json'), 'utf8'));
    expect(doc.codecs).toEqual([{ name: 'bytes' }, { name: 'gzip', configuration: { level: 1 } }]);
    const reader = await openZarr(dir, 'r');
    try {
      expect(await reader.stat('/z')).toBeUndefined();
      expect(await reader.chunkEncoding('/d')).toEqual(encoding);
      const listed: string[] = [];
      for await (const index of reader.storedChunks('/d')) listed.push(index.join(','));
      expect(listed).toEqual(['1,1']);
      expect(await reader.readStoredChunk('/d', [1, 1])).toEqual(new Uint8Array(chunk));
      expect(await reader.readStoredChunk('/d', [0, 0])).toBeUndefined();
      const read = await reader.readData('/d', wholeHyperslab([4, 3]));
      expect(Array.from(read.data as Uint8Array)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 3]);
    } finally {
      await reader.close();
    }
  });
});
