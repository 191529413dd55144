/**
 * A store object of the caller's (IndexedDB, the File System Access API, an object store client...)
 * opens like a Map: read directly when it says it is local, through .zmetadata otherwise, and
 * written when it can stage writes (set, commit, abort).
 */
import { describe, expect, it } from 'vitest';
import { ndarray, textScalar, wholeHyperslab } from '@nwbjs/core';
import type { StagingStore, ZarrStore } from '../src/index.js';
import { openZarr } from '../src/index.js';

/** A staging store over two Maps that counts what it is asked. */
class RecordingStore implements StagingStore {
  readonly location = 'recording://test';
  readonly local = true;
  readonly staged = new Map<string, Uint8Array>();
  readonly committed = new Map<string, Uint8Array>();
  aborted = false;

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.staged.get(key) ?? this.committed.get(key);
  }
  async set(key: string, value: Uint8Array): Promise<void> {
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

describe('a store object of the caller', () => {
  it('is written through set and commit, then read locally and remotely', async () => {
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
    expect(store.committed.has('.zmetadata')).toBe(true);
    expect(store.committed.has('acquisition/values/1.0')).toBe(true);

    const r = await openZarr(store);
    expect(
      Array.from((await r.readData('/acquisition/values', wholeHyperslab([8, 8]))).data as Float32Array),
    ).toEqual(Array.from(values));
    await r.close();

    const asked: string[] = [];
    const remote: ZarrStore = {
      location: 'remote://test',
      local: false,
      get: async (key) => (asked.push(key), store.committed.get(key)),
    };
    const rr = await openZarr(remote);
    expect(asked).toEqual(['.zmetadata']);
    expect((await rr.readAttributes('/acquisition'))['note']?.data).toEqual(['custom']);
    await rr.close();
  });

  it('is refused for writing when it cannot stage writes', async () => {
    const readOnly: ZarrStore = { location: 'ro://test', local: true, get: async () => undefined };
    await expect(openZarr(readOnly, 'w')).rejects.toMatchObject({
      _tag: 'UnsupportedError',
      feature: 'write-store',
    });
  });
});
