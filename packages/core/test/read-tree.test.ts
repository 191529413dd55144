import { describe, expect, it } from 'vitest';
import type { StorageReader } from '../src/storage/backend.js';
import { ndarray, textScalar } from '../src/storage/values.js';
import { isNWBError } from '../src/errors.js';
import { isDatasetHandle } from '../src/tree/nodes.js';
import { readTree } from '../src/tree/read-tree.js';
import { MemoryBackend, MemoryVolume } from './memory-backend.js';

/** A store of `groups` groups, each with two datasets and a link, plus a big movie. */
async function store(groups = 30) {
  const volume = new MemoryVolume();
  const w = MemoryBackend.create(volume, 'f');
  await w.setAttribute('/', 'identifier', textScalar('x'));
  await w.createGroup('/acquisition');
  await w.createDataset(
    '/acquisition/movie',
    { dtype: 'uint8', shape: [100, 128, 128], chunks: [1, 128, 128] },
    { unit: textScalar('n/a') },
  );
  for (let g = 0; g < groups; g++) {
    await w.createGroup(`/acquisition/g${g}`, { index: ndarray('int32', [], Int32Array.of(g)) });
    await w.createDataset(
      `/acquisition/g${g}/a`,
      { dtype: 'float64', shape: [3] },
      {},
      ndarray('float64', [3], Float64Array.of(g, g, g)),
    );
    await w.createDataset(`/acquisition/g${g}/b`, { dtype: 'utf8', shape: [] }, {}, textScalar(`b${g}`));
    await w.createLink(`/acquisition/g${g}/movie`, { target: '/acquisition/movie' });
  }
  await w.createLink('/external', { target: '/data', file: 'other.nwb' });
  await w.close();
  return MemoryBackend.open(volume, 'f');
}

describe('readTree', () => {
  it('reads structure and attributes without reading any data', async () => {
    const reader = await store();
    const tree = await readTree(reader);
    expect(reader.stats.readDataCalls).toBe(0);
    expect(tree.attrs['identifier']?.data).toEqual(['x']);
    expect([...tree.children.keys()]).toEqual(['acquisition', 'external']);
    expect(tree.children.get('external')).toEqual({ kind: 'link', target: '/data', file: 'other.nwb' });
    const acquisition = tree.children.get('acquisition');
    if (acquisition?.kind !== 'group') throw new Error('expected a group');
    expect(acquisition.children.size).toBe(31);
    const g7 = acquisition.children.get('g7');
    if (g7?.kind !== 'group') throw new Error('expected a group');
    expect(Array.from(g7.attrs['index']!.data as Int32Array)).toEqual([7]);
    expect([...g7.children.keys()]).toEqual(['a', 'b', 'movie']);
    expect(g7.children.get('movie')).toEqual({ kind: 'link', target: '/acquisition/movie' });
    const movie = acquisition.children.get('movie');
    if (movie?.kind !== 'dataset' || !isDatasetHandle(movie.value))
      throw new Error('expected a stored dataset');
    expect(movie.attrs['unit']?.data).toEqual(['n/a']);
    expect(movie.value).toMatchObject({
      path: '/acquisition/movie',
      dtype: 'uint8',
      shape: [100, 128, 128],
      layout: { chunks: [1, 128, 128] },
    });
    expect(reader.stats.readDataCalls).toBe(0);
    await movie.value.read([0]);
    expect(reader.stats.elementsRead).toBe(128 * 128);
  });

  it('reads a subtree from a path', async () => {
    const reader = await store(2);
    const tree = await readTree(reader, { path: '/acquisition/g1' });
    expect([...tree.children.keys()]).toEqual(['a', 'b', 'movie']);
    await expect(readTree(reader, { path: '/acquisition/g1/a' })).rejects.toSatisfy((e) =>
      isNWBError(e, 'InvalidFileError'),
    );
  });

  it('keeps the number of metadata calls in flight within the limit', async () => {
    const inner = await store();
    let inFlight = 0;
    let peak = 0;
    const track =
      <T>(p: () => Promise<T>) =>
      async (): Promise<T> => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 0));
        try {
          return await p();
        } finally {
          inFlight--;
        }
      };
    const reader: StorageReader = {
      format: inner.format,
      location: inner.location,
      capabilities: inner.capabilities,
      stat: (path) => track(() => inner.stat(path))(),
      list: (path) => track(() => inner.list(path))(),
      readAttributes: (path) => track(() => inner.readAttributes(path))(),
      readData: (path, slab, options) => inner.readData(path, slab, options),
      close: () => inner.close(),
    };
    const tree = await readTree(reader, { concurrency: 3 });
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
    expect(tree.children.size).toBe(2);
  });

  it('wraps a failing reader call in a BackendError naming the path', async () => {
    const inner = await store(2);
    const reader: StorageReader = {
      format: inner.format,
      location: inner.location,
      capabilities: inner.capabilities,
      stat: (path) => inner.stat(path),
      list: (path) => inner.list(path),
      readAttributes: async (path) => {
        if (path === '/acquisition/g1/a') throw new Error('disk on fire');
        return inner.readAttributes(path);
      },
      readData: (path, slab, options) => inner.readData(path, slab, options),
      close: () => inner.close(),
    };
    const error = await readTree(reader).catch((e: unknown) => e);
    expect(isNWBError(error, 'BackendError')).toBe(true);
    expect((error as Error).message).toMatch(/^\/acquisition\/g1\/a: readAttributes failed/);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('reads a group seen again (same identity) as a link to where it was first seen, nearest the root', async () => {
    const reader = await store(2);
    // As an HDF5 file with hard links /acquisition/g1/loop -> /acquisition/g1 and /acquisition/g0/up -> /.
    const aliases: Record<string, string> = {
      '/acquisition/g1/loop': '/acquisition/g1',
      '/acquisition/g0/up': '/',
    };
    const withLinks: StorageReader = {
      ...reader,
      format: reader.format,
      location: reader.location,
      capabilities: reader.capabilities,
      stat: async (path) => {
        const info = await reader.stat(aliases[path] ?? path);
        return info?.kind === 'group' ? { kind: 'group', path } : info;
      },
      groupIdentity: async (path) => aliases[path] ?? path,
      list: async (path) => {
        const names = await reader.list(path.replace(/^\/acquisition\/g1\/loop/, '/acquisition/g1'));
        if (path === '/acquisition/g1') return [...names, 'loop'];
        if (path === '/acquisition/g0') return [...names, 'up'];
        return names;
      },
      readAttributes: (path) => reader.readAttributes(aliases[path] ?? path),
      readData: (path, slab, options) => reader.readData(path, slab, options),
      close: () => reader.close(),
    };
    const tree = await readTree(withLinks);
    const g0 = tree.children.get('acquisition')!;
    expect(g0.kind === 'group' && g0.children.get('g1')?.kind).toBe('group');
    const g1 = g0.kind === 'group' ? g0.children.get('g1') : undefined;
    expect(g1?.kind === 'group' && g1.children.get('loop')).toEqual({
      kind: 'link',
      target: '/acquisition/g1',
    });
    const first = g0.kind === 'group' ? g0.children.get('g0') : undefined;
    expect(first?.kind === 'group' && first.children.get('up')).toEqual({ kind: 'link', target: '/' });
  });

  it('refuses groups nested deeper than maxDepth, naming the group', async () => {
    const volume = new MemoryVolume();
    const w = MemoryBackend.create(volume, 'deep');
    let path = '';
    for (let i = 0; i < 6; i++) await w.createGroup((path += '/g'));
    await w.close();
    const reader = await MemoryBackend.open(volume, 'deep');
    await expect(readTree(reader, { maxDepth: 6 })).resolves.toBeDefined();
    await expect(readTree(reader, { maxDepth: 5 })).rejects.toThrow(
      /^\/g\/g\/g\/g\/g\/g: groups nest deeper than 5 levels/,
    );
  });
});
