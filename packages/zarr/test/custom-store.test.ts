/**
 * Stores are zarrita's: anything with `get` (absolute keys) is read, through its consolidated
 * metadata unless it lists itself; a store with `set`, `commit` and `abort` is written. zarrita's
 * own stores (FileSystemStore, ReferenceStore), a Map in zarrita's key spelling and zarrita's
 * store extensions work as they are.
 */
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AbsolutePath } from '@zarrita/storage';
import { FileSystemStore, ReferenceStore } from '@zarrita/storage';
import * as zarr from 'zarrita';
import { ndarray, textScalar } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import type { StagingStore, ZarrStore } from '../src/index.js';
import { openZarr } from '../src/index.js';
import { fixturesDir } from './helpers.js';

/** A staging store over two Maps that counts what it is asked. */
class RecordingStore implements StagingStore {
  readonly staged = new Map<string, Uint8Array>();
  readonly committed = new Map<string, Uint8Array>();
  aborted = false;

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    return this.staged.get(key) ?? this.committed.get(key);
  }
  async set(key: AbsolutePath, value: Uint8Array): Promise<void> {
    this.staged.set(key, value);
  }
  async commit(): Promise<void> {
    for (const [k, v] of this.staged) this.committed.set(k, v);
    this.staged.clear();
  }
  async abort(): Promise<void> {
    this.aborted = true;
    this.staged.clear();
  }
}

/** Every file of a directory store, by absolute key. */
async function filesOf(root: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.set(`/${path.relative(root, file).split(path.sep).join('/')}`, await readFile(file));
  }
  return out;
}

/** Byte equality of two typed arrays (vitest's deep equality takes seconds on a movie). */
function sameBytes(a: unknown, b: unknown): boolean {
  const bytes = (v: unknown) =>
    Buffer.from((v as Uint8Array).buffer, (v as Uint8Array).byteOffset, (v as Uint8Array).byteLength);
  return bytes(a).equals(bytes(b));
}

describe('a store of the caller', () => {
  it('is written through set and commit, then read through its consolidated metadata', async () => {
    const store = new RecordingStore();
    const w = await openZarr(store, 'w');
    await w.createGroup('/acquisition', { note: textScalar('custom') });
    const values = Float32Array.from({ length: 64 }, (_, i) => i / 2);
    await w.createDataset(
      '/acquisition/values',
      { dtype: 'float32', shape: [8, 8], chunks: [4, 8], compression: { codec: 'gzip', level: 5 } },
      {},
      ndarray('float32', [8, 8], values),
    );
    await w.close();
    expect(store.staged.size).toBe(0);
    expect(store.committed.has('/.zmetadata')).toBe(true);
    expect(store.committed.has('/acquisition/values/1.0')).toBe(true);

    const r = await openZarr(store);
    expect(
      Array.from((await r.readData('/acquisition/values', wholeHyperslab([8, 8]))).data as Float32Array),
    ).toEqual(Array.from(values));
    expect(await r.list('/')).toEqual(['acquisition']);
    await r.close();

    const asked: string[] = [];
    const remote: ZarrStore = {
      get: async (key: AbsolutePath) => (asked.push(key), store.committed.get(key)),
    };
    const rr = await openZarr(remote);
    // The root .zattrs is asked for alongside (for stores whose .zmetadata copy of it is stale).
    expect(asked.sort()).toEqual(['/.zattrs', '/.zmetadata', '/zarr.json']);
    expect((await rr.readAttributes('/acquisition'))['note']?.data).toEqual(['custom']);
    await rr.close();
  });

  it('is read directly, without consolidated metadata, when it lists itself', async () => {
    const store = new RecordingStore();
    const w = await openZarr(store, 'w');
    await w.createGroup('/g');
    await w.close();
    store.committed.delete('/.zmetadata');
    const listing = Object.assign(store, {
      listChildren: async (prefix: AbsolutePath) => [
        ...new Set(
          [...store.committed.keys()]
            .filter((k) => k.startsWith(prefix) && k.slice(prefix.length).includes('/'))
            .map((k) => k.slice(prefix.length).split('/')[0]!),
        ),
      ],
    });
    const r = await openZarr(listing);
    expect(await r.list('/')).toEqual(['g']);
    await r.close();
  });

  it('asks again for metadata whose read failed, instead of keeping the failure', async () => {
    const store = new RecordingStore();
    const w = await openZarr(store, 'w');
    await w.createGroup('/g');
    await w.close();
    store.committed.delete('/.zmetadata');
    let failNext = true;
    const flaky = Object.assign(store, {
      get: async (key: AbsolutePath) => {
        if (key === '/g/.zgroup' && failNext) {
          failNext = false;
          throw new Error('connection reset');
        }
        return store.committed.get(key);
      },
      listChildren: async (prefix: AbsolutePath) => (prefix === '/' ? ['g'] : ([] as string[])),
    });
    const r = await openZarr(flaky);
    await expect(r.stat('/g')).rejects.toThrow(/could not read g\/\.zgroup/);
    expect((await r.stat('/g'))?.kind).toBe('group');
    await r.close();
  });

  it('is refused for writing when it cannot stage writes', async () => {
    const readOnly: ZarrStore = { get: async () => undefined };
    await expect(openZarr(readOnly, 'w')).rejects.toMatchObject({
      _tag: 'UnsupportedError',
      feature: 'write-store',
    });
  });
});

describe("zarrita's stores", () => {
  const fixture = path.join(fixturesDir, 'tutorial_images.nwb.zarr');
  const movie = '/acquisition/ImageSeries/data';

  it('FileSystemStore, zarrita extensions over it, and a Map in zarrita spelling read the same', async () => {
    const direct = await openZarr(fixture);
    const expected = await direct.readData(movie, wholeHyperslab([200, 50, 50, 3]));
    const stores: ZarrStore[] = [
      new FileSystemStore(fixture),
      zarr.withByteCaching(new FileSystemStore(fixture)),
      await filesOf(fixture),
    ];
    for (const store of stores) {
      const reader = await openZarr(store);
      expect(await reader.list('/acquisition')).toEqual(['ExternalFiles', 'ImageSeries', 'logo_images']);
      const frame = await reader.readData(movie, wholeHyperslab([200, 50, 50, 3]));
      expect(sameBytes(frame.data, expected.data)).toBe(true);
      await reader.close();
    }
    await direct.close();
  });

  it('ReferenceStore (kerchunk references) reads a store whose chunks live elsewhere', async () => {
    const files = await filesOf(fixture);
    const refs: Record<string, unknown> = {};
    for (const [key, value] of files) {
      refs[key.slice(1)] =
        key.includes('/.z') || key.startsWith('/.z')
          ? new TextDecoder().decode(value)
          : `base64:${Buffer.from(value).toString('base64')}`;
    }
    const reader = await openZarr(ReferenceStore.fromSpec({ version: 1, refs }));
    const attrs = await reader.readAttributes('/acquisition/ImageSeries');
    expect(attrs['neurodata_type']?.data).toEqual(['ImageSeries']);
    const frame = await reader.readData(movie, wholeHyperslab([200, 50, 50, 3]));
    const direct = await openZarr(fixture);
    expect(sameBytes(frame.data, (await direct.readData(movie, wholeHyperslab([200, 50, 50, 3]))).data)).toBe(
      true,
    );
    await direct.close();
    await reader.close();
  });
});
