/**
 * The directory store's reads: each value owns its whole ArrayBuffer (the store promises
 * freshValues, so a read of one chunk hands the bytes out as they are), small files included,
 * which Node would otherwise serve from its shared buffer pool; absent keys read as undefined;
 * ranges; and keys that would leave the directory are refused, as are symbolic links leading out of
 * it (links that stay inside are followed).
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { DirStagingStore, DirStore } from '../src/platform/node/dir-store.js';
import { tempDir } from './helpers.js';

const temp = await tempDir();
afterAll(() => temp.cleanup());

describe('DirStore.get', () => {
  it('returns values that own their ArrayBuffer, small and large, and undefined for what is absent', async () => {
    const target = `${temp.dir}/store`;
    const staging = await DirStagingStore.create(target, false);
    const small = Uint8Array.from([1, 2, 3, 4, 5]);
    const large = Uint8Array.from({ length: 20_000 }, (_, i) => i % 251);
    await staging.set('/a/small', small);
    await staging.set('/a/large', large);
    await staging.commit();

    const store = new DirStore(target);
    for (const [key, expected] of [
      ['/a/small', small],
      ['/a/large', large],
    ] as const) {
      const value = await store.get(key);
      expect(value).toEqual(expected);
      expect(value!.byteOffset).toBe(0);
      expect(value!.buffer.byteLength).toBe(expected.byteLength);
    }
    expect(await store.get('/a/missing')).toBeUndefined();
    expect(await store.get('/a')).toBeUndefined(); // a directory, not a value
    expect(await store.get('/a/small/below')).toBeUndefined();
    expect(await store.getRange('/a/large', { offset: 100, length: 5 })).toEqual(large.subarray(100, 105));
    expect(await store.getRange('/a/large', { suffixLength: 3 })).toEqual(large.subarray(-3));
    expect(await store.getRange('/a/missing', { offset: 0, length: 1 })).toBeUndefined();
  });

  it('writes a value as the whole file: a shorter value replaces a longer one, views and empty values too', async () => {
    const target = `${temp.dir}/rewritten`;
    const staging = await DirStagingStore.create(target, false);
    const shared = Uint8Array.from({ length: 300_000 }, (_, i) => i % 253);
    await staging.set('/a/0', shared);
    await staging.set('/a/0', shared.subarray(1000, 1010)); // a view into a bigger buffer
    await staging.set('/a/1', new Uint8Array(0));
    await staging.set('/a/2', shared.subarray(5, 200_005));
    await staging.commit();
    const store = new DirStore(target);
    expect(await store.get('/a/0')).toEqual(shared.slice(1000, 1010));
    expect(await store.get('/a/1')).toEqual(new Uint8Array(0));
    expect(await store.get('/a/2')).toEqual(shared.slice(5, 200_005));
  });

  it('setMany writes a batch of files, then is done with their memory; it checks every key before writing', async () => {
    const target = `${temp.dir}/batch`;
    const staging = await DirStagingStore.create(target, false);
    const lent = Uint8Array.from({ length: 300_000 }, (_, i) => i % 251);
    await staging.set('/a/0', Uint8Array.of(9, 9, 9, 9)); // replaced by the batch
    await staging.setMany([
      ['/a/0', lent.subarray(0, 100_000)],
      ['/a/b/1', lent.subarray(100_000, 100_010)],
      ['/c/2', new Uint8Array(0)],
    ]);
    await expect(
      staging.setMany([
        ['/a/3', lent.subarray(0, 5)],
        ['/a/../../outside', lent.subarray(0, 5)],
      ]),
    ).rejects.toThrow(/unsafe store key "\/a\/..\/..\/outside"/);
    lent.fill(0); // the caller reuses its memory once setMany settled
    await staging.commit();
    const store = new DirStore(target);
    const expected = Uint8Array.from({ length: 100_010 }, (_, i) => i % 251);
    expect(await store.get('/a/0')).toEqual(expected.subarray(0, 100_000));
    expect(await store.get('/a/b/1')).toEqual(expected.subarray(100_000));
    expect(await store.get('/c/2')).toEqual(new Uint8Array(0));
    expect(await store.get('/a/3')).toBeUndefined(); // nothing of a batch with a bad key
  });

  it('setMany names the key whose file could not be written', async () => {
    const staging = await DirStagingStore.create(`${temp.dir}/batch-failing`, false);
    await staging.set('/a/b/c', Uint8Array.of(1));
    // `/a/b` is a directory: a file of that name cannot be written.
    const failure = staging.setMany([
      ['/a/0', Uint8Array.of(1)],
      ['/a/b', Uint8Array.of(2)],
    ]);
    await expect(failure).rejects.toMatchObject({ name: 'StoreWriteError', key: '/a/b' });
    await expect(failure).rejects.toThrow(/could not store \/a\/b: .*EISDIR/);
    await staging.abort();
  });

  it('refuses keys that would leave the store', async () => {
    const store = new DirStore(temp.dir);
    for (const key of ['/../x', '/a/./b', '/a//b', 'relative', '/a\\b']) {
      await expect(store.get(key as `/${string}`)).rejects.toThrow(/store key/);
    }
  });

  it('follows symbolic links only while they stay inside the store', async () => {
    const root = `${temp.dir}/links`;
    await mkdir(`${root}/store/a`, { recursive: true });
    await mkdir(`${root}/outside`, { recursive: true });
    await writeFile(`${root}/outside/secret`, 'secret');
    await writeFile(`${root}/store/a/real`, 'inside');
    await symlink(`${root}/outside/secret`, `${root}/store/a/out`);
    await symlink('real', `${root}/store/a/in`);
    await symlink(`${root}/outside`, `${root}/store/linked-dir`);
    await symlink('a', `${root}/store/inner-dir`);
    const store = new DirStore(`${root}/store`);
    expect(new TextDecoder().decode(await store.get('/a/in'))).toBe('inside');
    expect(new TextDecoder().decode(await store.get('/inner-dir/real'))).toBe('inside');
    await expect(store.get('/a/out')).rejects.toThrow(/a symbolic link to a file outside the store/);
    await expect(store.getRange('/a/out', { offset: 0, length: 2 })).rejects.toThrow(/outside the store/);
    await expect(store.get('/linked-dir/secret')).rejects.toThrow(/under a symbolic link that leads outside/);
    expect(await store.listChildren('/')).toEqual(expect.arrayContaining(['a', 'inner-dir', 'linked-dir']));
  });

  it('finds a link several levels down under directories it has already read', async () => {
    const root = `${temp.dir}/deep-links`;
    await mkdir(`${root}/store/a/b/c`, { recursive: true });
    await mkdir(`${root}/outside`, { recursive: true });
    await writeFile(`${root}/outside/secret`, 'secret');
    await writeFile(`${root}/store/a/b/c/real`, 'inside');
    await symlink(`${root}/outside`, `${root}/store/a/b/escape`);
    await symlink('c', `${root}/store/a/b/alias`);
    const store = new DirStore(`${root}/store`);
    // Reading down the tree resolves each directory from its parent.
    for (const key of ['/.zgroup', '/a/.zgroup', '/a/b/.zgroup', '/a/b/c/.zgroup'] as const)
      expect(await store.get(key)).toBeUndefined();
    expect(new TextDecoder().decode(await store.get('/a/b/c/real'))).toBe('inside');
    expect(new TextDecoder().decode(await store.get('/a/b/alias/real'))).toBe('inside');
    await expect(store.get('/a/b/escape/secret')).rejects.toThrow(/under a symbolic link that leads outside/);
  });
});
