import { describe, expect, it, vi } from 'vitest';
import type { DatasetInfo } from '../src/storage/backend.js';
import { ndarray, objectRef, refArray, textArray, textScalar } from '../src/storage/values.js';
import { UnsupportedError } from '../src/errors.js';
import { copyTree } from '../src/tree/copy-tree.js';
import { readTree } from '../src/tree/read-tree.js';
import { snapshotTree } from '../src/testing/snapshot-tree.js';
import type { MemoryBackendOptions } from './memory-backend.js';
import { MemoryBackend, MemoryVolume } from './memory-backend.js';

async function source(volume: MemoryVolume) {
  const w = MemoryBackend.create(volume, 'src', 'w');
  await w.setAttribute('/', 'object_id', textScalar('root-id'));
  await w.createGroup('/acquisition', { object_id: textScalar('acq-id') });
  await w.createDataset(
    '/acquisition/zstd',
    {
      dtype: 'float32',
      shape: [50, 4],
      chunks: [10, 4],
      compression: { codec: 'zstd', level: 7, shuffle: true },
    },
    {},
    ndarray(
      'float32',
      [50, 4],
      Float32Array.from({ length: 200 }, (_, i) => i),
    ),
  );
  await w.createDataset(
    '/acquisition/plain',
    { dtype: 'int32', shape: [3] },
    {},
    ndarray('int32', [3], Int32Array.of(1, 2, 3)),
  );
  await w.createDataset(
    '/acquisition/names',
    { dtype: 'utf8', shape: [2], chunks: [2], compression: { codec: 'gzip', level: 1 } },
    {},
    textArray(['x', 'y']),
  );
  await w.createDataset(
    '/acquisition/scalar',
    { dtype: 'float64', shape: [] },
    {},
    ndarray('float64', [], Float64Array.of(2.5)),
  );
  await w.createDataset('/refs', { dtype: 'ref', shape: [1] }, {}, refArray([objectRef('/acquisition')]));
  await w.createLink('/alias', { target: '/acquisition/plain' });
  await w.close();
  return MemoryBackend.open(volume, 'src');
}

async function copyInto(
  volume: MemoryVolume,
  name: string,
  capabilities: MemoryBackendOptions['capabilities'],
  options: Parameters<typeof copyTree>[2] = {},
) {
  const reader = await source(volume);
  const writer = MemoryBackend.create(volume, name, 'w-', { capabilities });
  const result = await copyTree(reader, writer, options);
  await writer.close();
  return { reader, result, target: MemoryBackend.open(volume, name) };
}

describe('copyTree', () => {
  it('copies everything, keeping the layout, and fills reference object ids', async () => {
    const volume = new MemoryVolume();
    const { reader, result, target } = await copyInto(volume, 'dst', undefined);
    expect(result.warnings).toEqual([]);
    expect(await snapshotTree(await readTree(target))).toEqual(await snapshotTree(await readTree(reader)));
    expect(await target.stat('/acquisition/zstd')).toMatchObject({
      chunks: [10, 4],
      compression: { codec: 'zstd', level: 7, shuffle: true },
    });
    const refs = await target.readData('/refs', { start: [0], count: [1], step: [1], dropped: [false] });
    expect(refs.data).toEqual([{ path: '/acquisition', objectId: 'acq-id' }]);
  });

  it('falls back to gzip at the same level when the target lacks the codec, and drops shuffle it cannot do', async () => {
    const volume = new MemoryVolume();
    const onWarning = vi.fn();
    const { result, target } = await copyInto(
      volume,
      'dst',
      { compression: ['gzip'], shuffle: false },
      { onWarning },
    );
    expect(result.warnings.map((w) => [w.path, w.code])).toEqual([
      ['/acquisition/zstd', 'compression-fallback'],
      ['/acquisition/zstd', 'shuffle-dropped'],
    ]);
    expect(onWarning).toHaveBeenCalledTimes(2);
    expect((await target.stat('/acquisition/zstd')) as DatasetInfo).toMatchObject({
      chunks: [10, 4],
      compression: { codec: 'gzip', level: 7 },
    });
    expect(((await target.stat('/acquisition/zstd')) as DatasetInfo).compression?.shuffle).toBeUndefined();
  });

  it('writes uncompressed when the target has no codec at all', async () => {
    const volume = new MemoryVolume();
    const { result, target } = await copyInto(volume, 'dst', { compression: [] });
    expect(result.warnings.map((w) => [w.path, w.code])).toEqual([
      ['/acquisition/names', 'compression-dropped'],
      ['/acquisition/zstd', 'compression-dropped'],
    ]);
    const info = (await target.stat('/acquisition/zstd')) as DatasetInfo;
    expect(info.compression).toBeUndefined();
    expect(info.chunks).toEqual([10, 4]);
  });

  it('applies a compression override to numeric datasets only, and null removes compression', async () => {
    const volume = new MemoryVolume();
    const { target } = await copyInto(volume, 'dst', undefined, { compression: { codec: 'gzip', level: 6 } });
    expect(await target.stat('/acquisition/zstd')).toMatchObject({
      compression: { codec: 'gzip', level: 6 },
    });
    expect(await target.stat('/acquisition/plain')).toMatchObject({
      chunks: [3],
      compression: { codec: 'gzip', level: 6 },
    });
    expect(await target.stat('/acquisition/names')).toMatchObject({
      compression: { codec: 'gzip', level: 1 },
    });
    expect(await target.stat('/acquisition/scalar')).toEqual({
      kind: 'dataset',
      path: '/acquisition/scalar',
      dtype: 'float64',
      shape: [],
    });

    const { target: bare } = await copyInto(volume, 'bare', undefined, { compression: null });
    expect(((await bare.stat('/acquisition/zstd')) as DatasetInfo).compression).toBeUndefined();
    expect(((await bare.stat('/acquisition/names')) as DatasetInfo).compression).toBeUndefined();
  });

  it('overrides chunks: auto or per dataset', async () => {
    const volume = new MemoryVolume();
    const { target } = await copyInto(volume, 'auto', undefined, { chunks: 'auto' });
    expect(await target.stat('/acquisition/zstd')).toMatchObject({ chunks: [50, 4] });
    const chooser = vi.fn((path: string) => (path === '/acquisition/zstd' ? [25, 2] : undefined));
    const { target: chosen } = await copyInto(volume, 'chosen', undefined, { chunks: chooser });
    expect(await chosen.stat('/acquisition/zstd')).toMatchObject({ chunks: [25, 2] });
    expect(chooser).toHaveBeenCalledWith('/acquisition/zstd', 'float32', [50, 4]);
  });

  it('writes variable-length text uncompressed where the target cannot compress it', async () => {
    const volume = new MemoryVolume();
    const { result, target } = await copyInto(volume, 'dst', { textCompression: false });
    expect(result.warnings).toEqual([
      {
        path: '/acquisition/names',
        code: 'compression-dropped',
        message: 'the target cannot compress variable-length text; written uncompressed',
      },
    ]);
    expect(await target.stat('/acquisition/names')).toMatchObject({ chunks: [2] });
    expect(((await target.stat('/acquisition/names')) as DatasetInfo).compression).toBeUndefined();
    expect(await target.stat('/acquisition/zstd')).toMatchObject({ compression: { codec: 'zstd' } });
  });

  it('writes blosc data uncompressed where the target lacks its inner compressor', async () => {
    const volume = new MemoryVolume();
    const reader = await source(volume);
    const writer = MemoryBackend.create(volume, 'dst', 'w-', {
      capabilities: { compression: ['blosc'], bloscCompressors: ['lz4'] },
    });
    const result = await copyTree(reader, writer, {
      compression: { codec: 'blosc', cname: 'snappy', level: 5 },
    });
    expect(result.warnings.map((w) => [w.path, w.code, w.message])).toContainEqual([
      '/acquisition/zstd',
      'compression-dropped',
      'blosc compressor snappy is not available; written uncompressed',
    ]);
    expect(((await writer.stat('/acquisition/zstd')) as DatasetInfo).compression).toBeUndefined();
    await writer.abort();
  });

  it('decides compression from capabilities alone: a target refusing it at creation fails the copy', async () => {
    const volume = new MemoryVolume();
    const reader = await source(volume);
    const writer = MemoryBackend.create(volume, 'dst');
    const create = writer.createDataset.bind(writer);
    vi.spyOn(writer, 'createDataset').mockImplementation(async (path, definition, attrs, data) => {
      if (definition.dtype === 'utf8' && definition.compression !== undefined) {
        throw new UnsupportedError('variable-length data cannot be compressed', {
          path,
          feature: 'compression:vlen',
          backend: 'memory',
        });
      }
      return create(path, definition, attrs, data);
    });
    await expect(copyTree(reader, writer)).rejects.toSatisfy(
      (e: unknown) => e instanceof UnsupportedError && e.path === '/acquisition/names',
    );
    expect(writer.aborted).toBe(true);
  });

  it('aborts the target when the source cannot be read', async () => {
    const volume = new MemoryVolume();
    const reader = await source(volume);
    await reader.close();
    const writer = MemoryBackend.create(volume, 'dst');
    await expect(copyTree(reader, writer)).rejects.toThrow(/closed/);
    expect(writer.aborted).toBe(true);
  });
});
