import { describe, expect, it, vi } from 'vitest';
import type { DatasetInfo } from '../src/storage/backend.js';
import type { NdArray, ObjectRef, CompoundRow } from '../src/storage/values.js';
import { compoundArray, ndarray, objectRef, refArray, textScalar } from '../src/storage/values.js';
import { wholeHyperslab } from '../src/storage/selection.js';
import { NotFoundError, UnsupportedError, isNWBError } from '../src/errors.js';
import type { DataStream, GroupNode } from '../src/tree/nodes.js';
import { datasetNode, groupNode, linkNode } from '../src/tree/nodes.js';
import { readTree } from '../src/tree/read-tree.js';
import { StoredDataset } from '../src/tree/stored-dataset.js';
import { writeTree } from '../src/tree/write-tree.js';
import { snapshotTree } from '../src/testing/snapshot-tree.js';
import { MemoryBackend, MemoryVolume } from './memory-backend.js';

const FRAME = [2, 16, 16]; // channels, height, width
const FRAME_SIZE = 2 * 16 * 16;

function frameValue(t: number, i: number): number {
  return (t * 7 + i) % 65536;
}

function frame(t: number, rows = 1): NdArray {
  return ndarray(
    'uint16',
    [rows, ...FRAME],
    Uint16Array.from({ length: rows * FRAME_SIZE }, (_, i) => frameValue(t, i)),
  );
}

function withMovie(stream: DataStream, layout?: Parameters<typeof datasetNode>[2]): GroupNode {
  return groupNode({}, [
    ['acquisition', groupNode({}, [['movie', groupNode({}, [['data', datasetNode(stream, {}, layout)]])]])],
  ]);
}

async function readAll(writer: MemoryBackend, path: string): Promise<NdArray> {
  const info = (await writer.stat(path)) as DatasetInfo;
  return writer.readData(path, wholeHyperslab(info.shape));
}

describe('writeTree: streams', () => {
  it('writes a 4-D series slab by slab, pulling each slab only after the previous one is written', async () => {
    const volume = new MemoryVolume();
    const writer = MemoryBackend.create(volume, 'movie');
    const frames = 12;
    const produced: number[] = [];
    async function* slabs(): AsyncGenerator<NdArray> {
      for (let t = 0; t < frames; t++) {
        // Lazy consumption: when slab t is asked for, exactly the t slabs before it have been written.
        expect(writer.stats.writeDataCalls).toBe(t);
        produced.push(t);
        yield frame(t);
      }
    }
    const progress = vi.fn();
    const result = await writeTree(
      writer,
      withMovie({ kind: 'stream', dtype: 'uint16', shape: [frames, ...FRAME], slabs: slabs() }),
      {
        onProgress: progress,
      },
    );
    expect(produced).toHaveLength(frames);
    expect(writer.stats.writeDataCalls).toBe(frames);
    expect(writer.stats.largestWrite).toBe(FRAME_SIZE);
    expect(result.bytesWritten).toBe(frames * FRAME_SIZE * 2);
    expect(progress).toHaveBeenCalledTimes(frames);
    expect(progress).toHaveBeenLastCalledWith(
      frames * FRAME_SIZE * 2,
      frames * FRAME_SIZE * 2,
      '/acquisition/movie/data',
    );

    const info = await writer.stat('/acquisition/movie/data');
    // 1 KiB frames are grouped (defaultChunks avoids tiny chunks), up to the declared length.
    expect(info).toMatchObject({
      shape: [frames, ...FRAME],
      chunks: [frames, ...FRAME],
      maxShape: [null, ...FRAME],
    });
    const all = await readAll(writer, '/acquisition/movie/data');
    const expected = Uint16Array.from({ length: frames * FRAME_SIZE }, (_, i) =>
      frameValue(Math.floor(i / FRAME_SIZE), i % FRAME_SIZE),
    );
    expect(Array.from(all.data as Uint16Array)).toEqual(Array.from(expected));
  });

  it('accepts slabs of several rows and honours the node layout', async () => {
    const writer = MemoryBackend.create(new MemoryVolume(), 'x');
    async function* slabs() {
      yield frame(0, 3);
      yield frame(3, 2);
    }
    await writeTree(
      writer,
      withMovie(
        { kind: 'stream', dtype: 'uint16', shape: [5, ...FRAME], slabs: slabs() },
        { chunks: [5, 1, 16, 16], compression: { codec: 'gzip', level: 2 } },
      ),
    );
    expect(await writer.stat('/acquisition/movie/data')).toMatchObject({
      chunks: [5, 1, 16, 16],
      maxShape: [null, ...FRAME],
      compression: { codec: 'gzip', level: 2 },
    });
    const all = await readAll(writer, '/acquisition/movie/data');
    expect((all.data as Uint16Array)[3 * FRAME_SIZE]).toBe(frameValue(3, 0));
  });

  it('gathers text streams and writes them in one call', async () => {
    const writer = MemoryBackend.create(new MemoryVolume(), 'x');
    async function* slabs(): AsyncGenerator<NdArray> {
      yield { dtype: 'utf8', shape: [2], data: ['a', 'b'] };
      yield { dtype: 'utf8', shape: [1], data: ['ç'] };
    }
    await writeTree(
      writer,
      groupNode({}, [['names', datasetNode({ kind: 'stream', dtype: 'utf8', shape: [3], slabs: slabs() })]]),
    );
    expect((await readAll(writer, '/names')).data).toEqual(['a', 'b', 'ç']);
    expect(writer.stats.writeDataCalls).toBe(0);
  });

  const failures: Array<[string, () => AsyncGenerator<NdArray>, RegExp]> = [
    [
      'a slab of the wrong shape',
      async function* () {
        yield frame(0);
        yield ndarray('uint16', [1, 2, 16, 15], new Uint16Array(2 * 16 * 15));
      },
      /^\/acquisition\/movie\/data: stream slab 1 has shape \[1, 2, 16, 15\], expected \[k, 2, 16, 16\]/,
    ],
    [
      'a slab of the wrong dtype',
      async function* () {
        yield ndarray('float32', [1, ...FRAME], new Float32Array(FRAME_SIZE));
      },
      /^\/acquisition\/movie\/data: stream slab 0 has dtype float32, the stream declares uint16/,
    ],
    [
      'more rows than declared',
      async function* () {
        yield frame(0, 3);
        yield frame(3, 2);
      },
      /^\/acquisition\/movie\/data: stream yields more than the declared 4 rows/,
    ],
    [
      'fewer rows than declared',
      async function* () {
        yield frame(0, 3);
      },
      /^\/acquisition\/movie\/data: stream yielded 3 rows, declared 4/,
    ],
  ];
  for (const [what, slabs, message] of failures) {
    it(`fails on ${what}, naming the dataset, and aborts the writer`, async () => {
      const volume = new MemoryVolume();
      const writer = MemoryBackend.create(volume, 'bad');
      const abort = vi.spyOn(writer, 'abort');
      const error = await writeTree(
        writer,
        withMovie({ kind: 'stream', dtype: 'uint16', shape: [4, ...FRAME], slabs: slabs() }),
      ).catch((e: unknown) => e);
      expect(isNWBError(error, 'ValidationError')).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as { path?: string }).path).toBe('/acquisition/movie/data');
      expect(abort).toHaveBeenCalledOnce();
      expect(volume.files.has('bad')).toBe(false);
    });
  }

  it('wraps a stream that throws, keeping the cause', async () => {
    const writer = MemoryBackend.create(new MemoryVolume(), 'x');
    async function* slabs(): AsyncGenerator<NdArray> {
      yield frame(0);
      throw new Error('camera unplugged');
    }
    const error = await writeTree(
      writer,
      withMovie({ kind: 'stream', dtype: 'uint16', shape: [2, ...FRAME], slabs: slabs() }),
    ).catch((e: unknown) => e);
    expect(isNWBError(error, 'BackendError')).toBe(true);
    expect((error as Error).message).toBe('/acquisition/movie/data: writing failed: camera unplugged');
    expect(((error as Error).cause as Error).message).toBe('camera unplugged');
    expect(writer.aborted).toBe(true);
  });
});

describe('writeTree: bounded writes', () => {
  it('writes a big array in runs of rows, none above maxCallBytes', async () => {
    const writer = MemoryBackend.create(new MemoryVolume(), 'x');
    const data = Float32Array.from({ length: 1000 * 10 }, (_, i) => i);
    await writeTree(writer, groupNode({}, [['big', datasetNode(ndarray('float32', [1000, 10], data))]]), {
      maxCallBytes: 4000,
    });
    expect(writer.stats.largestWrite).toBe(1000); // 100 rows of 10 float32
    expect(writer.stats.writeDataCalls).toBe(10);
    const info = await writer.stat('/big');
    expect(info).toMatchObject({ shape: [1000, 10] });
    expect((info as DatasetInfo).chunks).toBeDefined();
    expect(Array.from((await readAll(writer, '/big')).data as Float32Array)).toEqual(Array.from(data));
  });

  it('ends each run of rows on a chunk row of the target, so no chunk is written twice', async () => {
    const writer = MemoryBackend.create(new MemoryVolume(), 'x');
    const data = Float32Array.from({ length: 1000 * 10 }, (_, i) => i);
    const node = datasetNode(ndarray('float32', [1000, 10], data), {}, { chunks: [100, 10] });
    // 250 rows fit in a call; runs end on multiples of 100 rows: 200, 200, 200, 200, 200.
    await writeTree(writer, groupNode({}, [['big', node]]), { maxCallBytes: 250 * 40 });
    expect(writer.stats.writeDataCalls).toBe(5);
    expect(writer.stats.largestWrite).toBe(200 * 10);
    expect(Array.from((await readAll(writer, '/big')).data as Float32Array)).toEqual(Array.from(data));
  });

  it('copies a stored dataset block by block, holding one block at a time', async () => {
    const volume = new MemoryVolume();
    const source = MemoryBackend.create(volume, 'src');
    const shape = [64, 32, 32];
    const data = Int16Array.from({ length: 64 * 1024 }, (_, i) => i % 30000);
    await source.createDataset(
      '/movie',
      { dtype: 'int16', shape, chunks: [4, 32, 32], compression: { codec: 'zstd', level: 3 } },
      {},
      ndarray('int16', shape, data),
    );
    await source.close();
    const reader = MemoryBackend.open(volume, 'src');
    const handle = new StoredDataset(reader, (await reader.stat('/movie')) as DatasetInfo);

    const writer = MemoryBackend.create(volume, 'dst');
    await writeTree(writer, groupNode({}, [['movie', datasetNode(handle)]]), { maxCallBytes: 32 * 1024 });
    expect(reader.stats.readDataCalls).toBe(4); // 16 frames of 2 KiB = 32 KiB per block
    expect(reader.stats.elementsRead).toBe(data.length);
    expect(writer.stats.largestWrite).toBe(16 * 1024);
    expect(await writer.stat('/movie')).toMatchObject({
      chunks: [4, 32, 32],
      compression: { codec: 'zstd', level: 3 },
    });
    expect(Array.from((await readAll(writer, '/movie')).data as Int16Array)).toEqual(Array.from(data));
  });

  it('reads a small stored dataset whole and creates it in one call', async () => {
    const volume = new MemoryVolume();
    const source = MemoryBackend.create(volume, 'src');
    await source.createDataset(
      '/t',
      { dtype: 'float64', shape: [5] },
      {},
      ndarray('float64', [5], Float64Array.of(1, 2, 3, 4, 5)),
    );
    await source.createDataset(
      '/empty',
      { dtype: 'float64', shape: [0, 2] },
      {},
      ndarray('float64', [0, 2], new Float64Array(0)),
    );
    await source.close();
    const reader = MemoryBackend.open(volume, 'src');
    const tree = await readTree(reader);
    const writer = MemoryBackend.create(volume, 'dst');
    await writeTree(writer, tree);
    expect(reader.stats.readDataCalls).toBe(1); // the empty dataset is not read
    expect(writer.stats.writeDataCalls).toBe(0);
    expect(Array.from((await readAll(writer, '/t')).data as Float64Array)).toEqual([1, 2, 3, 4, 5]);
    expect(await writer.stat('/empty')).toMatchObject({ shape: [0, 2] });
  });
});

describe('writeTree: order, references and errors', () => {
  const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  function treeWithRefs(): GroupNode {
    return groupNode(
      { object_id: textScalar(uuid(1)), '.specloc': refArray([objectRef('/specifications')], true) },
      [
        // The references come before their targets in pre-order.
        [
          'a_refs',
          datasetNode(refArray([objectRef('/z/target'), objectRef('/z/target/data')]), {
            target: refArray([objectRef('/z/target')], true),
          }),
        ],
        [
          'a_table',
          datasetNode(
            compoundArray(
              {
                compound: [
                  { name: 'idx_start', dtype: 'int32' },
                  { name: 'count', dtype: 'int32' },
                  { name: 'timeseries', dtype: 'ref' },
                ],
              },
              [{ idx_start: 0, count: 2, timeseries: objectRef('/z/target') }],
            ),
          ),
        ],
        ['link_to_data', linkNode('/z/target/data')],
        ['specifications', groupNode()],
        [
          'z',
          groupNode({}, [
            [
              'target',
              groupNode({ object_id: textScalar(uuid(2)), self: refArray([objectRef('/z/target')], true) }, [
                [
                  'data',
                  datasetNode(ndarray('int8', [2], Int8Array.of(1, 2)), { object_id: textScalar(uuid(3)) }),
                ],
              ]),
            ],
          ]),
        ],
      ],
    );
  }

  it('writes objects in pre-order, then links, then references with object ids filled in', async () => {
    const writer = MemoryBackend.create(new MemoryVolume(), 'x');
    const calls: string[] = [];
    for (const method of ['createGroup', 'createDataset', 'createLink', 'setAttribute'] as const) {
      const original = writer[method].bind(writer) as (...args: unknown[]) => Promise<void>;
      vi.spyOn(writer, method).mockImplementation(async (...args: unknown[]) => {
        calls.push(`${method} ${String(args[0])}${method === 'setAttribute' ? `@${String(args[1])}` : ''}`);
        return original(...args);
      });
    }
    await writeTree(writer, treeWithRefs());
    expect(calls).toEqual([
      'setAttribute /@object_id',
      'createGroup /specifications',
      'createGroup /z',
      'createGroup /z/target',
      'createDataset /z/target/data',
      'createLink /link_to_data',
      'createDataset /a_refs',
      'createDataset /a_table',
      'setAttribute /@.specloc',
      'setAttribute /z/target@self',
    ]);
    const refs = (await readAll(writer, '/a_refs')).data as ObjectRef[];
    expect(refs).toEqual([
      { path: '/z/target', objectId: uuid(2) },
      { path: '/z/target/data', objectId: uuid(3) },
    ]);
    expect((await writer.readAttributes('/a_refs'))['target']?.data).toEqual([
      { path: '/z/target', objectId: uuid(2) },
    ]);
    expect((await writer.readAttributes('/z/target'))['self']?.data).toEqual([
      { path: '/z/target', objectId: uuid(2) },
    ]);
    expect((await writer.readAttributes('/'))['.specloc']?.data).toEqual([{ path: '/specifications' }]);
    const rows = (await readAll(writer, '/a_table')).data as CompoundRow[];
    expect(rows[0]?.['timeseries']).toEqual({ path: '/z/target', objectId: uuid(2) });
    expect(await writer.stat('/link_to_data')).toEqual({
      kind: 'link',
      path: '/link_to_data',
      target: '/z/target/data',
    });
  });

  it('round-trips a tree through a store (writeTree, close, readTree)', async () => {
    const volume = new MemoryVolume();
    const writer = MemoryBackend.create(volume, 'x');
    await writeTree(writer, treeWithRefs());
    await writer.close();
    const tree = await readTree(MemoryBackend.open(volume, 'x'));
    expect(await snapshotTree(tree)).toEqual(await snapshotTree(treeWithRefs()));
  });

  it('aborts and names the path when the backend fails', async () => {
    const volume = new MemoryVolume();
    const writer = MemoryBackend.create(volume, 'x');
    vi.spyOn(writer, 'createDataset').mockRejectedValueOnce(new TypeError('heap exhausted'));
    const error = await writeTree(writer, treeWithRefs()).catch((e: unknown) => e);
    expect(isNWBError(error, 'BackendError')).toBe(true);
    expect((error as Error).message).toBe('/z/target/data: writing failed: heap exhausted');
    expect(writer.aborted).toBe(true);
    expect(volume.files.size).toBe(0);
  });

  it('passes on a backend error that already names its path, and refuses bad names', async () => {
    const writer = MemoryBackend.create(new MemoryVolume(), 'x');
    const original = new NotFoundError('the parent group does not exist', { path: '/z/target/data' });
    vi.spyOn(writer, 'createDataset').mockRejectedValueOnce(original);
    expect(await writeTree(writer, treeWithRefs()).catch((e: unknown) => e)).toBe(original);

    const writer2 = MemoryBackend.create(new MemoryVolume(), 'y');
    const error = await writeTree(writer2, groupNode({}, [['a/b', groupNode()]])).catch((e: unknown) => e);
    expect(isNWBError(error, 'ValidationError')).toBe(true);
    expect((error as Error).message).toBe('/: invalid child name "a/b"');
    expect(writer2.aborted).toBe(true);
  });

  it('gives a path to an nwbjs error that has none, keeping its kind', async () => {
    const writer = MemoryBackend.create(new MemoryVolume(), 'x');
    vi.spyOn(writer, 'createLink').mockRejectedValueOnce(
      new UnsupportedError('no links here', { feature: 'links', backend: 'memory' }),
    );
    const error = await writeTree(writer, treeWithRefs()).catch((e: unknown) => e);
    expect(isNWBError(error, 'UnsupportedError')).toBe(true);
    expect(error).toMatchObject({
      path: '/link_to_data',
      feature: 'links',
      backend: 'memory',
      message: '/link_to_data: no links here',
    });
  });

  it('refuses an array whose data does not match its shape, before writing it', async () => {
    const writer = MemoryBackend.create(new MemoryVolume(), 'x');
    const bad = groupNode({}, [
      ['g', groupNode({}, [['d', datasetNode({ dtype: 'float32', shape: [3], data: new Float32Array(2) })]])],
    ]);
    const error = await writeTree(writer, bad).catch((e: unknown) => e);
    expect(isNWBError(error, 'ValidationError')).toBe(true);
    expect((error as Error).message).toBe('/g/d: shape [3] holds 3 elements, data has 2');
  });

  it('drops a maxShape that does not fit, with a warning', async () => {
    const writer = MemoryBackend.create(new MemoryVolume(), 'x');
    const tree = groupNode({}, [
      ['d', datasetNode(ndarray('int8', [2], Int8Array.of(1, 2)), {}, { chunks: [1], maxShape: [1] })],
    ]);
    const result = await writeTree(writer, tree);
    expect(result.warnings).toEqual([
      { path: '/d', code: 'max-shape-dropped', message: 'maxShape [1] does not fit shape [2]' },
    ]);
    expect(await writer.stat('/d')).toEqual({
      kind: 'dataset',
      path: '/d',
      dtype: 'int8',
      shape: [2],
      chunks: [1],
    });
  });

  it('reports warnings through the callback and the result', async () => {
    const writer = MemoryBackend.create(new MemoryVolume(), 'x', 'w-', {
      capabilities: { compression: ['gzip'], shuffle: false },
    });
    const onWarning = vi.fn();
    const tree = groupNode({}, [
      [
        'd',
        datasetNode(
          ndarray('int16', [100], new Int16Array(100)),
          {},
          { chunks: [10], compression: { codec: 'zstd', level: 12, shuffle: true } },
        ),
      ],
    ]);
    const result = await writeTree(writer, tree, { onWarning });
    expect(result.warnings.map((w) => w.code)).toEqual(['compression-fallback', 'shuffle-dropped']);
    expect(onWarning).toHaveBeenCalledTimes(2);
    expect(await writer.stat('/d')).toMatchObject({ compression: { codec: 'gzip', level: 9 } });
  });
});
