/**
 * The storage conformance suite: one set of vitest tests every backend runs, so that everything
 * above the storage interface can rely on the same behaviour whatever the format. Each test writes
 * a fresh store, closes it, reopens it for reading, and checks what comes back.
 */
import { describe, expect, it } from 'vitest';
import type { Attributes, Compression, StorageReader, StorageWriter } from '../storage/backend.js';
import type { CompoundDType, NumericArray, NumericDType } from '../storage/dtype.js';
import { formatDType, typedArrayFor } from '../storage/dtype.js';
import type { Selection } from '../storage/selection.js';
import { hyperslabShape, slice, toHyperslab, wholeHyperslab } from '../storage/selection.js';
import type { NdArray, ObjectRef } from '../storage/values.js';
import {
  boolArray,
  compoundArray,
  ndarray,
  numericScalar,
  objectRef,
  refArray,
  regionRef,
  shapeSize,
  textArray,
  textScalar,
} from '../storage/values.js';
import { isNWBError } from '../errors.js';
import type { DataBlock, DatasetHandle, GroupNode, TreeNode } from '../tree/nodes.js';
import { datasetNode, groupNode, handleFrames, isDatasetHandle, linkNode } from '../tree/nodes.js';
import { readTree } from '../tree/read-tree.js';
import { StoredDataset } from '../tree/stored-dataset.js';
import { writeTree } from '../tree/write-tree.js';
import { copyTree } from '../tree/copy-tree.js';
import { plainArray, snapshotTree } from './snapshot-tree.js';

/** How the suite makes and reopens stores of the backend under test. */
export interface ConformanceTarget {
  /** A new, empty writer at a fresh location. */
  create(): Promise<StorageWriter>;
  /** Opens for reading what `writer` wrote (called after `writer.close()` or `writer.abort()`). */
  reopen(writer: StorageWriter): Promise<StorageReader>;
}

const NUMERIC_DTYPES: NumericDType[] = [
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'float32',
  'float64',
];

/** Edge values per numeric dtype, five each. */
const EDGE_VALUES: Record<NumericDType, readonly (number | bigint)[]> = {
  int8: [-128, -1, 0, 1, 127],
  uint8: [0, 1, 127, 128, 255],
  int16: [-32768, -1, 0, 1, 32767],
  uint16: [0, 1, 32767, 32768, 65535],
  int32: [-2147483648, -1, 0, 1, 2147483647],
  uint32: [0, 1, 2147483647, 2147483648, 4294967295],
  int64: [-(2n ** 63n), -(2n ** 53n) - 1n, 0n, 1n, 2n ** 63n - 1n],
  uint64: [0n, 1n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n],
  float32: [-1.5, 0, 3.25, -Infinity, NaN],
  float64: [-1e300, 0.1, 0, Math.PI, NaN],
};

const CODECS: Compression['codec'][] = ['gzip', 'zstd', 'blosc', 'lz4', 'bz2', 'lzf'];

const TIME_SERIES_REFERENCE: CompoundDType = {
  compound: [
    { name: 'idx_start', dtype: 'int32' },
    { name: 'count', dtype: 'int32' },
    { name: 'timeseries', dtype: 'ref' },
  ],
};

/**
 * Registers the conformance tests for one backend under `describe(name)`. `target.create()` must
 * give a new empty writer each time; `target.reopen(writer)` opens what that writer committed.
 */
export function describeStorageConformance(name: string, target: ConformanceTarget): void {
  /** Writes with `build`, closes, reopens, runs `check` on the reader, and closes it. */
  async function roundTrip(
    build: (w: StorageWriter) => Promise<void>,
    check: (r: StorageReader) => Promise<void>,
  ) {
    const writer = await target.create();
    try {
      await build(writer);
    } catch (error) {
      await writer.abort().catch(() => undefined);
      throw error;
    }
    await writer.close();
    const reader = await target.reopen(writer);
    try {
      await check(reader);
    } finally {
      await reader.close();
    }
  }

  describe(`${name}: storage conformance`, () => {
    describe('structure', () => {
      it('starts as an empty root group', async () => {
        const writer = await target.create();
        expect(await writer.stat('/')).toEqual({ kind: 'group', path: '/' });
        expect(await writer.list('/')).toEqual([]);
        await writer.abort();
      });

      it('creates nested groups with attributes and lists children sorted', async () => {
        const names = ['b', 'a', 'B', '_c', '10', '9'];
        await roundTrip(
          async (w) => {
            await w.createGroup('/outer', { note: textScalar('outer') });
            await w.createGroup('/outer/inner');
            for (const [i, child] of names.entries()) {
              if (i % 2 === 0) await w.createGroup(`/outer/inner/${child}`);
              else
                await w.createDataset(
                  `/outer/inner/${child}`,
                  { dtype: 'int32', shape: [1] },
                  {},
                  ndarray('int32', [1], Int32Array.of(i)),
                );
            }
          },
          async (r) => {
            expect(await r.list('/')).toEqual(['outer']);
            expect(await r.list('/outer')).toEqual(['inner']);
            expect(await r.list('/outer/inner')).toEqual([...names].sort());
            expect(plainArray((await r.readAttributes('/outer'))['note']!).values).toEqual(['outer']);
            expect(await r.readAttributes('/outer/inner')).toEqual({});
          },
        );
      });

      it('stats groups and datasets, and returns undefined for missing paths', async () => {
        await roundTrip(
          async (w) => {
            await w.createGroup('/g');
            await w.createDataset(
              '/g/d',
              { dtype: 'float64', shape: [2, 3] },
              {},
              ndarray('float64', [2, 3], new Float64Array(6)),
            );
          },
          async (r) => {
            expect(await r.stat('/')).toEqual({ kind: 'group', path: '/' });
            expect(await r.stat('/g')).toEqual({ kind: 'group', path: '/g' });
            const info = await r.stat('/g/d');
            expect(info).toMatchObject({ kind: 'dataset', path: '/g/d', dtype: 'float64', shape: [2, 3] });
            expect(await r.stat('/missing')).toBeUndefined();
            expect(await r.stat('/g/missing')).toBeUndefined();
            expect(await r.stat('/missing/deeper')).toBeUndefined();
          },
        );
      });

      it('refuses a group whose parent is missing', async () => {
        const writer = await target.create();
        await expect(writer.createGroup('/no/such/parent')).rejects.toSatisfy(isNWBError);
        await writer.abort();
      });
    });

    describe('dtypes', () => {
      for (const dtype of NUMERIC_DTYPES) {
        it(`round-trips ${dtype} (1-D, 2-D, scalar)`, async () => {
          const edges = EDGE_VALUES[dtype];
          const oneD = ndarray(dtype, [5], typedOf(dtype, edges));
          const grid = ndarray(
            dtype,
            [2, 3],
            typedOf(
              dtype,
              [0, 1, 2, 3, 4, 5].map((v) => cast(dtype, v)),
            ),
          );
          const scalar = numericScalar(dtype, edges[4]!);
          await roundTrip(
            async (w) => {
              await w.createDataset('/one_d', { dtype, shape: [5] }, {}, oneD);
              await w.createDataset('/two_d', { dtype, shape: [2, 3] }, {}, grid);
              await w.createDataset('/scalar', { dtype, shape: [] }, {}, scalar);
            },
            async (r) => {
              await expectDataset(r, '/one_d', oneD);
              await expectDataset(r, '/two_d', grid);
              await expectDataset(r, '/scalar', scalar);
            },
          );
        });
      }

      it('round-trips bool', async () => {
        const values = boolArray([true, false, false, true]);
        const grid = boolArray([true, false, true, true, false, false], [2, 3]);
        const scalar = boolArray([true], []);
        await roundTrip(
          async (w) => {
            await w.createDataset('/flags', { dtype: 'bool', shape: [4] }, {}, values);
            await w.createDataset('/grid', { dtype: 'bool', shape: [2, 3] }, {}, grid);
            await w.createDataset('/scalar', { dtype: 'bool', shape: [] }, {}, scalar);
          },
          async (r) => {
            await expectDataset(r, '/flags', values);
            await expectDataset(r, '/grid', grid);
            await expectDataset(r, '/scalar', scalar);
          },
        );
      });

      it('round-trips utf8 text, including non-ASCII and empty strings', async () => {
        const words = textArray(['plain', 'Grüße', '日本語', 'brain 🧠', '']);
        const grid: NdArray = { dtype: 'utf8', shape: [2, 2], data: ['a', 'ß', 'ç', 'd'] };
        const scalar = textScalar('Größe: 42 µm');
        await roundTrip(
          async (w) => {
            await w.createDataset('/words', { dtype: 'utf8', shape: [5] }, {}, words);
            await w.createDataset('/grid', { dtype: 'utf8', shape: [2, 2] }, {}, grid);
            await w.createDataset('/scalar', { dtype: 'utf8', shape: [] }, {}, scalar);
          },
          async (r) => {
            await expectDataset(r, '/words', words);
            await expectDataset(r, '/grid', grid);
            await expectDataset(r, '/scalar', scalar);
          },
        );
      });

      it('round-trips ascii text and keeps it apart from utf8', async () => {
        const dates = textArray(['2018-04-25T02:30:03-07:00', '2024-01-01T12:00:00+00:00'], 'ascii');
        const scalar = textScalar('2018-04-25T02:30:03-07:00', 'ascii');
        await roundTrip(
          async (w) => {
            await w.createDataset('/dates', { dtype: 'ascii', shape: [2] }, {}, dates);
            await w.createDataset('/scalar', { dtype: 'ascii', shape: [] }, {}, scalar);
          },
          async (r) => {
            await expectDataset(r, '/dates', dates);
            await expectDataset(r, '/scalar', scalar);
          },
        );
      });

      it('round-trips object references (1-D and scalar) to groups and datasets', async () => {
        const refs = refArray([objectRef('/g'), objectRef('/g/d'), objectRef('/g')]);
        const scalar = refArray([objectRef('/g/d')], true);
        await roundTrip(
          async (w) => {
            await w.createGroup('/g');
            await w.createDataset(
              '/g/d',
              { dtype: 'int32', shape: [2] },
              {},
              ndarray('int32', [2], Int32Array.of(1, 2)),
            );
            await w.createDataset('/refs', { dtype: 'ref', shape: [3] }, {}, refs);
            await w.createDataset('/scalar_ref', { dtype: 'ref', shape: [] }, {}, scalar);
          },
          async (r) => {
            await expectDataset(r, '/refs', refs);
            await expectDataset(r, '/scalar_ref', scalar);
          },
        );
      });

      it('round-trips compound rows with a reference member (when capable)', async ({ skip }) => {
        const rows = compoundArray(TIME_SERIES_REFERENCE, [
          { idx_start: 0, count: 5, timeseries: objectRef('/ts') },
          { idx_start: 5, count: 3, timeseries: objectRef('/ts') },
        ]);
        const writer = await target.create();
        if (!writer.capabilities.compound) {
          await writer.abort();
          skip();
          return;
        }
        await writer.createGroup('/ts');
        await writer.createDataset('/rows', { dtype: TIME_SERIES_REFERENCE, shape: [2] }, {}, rows);
        await writer.close();
        const reader = await target.reopen(writer);
        try {
          await expectDataset(reader, '/rows', rows);
        } finally {
          await reader.close();
        }
      });

      it('round-trips compound rows of numbers (as PlaneSegmentation pixel_mask), and rows with text (when capable)', async ({
        skip,
      }) => {
        const pixelMask: CompoundDType = {
          compound: [
            { name: 'x', dtype: 'float64' },
            { name: 'y', dtype: 'uint32' },
            { name: 'weight', dtype: 'float32' },
            { name: 'id', dtype: 'int64' },
          ],
        };
        const masks = compoundArray(pixelMask, [
          { x: 1.5, y: 2, weight: 0.25, id: -(2n ** 40n) },
          { x: -3, y: 4294967295, weight: 1, id: 7n },
          { x: 0, y: 0, weight: 0.5, id: 0n },
        ]);
        const withText: CompoundDType = {
          compound: [
            { name: 'start_time', dtype: 'float64' },
            { name: 'tags', dtype: 'utf8' },
            { name: 'timeseries', dtype: 'ref' },
          ],
        };
        const epochs = compoundArray(withText, [
          { start_time: 0.5, tags: 'Müller µV', timeseries: objectRef('/ts') },
          { start_time: 2, tags: '', timeseries: objectRef('/ts') },
        ]);
        const writer = await target.create();
        if (!writer.capabilities.compound) {
          await writer.abort();
          skip();
          return;
        }
        await writer.createGroup('/ts');
        await writer.createDataset('/pixel_mask', { dtype: pixelMask, shape: [3] }, {}, masks);
        await writer.createDataset('/epochs', { dtype: withText, shape: [2] }, {}, epochs);
        await writer.close();
        const reader = await target.reopen(writer);
        try {
          await expectDataset(reader, '/pixel_mask', masks);
          await expectDataset(reader, '/epochs', epochs);
        } finally {
          await reader.close();
        }
      });

      it('round-trips region references, alone and in compound rows (when capable)', async ({ skip }) => {
        const regions = ndarray(
          'region',
          [3],
          [
            regionRef('/g/d', { kind: 'hyperslab', start: [0], stride: [1], count: [2], block: [1] }),
            regionRef('/g/d', { kind: 'hyperslab', start: [2], stride: [1], count: [3], block: [1] }),
            regionRef('/g/d', { kind: 'all' }),
          ],
        );
        const epochType: CompoundDType = {
          compound: [
            { name: 'start_time', dtype: 'float64' },
            { name: 'timeseries', dtype: 'region' },
          ],
        };
        const epochs = compoundArray(epochType, [
          {
            start_time: 1,
            timeseries: regionRef('/g/d', {
              kind: 'hyperslab',
              start: [1],
              stride: [2],
              count: [2],
              block: [1],
            }),
          },
        ]);
        const writer = await target.create();
        if (writer.capabilities.regionReferences !== true) {
          await writer.abort();
          skip();
          return;
        }
        await writer.createGroup('/g');
        await writer.createDataset(
          '/g/d',
          { dtype: 'int32', shape: [5] },
          {},
          ndarray('int32', [5], new Int32Array(5)),
        );
        await writer.createDataset('/regions', { dtype: 'region', shape: [3] }, {}, regions);
        await writer.createDataset('/epochs', { dtype: epochType, shape: [1] }, {}, epochs);
        await writer.close();
        const reader = await target.reopen(writer);
        try {
          expect(await reader.stat('/regions')).toMatchObject({ dtype: 'region', shape: [3] });
          await expectDataset(reader, '/regions', regions);
          await expectDataset(reader, '/epochs', epochs);
        } finally {
          await reader.close();
        }
      });

      it('keeps fixed-length ASCII text fixed-length, in datasets and attributes, and bytes that are not UTF-8', async () => {
        const colnames = { ...textArray(['id', 'location'], 'ascii'), textLength: 8 };
        const unit = { ...textArray(['\udcb5V'], 'ascii'), textLength: 2 };
        await roundTrip(
          async (w) => {
            await w.createGroup('/table', { colnames });
            await w.createDataset('/table/unit', { dtype: 'ascii', shape: [1] }, { unit }, unit);
          },
          async (r) => {
            const attrs = await r.readAttributes('/table');
            expect(attrs['colnames']).toMatchObject({
              dtype: 'ascii',
              textLength: 8,
              data: ['id', 'location'],
            });
            const data = await r.readData('/table/unit', wholeHyperslab([1]));
            expect(data).toMatchObject({ dtype: 'ascii', textLength: 2, data: ['\udcb5V'] });
            expect((await r.readAttributes('/table/unit'))['unit']).toMatchObject({
              textLength: 2,
              data: ['\udcb5V'],
            });
          },
        );
      });

      it('round-trips empty arrays', async () => {
        const cases: Array<[string, NdArray]> = [
          ['/empty_1d', ndarray('int32', [0], new Int32Array(0))],
          ['/empty_2d', ndarray('float64', [0, 3], new Float64Array(0))],
          ['/empty_3d', ndarray('uint8', [0, 0, 0], new Uint8Array(0))],
          ['/empty_text', textArray([])],
        ];
        await roundTrip(
          async (w) => {
            for (const [path, array] of cases)
              await w.createDataset(path, { dtype: array.dtype, shape: array.shape }, {}, array);
          },
          async (r) => {
            for (const [path, array] of cases) {
              expect(await r.stat(path)).toMatchObject({
                kind: 'dataset',
                dtype: array.dtype,
                shape: array.shape,
              });
              await expectDataset(r, path, array);
            }
          },
        );
      });
    });

    describe('attributes', () => {
      it('round-trips attributes of every kind, keeping dtypes distinct', async () => {
        const attrs: Attributes = {};
        for (const dtype of NUMERIC_DTYPES) {
          attrs[`scalar_${dtype}`] = numericScalar(
            dtype,
            dtype.startsWith('float') ? 0.5 : dtype.startsWith('u') ? 7 : -7,
          );
          attrs[`array_${dtype}`] = ndarray(
            dtype,
            [3],
            typedOf(
              dtype,
              [1, 2, 3].map((v) => cast(dtype, v)),
            ),
          );
        }
        // The same number in four dtypes: formats that store attributes as JSON must not merge them.
        attrs['one_int32'] = numericScalar('int32', 1);
        attrs['one_int64'] = numericScalar('int64', 1);
        attrs['one_float32'] = numericScalar('float32', 1);
        attrs['one_float64'] = numericScalar('float64', 1);
        attrs['tenth_float64'] = numericScalar('float64', 0.1);
        attrs['bool_scalar'] = boolArray([true], []);
        attrs['bool_array'] = boolArray([true, false, true]);
        attrs['text'] = textScalar('Grüße aus 東京 🧠');
        attrs['empty_text'] = textScalar('');
        attrs['text_array'] = textArray(['Baggins, Bilbo', 'Ünal, Zoë']);
        attrs['date'] = textScalar('2018-04-25T02:30:03-07:00', 'ascii');
        attrs['ascii_array'] = textArray(['a', 'bc'], 'ascii');
        attrs['grid_int32'] = ndarray('int32', [2, 2], Int32Array.of(1, 2, 3, 4));
        const datasetAttrs: Attributes = {
          unit: textScalar('volts'),
          conversion: numericScalar('float32', 2.5),
          resolution: numericScalar('float64', -1),
        };
        await roundTrip(
          async (w) => {
            await w.createGroup('/g', attrs);
            await w.createDataset(
              '/g/d',
              { dtype: 'float32', shape: [2] },
              datasetAttrs,
              ndarray('float32', [2], Float32Array.of(1, 2)),
            );
            await w.setAttribute('/g', 'device', refArray([objectRef('/g/d')], true));
            await w.setAttribute('/g/d', 'source', refArray([objectRef('/g')], true));
            await w.setAttribute('/', 'late', textScalar('set on the root'));
          },
          async (r) => {
            const got = await r.readAttributes('/g');
            expect(Object.keys(got).sort()).toEqual([...Object.keys(attrs), 'device'].sort());
            for (const [key, value] of Object.entries(attrs)) {
              expect(plainArray(got[key]!), key).toEqual(plainArray(value));
            }
            expect(plainArray(got['device']!)).toEqual({ dtype: 'ref', shape: [], values: ['->/g/d'] });
            const onDataset = await r.readAttributes('/g/d');
            expect(Object.keys(onDataset).sort()).toEqual(['conversion', 'resolution', 'source', 'unit']);
            for (const [key, value] of Object.entries(datasetAttrs)) {
              expect(plainArray(onDataset[key]!), key).toEqual(plainArray(value));
            }
            expect(plainArray(onDataset['source']!).values).toEqual(['->/g']);
            expect(plainArray((await r.readAttributes('/'))['late']!).values).toEqual(['set on the root']);
          },
        );
      });

      it('replaces an attribute that is set again', async () => {
        await roundTrip(
          async (w) => {
            await w.createGroup('/g', { v: numericScalar('int32', 1) });
            await w.setAttribute('/g', 'v', textScalar('two'));
          },
          async (r) => {
            expect(plainArray((await r.readAttributes('/g'))['v']!)).toEqual({
              dtype: 'utf8',
              shape: [],
              values: ['two'],
            });
          },
        );
      });
    });

    describe('layout', () => {
      for (const codec of CODECS) {
        it(`writes chunked ${codec}-compressed datasets (when capable)`, async ({ skip }) => {
          const writer = await target.create();
          if (!writer.capabilities.compression.includes(codec)) {
            await writer.abort();
            skip();
            return;
          }
          const compression: Compression =
            codec === 'blosc'
              ? { codec, level: 5, cname: 'lz4', shuffle: true }
              : { codec, level: codec === 'zstd' ? 3 : 4 };
          const floats = ndarray(
            'float32',
            [100, 37],
            Float32Array.from({ length: 3700 }, (_, i) => Math.sin(i / 50)),
          );
          const longs = ndarray(
            'int64',
            [50],
            BigInt64Array.from({ length: 50 }, (_, i) => BigInt(i) * 10_000_000_000n),
          );
          await writer.createDataset(
            '/floats',
            { dtype: 'float32', shape: [100, 37], chunks: [16, 10], compression },
            {},
            floats,
          );
          await writer.createDataset(
            '/longs',
            { dtype: 'int64', shape: [50], chunks: [16], compression },
            {},
            longs,
          );
          await writer.close();
          const reader = await target.reopen(writer);
          try {
            const info = await reader.stat('/floats');
            expect(info).toMatchObject({ kind: 'dataset', chunks: [16, 10], compression: { codec } });
            await expectDataset(reader, '/floats', floats);
            await expectDataset(reader, '/longs', longs);
          } finally {
            await reader.close();
          }
        });
      }

      it('writes gzip with shuffle (when capable)', async ({ skip }) => {
        const writer = await target.create();
        if (!writer.capabilities.compression.includes('gzip') || !writer.capabilities.shuffle) {
          await writer.abort();
          skip();
          return;
        }
        const data = ndarray(
          'int16',
          [64, 8],
          Int16Array.from({ length: 512 }, (_, i) => (i * 37) % 1000),
        );
        await writer.createDataset(
          '/d',
          {
            dtype: 'int16',
            shape: [64, 8],
            chunks: [16, 8],
            compression: { codec: 'gzip', level: 4, shuffle: true },
          },
          {},
          data,
        );
        await writer.close();
        const reader = await target.reopen(writer);
        try {
          await expectDataset(reader, '/d', data);
        } finally {
          await reader.close();
        }
      });

      it('refuses a codec it lacks with an UnsupportedError', async ({ skip }) => {
        const writer = await target.create();
        const missing = CODECS.find((c) => !writer.capabilities.compression.includes(c));
        if (missing === undefined) {
          await writer.abort();
          skip();
          return;
        }
        await expect(
          writer.createDataset(
            '/d',
            { dtype: 'uint8', shape: [4], chunks: [4], compression: { codec: missing } },
            {},
            ndarray('uint8', [4], new Uint8Array(4)),
          ),
        ).rejects.toSatisfy((e: unknown) => isNWBError(e, 'UnsupportedError'));
        await writer.abort();
      });

      it('writes blocks at offsets, readable before and after close; unwritten elements read as 0', async () => {
        const expected = new Int16Array(48);
        const blocks: Array<[number[], number[]]> = [
          [
            [0, 0],
            [2, 8],
          ],
          [
            [2, 0],
            [4, 3],
          ],
          [
            [2, 3],
            [4, 5],
          ],
        ];
        const frames = ndarray(
          'uint8',
          [4, 3, 5],
          Uint8Array.from({ length: 60 }, (_, i) => i),
        );
        await roundTrip(
          async (w) => {
            await w.createDataset('/grid', { dtype: 'int16', shape: [6, 8], chunks: [4, 4] });
            let next = 1;
            for (const [start, shape] of blocks) {
              const block = ndarray(
                'int16',
                shape,
                Int16Array.from({ length: shapeSize(shape) }, () => next++),
              );
              await w.writeData('/grid', start, block);
              fill(expected, [6, 8], start, shape, block.data as Int16Array);
            }
            await w.writeData('/grid', [5, 7], ndarray('int16', [1, 1], Int16Array.of(-5)));
            expected[47] = -5;
            expect(
              Array.from((await w.readData('/grid', wholeHyperslab([6, 8]))).data as Int16Array),
            ).toEqual(Array.from(expected));

            await w.createDataset('/frames', { dtype: 'uint8', shape: [4, 3, 5], chunks: [1, 3, 5] });
            for (let i = 0; i < 4; i++) {
              await w.writeData(
                '/frames',
                [i, 0, 0],
                ndarray('uint8', [1, 3, 5], (frames.data as Uint8Array).slice(i * 15, i * 15 + 15)),
              );
            }
            await w.createDataset('/sparse', { dtype: 'float64', shape: [4, 4], chunks: [2, 2] });
            await w.writeData('/sparse', [1, 1], ndarray('float64', [2, 2], Float64Array.of(1, 2, 3, 4)));
          },
          async (r) => {
            await expectDataset(r, '/grid', ndarray('int16', [6, 8], expected));
            await expectDataset(r, '/frames', frames);
            await expectDataset(
              r,
              '/sparse',
              ndarray('float64', [4, 4], Float64Array.of(0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0)),
            );
          },
        );
      });

      it('resizes within maxShape, and refuses to grow or write beyond it', async () => {
        const rows = (from: number, n: number) =>
          ndarray(
            'float64',
            [n, 3],
            Float64Array.from({ length: n * 3 }, (_, i) => from * 3 + i),
          );
        await roundTrip(
          async (w) => {
            await w.createDataset('/grow', {
              dtype: 'float64',
              shape: [0, 3],
              chunks: [4, 3],
              maxShape: [null, 3],
            });
            await w.resize('/grow', [5, 3]);
            await w.writeData('/grow', [0, 0], rows(0, 5));
            await w.resize('/grow', [9, 3]);
            await w.writeData('/grow', [5, 0], rows(5, 4));
            expect(await w.stat('/grow')).toMatchObject({ shape: [9, 3], maxShape: [null, 3] });
            await expect(w.resize('/grow', [9, 4])).rejects.toSatisfy(isNWBError);
            await expect(w.writeData('/grow', [8, 0], rows(8, 2))).rejects.toSatisfy(isNWBError);
            await w.createDataset('/fixed', { dtype: 'int32', shape: [4], chunks: [2], maxShape: [6] });
            await w.resize('/fixed', [6]);
            await expect(w.resize('/fixed', [7])).rejects.toSatisfy(isNWBError);
          },
          async (r) => {
            expect(await r.stat('/grow')).toMatchObject({
              shape: [9, 3],
              chunks: [4, 3],
              maxShape: [null, 3],
            });
            await expectDataset(r, '/grow', rows(0, 9));
            expect(await r.stat('/fixed')).toMatchObject({ shape: [6], maxShape: [6] });
          },
        );
      });
    });

    describe('reading selections', () => {
      const shape = [5, 6, 7];
      const cube = ndarray(
        'float64',
        shape,
        Float64Array.from({ length: 210 }, (_, i) => i + 0.5),
      );
      const selections: Selection[] = [
        [],
        [slice(1, 4)],
        [2],
        [null, slice(0, 6, 2), -1],
        [-1, -2, -3],
        [slice(0, 5, 3), slice(1, undefined, 4), slice(6, 1, 2)],
        [slice(-2), 3, slice(undefined, undefined, 3)],
        [slice(3, 1)],
      ];

      it('reads hyperslabs with steps, negative indices and dropped axes', async () => {
        await roundTrip(
          async (w) => {
            await w.createDataset('/cube', { dtype: 'float64', shape, chunks: [2, 3, 7] }, {}, cube);
            await w.createDataset(
              '/words',
              { dtype: 'utf8', shape: [6] },
              {},
              textArray(['a', 'b', 'c', 'ä', 'e', 'f']),
            );
            await w.createDataset(
              '/longs',
              { dtype: 'int64', shape: [4, 2] },
              {},
              ndarray('int64', [4, 2], BigInt64Array.from([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n])),
            );
          },
          async (r) => {
            for (const selection of selections) {
              const slab = toHyperslab(shape, selection);
              const got = await r.readData('/cube', slab);
              expect(got.shape, JSON.stringify(selection)).toEqual(hyperslabShape(slab));
              expect(Array.from(got.data as Float64Array), JSON.stringify(selection)).toEqual(
                select(cube, selection).values,
              );
            }
            const words = await r.readData('/words', toHyperslab([6], [slice(1, undefined, 2)]));
            expect(words.data).toEqual(['b', 'ä', 'f']);
            const longs = await r.readData('/longs', toHyperslab([4, 2], [slice(1, 4, 2), -1]));
            expect(longs.shape).toEqual([2]);
            expect(Array.from(longs.data as BigInt64Array)).toEqual([3n, 7n]);
          },
        );
      });

      it('reads into a caller-supplied out buffer, reusing it', async () => {
        await roundTrip(
          async (w) => {
            await w.createDataset('/cube', { dtype: 'float64', shape, chunks: [1, 6, 7] }, {}, cube);
          },
          async (r) => {
            const out = new Float64Array(42);
            for (const frame of [2, 4]) {
              const got = await r.readData('/cube', toHyperslab(shape, [frame]), { out });
              expect(got.shape).toEqual([6, 7]);
              expect((got.data as Float64Array).buffer).toBe(out.buffer);
              expect(Array.from(out)).toEqual(select(cube, [frame]).values);
            }
            const info = await r.stat('/cube');
            if (info?.kind !== 'dataset') throw new Error('expected a dataset');
            const handle = new StoredDataset(r, info);
            const viaHandle = await handle.read([1, slice(0, 6, 2)], { out });
            expect(Array.from(viaHandle.data as Float64Array)).toEqual(
              select(cube, [1, slice(0, 6, 2)]).values,
            );
          },
        );
      });
    });

    describe('links', () => {
      it('creates soft links to a group and to a dataset; stat does not follow them', async () => {
        await roundTrip(
          async (w) => {
            await w.createGroup('/g');
            await w.createDataset(
              '/g/d',
              { dtype: 'int32', shape: [3] },
              {},
              ndarray('int32', [3], Int32Array.of(1, 2, 3)),
            );
            await w.createLink('/to_group', { target: '/g' });
            await w.createLink('/g/to_dataset', { target: '/g/d' });
          },
          async (r) => {
            expect(await r.list('/')).toEqual(['g', 'to_group']);
            expect(await r.list('/g')).toEqual(['d', 'to_dataset']);
            expect(await r.stat('/to_group')).toEqual({ kind: 'link', path: '/to_group', target: '/g' });
            expect(await r.stat('/g/to_dataset')).toEqual({
              kind: 'link',
              path: '/g/to_dataset',
              target: '/g/d',
            });
            const tree = await readTree(r);
            expect(tree.children.get('to_group')).toEqual(linkNode('/g'));
            const g = tree.children.get('g');
            expect(g?.kind === 'group' ? g.children.get('to_dataset') : undefined).toEqual(linkNode('/g/d'));
          },
        );
      });

      it('creates external links (when capable)', async ({ skip }) => {
        const writer = await target.create();
        if (!writer.capabilities.externalLinks) {
          await writer.abort();
          skip();
          return;
        }
        await writer.createGroup('/acquisition');
        await writer.createLink('/acquisition/external', { target: '/acquisition/movie', file: 'other.nwb' });
        await writer.close();
        const reader = await target.reopen(writer);
        try {
          expect(await reader.stat('/acquisition/external')).toEqual({
            kind: 'link',
            path: '/acquisition/external',
            target: '/acquisition/movie',
            file: 'other.nwb',
          });
          expect(await reader.list('/acquisition')).toEqual(['external']);
        } finally {
          await reader.close();
        }
      });
    });

    describe('lifecycle and errors', () => {
      it('close() commits and makes the store readable; later writes fail', async () => {
        const writer = await target.create();
        await writer.createGroup('/g', { a: textScalar('x') });
        await writer.close();
        await expect(writer.createGroup('/late')).rejects.toThrow();
        const reader = await target.reopen(writer);
        try {
          expect(await reader.list('/')).toEqual(['g']);
        } finally {
          await reader.close();
        }
      });

      it('abort() leaves nothing to open', async () => {
        const writer = await target.create();
        await writer.createGroup('/g');
        await writer.createDataset(
          '/g/d',
          { dtype: 'uint8', shape: [3] },
          {},
          ndarray('uint8', [3], Uint8Array.of(1, 2, 3)),
        );
        await writer.abort();
        await expect(target.reopen(writer)).rejects.toThrow();
      });

      it('throws NotFoundError for missing paths', async () => {
        await roundTrip(
          async (w) => {
            await w.createGroup('/g');
          },
          async (r) => {
            await expect(r.readData('/missing', wholeHyperslab([1]))).rejects.toSatisfy((e: unknown) =>
              isNWBError(e, 'NotFoundError'),
            );
            await expect(r.readAttributes('/missing')).rejects.toSatisfy((e: unknown) =>
              isNWBError(e, 'NotFoundError'),
            );
            await expect(r.readAttributes('/g/missing')).rejects.toSatisfy((e: unknown) =>
              isNWBError(e, 'NotFoundError'),
            );
          },
        );
      });

      it('refuses data whose shape differs from the definition, and writes outside the shape', async () => {
        const writer = await target.create();
        await expect(
          writer.createDataset(
            '/bad',
            { dtype: 'int32', shape: [3] },
            {},
            ndarray('int32', [2], Int32Array.of(1, 2)),
          ),
        ).rejects.toThrow();
        await writer.createDataset('/fixed', {
          dtype: 'int32',
          shape: [4, 2],
          chunks: [2, 2],
          maxShape: [4, 2],
        });
        await expect(
          writer.writeData('/fixed', [3, 0], ndarray('int32', [2, 2], new Int32Array(4))),
        ).rejects.toSatisfy(isNWBError);
        await writer.abort();
      });

      it("refuses bad input as core's checks do: a ValidationError naming the path and the rule", async () => {
        const writer = await target.create();
        const rule = (expected: string) => (e: unknown) =>
          isNWBError(e, 'ValidationError') && e.rule === expected && e.path === '/d';
        const ints = (shape: number[]) => ndarray('int32', shape, new Int32Array(shapeSize(shape)));
        await expect(
          writer.createDataset('/d', { dtype: 'int32', shape: [4, 2], chunks: [2] }),
        ).rejects.toSatisfy(rule('dataset-layout'));
        await expect(
          writer.createDataset(
            '/d',
            { dtype: 'int32', shape: [4] },
            {},
            ndarray('int16', [4], new Int16Array(4)),
          ),
        ).rejects.toSatisfy(rule('dataset-dtype'));
        await expect(
          writer.createDataset('/d', { dtype: 'int32', shape: [4] }, {}, ints([2, 2])),
        ).rejects.toSatisfy(rule('dataset-shape'));
        await writer.createDataset('/d', { dtype: 'int32', shape: [4, 2], chunks: [2, 2] }, {}, ints([4, 2]));
        await expect(writer.writeData('/d', [3, 1], ints([1, 2]))).rejects.toSatisfy(rule('block-bounds'));
        await expect(writer.writeData('/d', [0], ints([1, 2]))).rejects.toSatisfy(rule('block-bounds'));
        await expect(writer.resize('/d', [5, 2])).rejects.toSatisfy(rule('resize-bounds'));
        const outside = { start: [3, 0], count: [2, 2], step: [1, 1], dropped: [false, false] };
        await expect(writer.readData('/d', outside)).rejects.toSatisfy(rule('selection-bounds'));
        await writer.abort();
      });
    });

    describe('stored chunks (conversion by copying chunks, where the backend offers it)', () => {
      /** A store written with {@link writeSparse}, reopened for reading, and the values it holds. */
      async function sparseStore(): Promise<{ reader: StorageReader; expected: Uint16Array }> {
        const writer = await target.create();
        let expected: Uint16Array;
        try {
          expected = await writeSparse(writer);
        } catch (error) {
          await writer.abort();
          throw error;
        }
        await writer.close();
        return { reader: await target.reopen(writer), expected };
      }

      /** A 10x6 uint16 dataset in 3x4 chunks, gzip and shuffle where capable; chunk row 1 never written. */
      async function writeSparse(writer: StorageWriter): Promise<Uint16Array> {
        const compression: Compression | undefined = writer.capabilities.compression.includes('gzip')
          ? { codec: 'gzip', level: 4, ...(writer.capabilities.shuffle ? { shuffle: true } : {}) }
          : undefined;
        await writer.createDataset('/sparse', {
          dtype: 'uint16',
          shape: [10, 6],
          chunks: [3, 4],
          ...(compression === undefined ? {} : { compression }),
        });
        const values = Uint16Array.from({ length: 60 }, (_, i) => (i * 37) % 1000);
        await writer.writeData('/sparse', [0, 0], ndarray('uint16', [3, 6], values.subarray(0, 18)));
        await writer.writeData('/sparse', [6, 0], ndarray('uint16', [4, 6], values.subarray(36)));
        const expected = values.slice();
        expected.fill(0, 18, 36);
        return expected;
      }

      it('lists only the chunks written, hands them out and stores them as they are', async ({ skip }) => {
        const { reader, expected } = await sparseStore();
        const copy = await target.create();
        try {
          if (
            reader.chunkEncoding === undefined ||
            reader.storedChunks === undefined ||
            reader.readStoredChunk === undefined
          ) {
            skip();
            return;
          }
          const encoding = await reader.chunkEncoding('/sparse');
          if (encoding === undefined) {
            skip();
            return;
          }
          expect(encoding.dtype).toBe('uint16');
          expect([...encoding.chunks]).toEqual([3, 4]);
          const written: string[] = [];
          for await (const index of reader.storedChunks('/sparse')) {
            if ((await reader.readStoredChunk('/sparse', index)) !== undefined) written.push(index.join(','));
          }
          expect(written.sort()).toEqual(['0,0', '0,1', '2,0', '2,1', '3,0', '3,1']);
          expect(await reader.readStoredChunk('/sparse', [1, 0])).toBeUndefined();
          if (reader.readStoredChunks !== undefined) {
            // Several at once, as one by one: the whole grid, never-written chunks included.
            const grid = [3, 2, 1, 0].flatMap((row) => [
              [row, 1],
              [row, 0],
            ]);
            const many = await reader.readStoredChunks('/sparse', grid);
            expect(many.length).toBe(grid.length);
            for (const [k, index] of grid.entries()) {
              const one = await reader.readStoredChunk('/sparse', index);
              expect(many[k] && Array.from(many[k]), index.join(',')).toEqual(one && Array.from(one));
            }
          }
          if (copy.createEncodedDataset === undefined || copy.writeStoredChunk === undefined) {
            skip();
            return;
          }
          const info = await reader.stat('/sparse');
          if (info?.kind !== 'dataset') throw new Error('/sparse is not a dataset');
          const { kind: _kind, path: _path, ...definition } = info;
          expect(await copy.createEncodedDataset('/copied', definition, encoding)).toBe(true);
          for await (const index of reader.storedChunks('/sparse')) {
            const bytes = await reader.readStoredChunk('/sparse', index);
            if (bytes !== undefined) await copy.writeStoredChunk('/copied', index, bytes);
          }
          await copy.close();
          const again = await target.reopen(copy);
          try {
            const read = await again.readData('/copied', wholeHyperslab([10, 6]));
            expect(Array.from(read.data as Uint16Array)).toEqual(Array.from(expected));
            expect(await again.readStoredChunk!('/copied', [1, 1])).toBeUndefined();
            expect(Array.from((await again.readStoredChunk!('/copied', [2, 1]))!)).toEqual(
              Array.from((await reader.readStoredChunk('/sparse', [2, 1]))!),
            );
          } finally {
            await again.close();
          }
        } finally {
          await copy.abort().catch(() => undefined);
          await reader.close();
        }
      });

      it('writeStoredChunks stores a batch as writeStoredChunk would, done with its bytes once it settles', async ({
        skip,
      }) => {
        const { reader, expected } = await sparseStore();
        const copy = await target.create();
        try {
          const encoding = await reader.chunkEncoding?.('/sparse');
          if (
            encoding === undefined ||
            reader.storedChunks === undefined ||
            reader.readStoredChunk === undefined ||
            copy.createEncodedDataset === undefined ||
            copy.writeStoredChunks === undefined
          ) {
            skip();
            return;
          }
          const info = await reader.stat('/sparse');
          if (info?.kind !== 'dataset') throw new Error('/sparse is not a dataset');
          const { kind: _kind, path: _path, ...definition } = info;
          expect(await copy.createEncodedDataset('/copied', definition, encoding)).toBe(true);
          // Every chunk in one buffer, as a caller lending its memory hands them over.
          const read: { index: readonly number[]; bytes: Uint8Array }[] = [];
          for await (const index of reader.storedChunks('/sparse')) {
            const bytes = await reader.readStoredChunk('/sparse', index);
            if (bytes !== undefined) read.push({ index, bytes });
          }
          const lent = new Uint8Array(read.reduce((n, c) => n + c.bytes.length, 0));
          let offset = 0;
          const batch = read.map(({ index, bytes }) => {
            lent.set(bytes, offset);
            offset += bytes.length;
            return { index, bytes: lent.subarray(offset - bytes.length, offset) };
          });
          await copy.writeStoredChunks('/copied', batch.slice(0, 1));
          await copy.writeStoredChunks('/copied', batch.slice(1));
          await copy.writeStoredChunks('/copied', []);
          lent.fill(0xa5); // the caller reuses its memory
          await copy.close();
          const again = await target.reopen(copy);
          try {
            const data = await again.readData('/copied', wholeHyperslab([10, 6]));
            expect(Array.from(data.data as Uint16Array)).toEqual(Array.from(expected));
            expect(await again.readStoredChunk!('/copied', [1, 0])).toBeUndefined();
          } finally {
            await again.close();
          }
        } finally {
          await copy.abort().catch(() => undefined);
          await reader.close();
        }
      });

      it('copyTree copies stored chunks as they are and leaves unwritten chunks unwritten', async () => {
        const { reader, expected } = await sparseStore();
        const copy = await target.create();
        try {
          await copyTree(reader, copy);
          await copy.close();
        } finally {
          await reader.close();
        }
        const again = await target.reopen(copy);
        try {
          const read = await again.readData('/sparse', wholeHyperslab([10, 6]));
          expect(Array.from(read.data as Uint16Array)).toEqual(Array.from(expected));
          if (again.readStoredChunk !== undefined && (await again.chunkEncoding?.('/sparse')) !== undefined)
            expect(await again.readStoredChunk('/sparse', [1, 0])).toBeUndefined();
        } finally {
          await again.close();
        }
      });
    });

    describe('tree round trip', () => {
      it('writes a tree with writeTree and reads it back with readTree, lazily', async () => {
        const writer = await target.create();
        const result = await writeTree(
          writer,
          sampleTree(writer.capabilities.compound, writer.capabilities.compression.includes('gzip')),
        );
        expect(result.bytesWritten).toBeGreaterThan(0);
        await writer.close();
        const reader = await target.reopen(writer);
        try {
          const counted = countingReader(reader);
          const tree = await readTree(counted.reader);
          expect(counted.readDataCalls()).toBe(0);

          const movie = datasetAt(tree, '/acquisition/movie/data');
          expect(movie.shape).toEqual([6, 4, 5]);
          const frame = await movie.read([3]);
          expect(counted.readDataCalls()).toBe(1);
          expect(Array.from(frame.data as Uint16Array)).toEqual(Array.from({ length: 20 }, (_, i) => 60 + i));

          const blocks: DataBlock[] = [];
          for await (const block of movie.blocks(100)) blocks.push(block);
          expect(blocks.length).toBeGreaterThan(1);
          const joined = new Uint16Array(120);
          for (const block of blocks) joined.set(block.data.data as Uint16Array, block.start[0]! * 20);
          expect(Array.from(joined)).toEqual(Array.from({ length: 120 }, (_, i) => i));

          const expected = await snapshotTree(sampleTree(writer.capabilities.compound, false));
          expect(await snapshotTree(tree)).toEqual(expected);
        } finally {
          await reader.close();
        }
      });

      it('writes streams and big arrays in bounded calls (growable, chunked datasets)', async () => {
        const frameShape = [2, 32, 32];
        const frameSize = shapeSize(frameShape);
        const frames = 8;
        const value = (i: number) => (i * 31) % 65521;
        async function* slabs(): AsyncGenerator<NdArray> {
          for (let t = 0; t < frames; t++) {
            yield ndarray(
              'uint16',
              [1, ...frameShape],
              Uint16Array.from({ length: frameSize }, (_, i) => value(t * frameSize + i)),
            );
          }
        }
        const big = ndarray(
          'float64',
          [300, 7],
          Float64Array.from({ length: 2100 }, (_, i) => i / 3),
        );
        const tree = groupNode({}, [
          [
            'movie',
            datasetNode(
              { kind: 'stream', dtype: 'uint16', shape: [frames, ...frameShape], slabs: slabs() },
              {},
              { chunks: [1, ...frameShape] },
            ),
          ],
          ['big', datasetNode(big)],
        ]);
        const writer = await target.create();
        // 4 KiB per call: one frame of the movie, 73 rows of the big array.
        await writeTree(writer, tree, { maxCallBytes: 4096 });
        await writer.close();
        const reader = await target.reopen(writer);
        try {
          expect(await reader.stat('/movie')).toMatchObject({
            shape: [frames, ...frameShape],
            chunks: [1, ...frameShape],
            maxShape: [null, ...frameShape],
          });
          const frame = await reader.readData('/movie', toHyperslab([frames, ...frameShape], [5]));
          expect(Array.from(frame.data as Uint16Array)).toEqual(
            Array.from({ length: frameSize }, (_, i) => value(5 * frameSize + i)),
          );
          await expectDataset(reader, '/big', big);
        } finally {
          await reader.close();
        }
      });

      it('copies one store into another block by block (copyTree)', async () => {
        const writer = await target.create();
        await writeTree(
          writer,
          sampleTree(writer.capabilities.compound, writer.capabilities.compression.includes('gzip')),
        );
        await writer.close();
        const source = await target.reopen(writer);
        const copy = await target.create();
        try {
          // Blocks of 100 bytes force the movie (240 bytes) to be copied in several reads and writes.
          await copyTree(source, copy, { maxCallBytes: 100 });
        } finally {
          await source.close();
        }
        await copy.close();
        const reader = await target.reopen(copy);
        try {
          const expected = await snapshotTree(sampleTree(copy.capabilities.compound, false));
          expect(await snapshotTree(await readTree(reader))).toEqual(expected);
        } finally {
          await reader.close();
        }
      });
    });
  });
}

// ---- helpers ----

function cast(dtype: NumericDType, v: number): number | bigint {
  return dtype === 'int64' || dtype === 'uint64' ? BigInt(v) : v;
}

/** A typed array of `dtype` holding `values`. */
function typedOf(dtype: NumericDType, values: readonly (number | bigint)[]): NumericArray {
  const data = new (typedArrayFor(dtype))(values.length) as NumericArray;
  values.forEach((v, i) => {
    data[i] = v;
  });
  return data;
}

async function expectDataset(reader: StorageReader, path: string, expected: NdArray): Promise<void> {
  const info = await reader.stat(path);
  expect(info, path).toMatchObject({ kind: 'dataset', shape: [...expected.shape] });
  if (info?.kind !== 'dataset') return;
  expect(formatDType(info.dtype), `${path} dtype`).toEqual(formatDType(expected.dtype));
  const got = await reader.readData(path, wholeHyperslab(info.shape));
  expect(plainArray(got), path).toEqual(plainArray(expected));
}

function fill(
  target: Int16Array,
  shape: number[],
  start: number[],
  blockShape: number[],
  values: Int16Array,
): void {
  let k = 0;
  for (let i = 0; i < blockShape[0]!; i++) {
    for (let j = 0; j < blockShape[1]!; j++)
      target[(start[0]! + i) * shape[1]! + start[1]! + j] = values[k++]!;
  }
}

/** The elements a selection picks, by a straightforward walk (the reference for backends' reads). */
function select(array: NdArray, selection: Selection): { shape: number[]; values: unknown[] } {
  const slab = toHyperslab(array.shape, selection);
  const values: unknown[] = [];
  const strides = array.shape.map((_, axis) => shapeSize(array.shape.slice(axis + 1)));
  const walk = (axis: number, offset: number) => {
    if (axis === array.shape.length) {
      values.push((array.data as ArrayLike<unknown>)[offset]);
      return;
    }
    for (let i = 0; i < slab.count[axis]!; i++)
      walk(axis + 1, offset + (slab.start[axis]! + i * slab.step[axis]!) * strides[axis]!);
  };
  walk(0, 0);
  return { shape: hyperslabShape(slab), values };
}

function datasetAt(root: GroupNode, path: string): DatasetHandle {
  let node: GroupNode | undefined = root;
  const names = path.split('/').filter(Boolean);
  for (const name of names.slice(0, -1)) {
    const child: TreeNode | undefined = node?.children.get(name);
    node = child?.kind === 'group' ? child : undefined;
  }
  const leaf = node?.children.get(names[names.length - 1]!);
  if (leaf?.kind !== 'dataset' || !isDatasetHandle(leaf.value))
    throw new Error(`no stored dataset at ${path}`);
  return leaf.value;
}

/** A reader that counts readData calls and forwards everything. */
function countingReader(reader: StorageReader): { reader: StorageReader; readDataCalls: () => number } {
  let calls = 0;
  return {
    readDataCalls: () => calls,
    reader: {
      format: reader.format,
      location: reader.location,
      capabilities: reader.capabilities,
      stat: (path) => reader.stat(path),
      list: (path) => reader.list(path),
      readAttributes: (path) => reader.readAttributes(path),
      readData: (path, slab, options) => {
        calls++;
        return reader.readData(path, slab, options);
      },
      close: () => reader.close(),
    },
  };
}

/** A lazy handle over an array already in memory (as if read from another store). */
function arrayHandle(path: string, array: NdArray, chunks?: number[]): DatasetHandle {
  const read = async () => array;
  return {
    kind: 'handle',
    path,
    dtype: array.dtype,
    shape: array.shape,
    layout: chunks === undefined ? {} : { chunks },
    read,
    blocks: async function* () {
      yield { start: array.shape.map(() => 0), data: array };
    },
    // Reads are whole here, so the whole array is its one frame.
    [Symbol.asyncIterator]: () => handleFrames({ shape: [], read }),
  };
}

/** A small NWB-like tree using every kind of node and value. */
function sampleTree(compound: boolean, gzip: boolean): GroupNode {
  const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const typed = (type: string, n: number): Attributes => ({
    namespace: textScalar('core'),
    neurodata_type: textScalar(type),
    object_id: textScalar(uuid(n)),
  });
  const movie = ndarray(
    'uint16',
    [6, 4, 5],
    Uint16Array.from({ length: 120 }, (_, i) => i),
  );
  const timestamps = Float64Array.from({ length: 20 }, (_, i) => i / 30);
  async function* slabs(): AsyncGenerator<NdArray> {
    for (let from = 0; from < 20; from += 7) {
      const to = Math.min(20, from + 7);
      yield ndarray('float64', [to - from], timestamps.slice(from, to));
    }
  }
  const refs: ObjectRef[] = [objectRef('/acquisition/series'), objectRef('/general/devices/probe')];
  const children: Array<
    [string, ReturnType<typeof groupNode> | ReturnType<typeof datasetNode> | ReturnType<typeof linkNode>]
  > = [
    [
      'acquisition',
      groupNode({}, [
        [
          'series',
          groupNode({ ...typed('TimeSeries', 2), description: textScalar('a série') }, [
            [
              'data',
              datasetNode(
                ndarray(
                  'float32',
                  [20, 3],
                  Float32Array.from({ length: 60 }, (_, i) => i / 4),
                ),
                { unit: textScalar('volts'), conversion: numericScalar('float32', 1) },
                gzip ? { chunks: [10, 3], compression: { codec: 'gzip', level: 4 } } : undefined,
              ),
            ],
            [
              'timestamps',
              datasetNode(
                { kind: 'stream', dtype: 'float64', shape: [20], slabs: slabs() },
                { interval: numericScalar('int32', 1), unit: textScalar('seconds') },
              ),
            ],
          ]),
        ],
        [
          'movie',
          groupNode(
            { ...typed('ImageSeries', 3), device: refArray([objectRef('/general/devices/probe')], true) },
            [
              ['data', datasetNode(arrayHandle('/acquisition/movie/data', movie, [1, 4, 5]))],
              ['timestamps', linkNode('/acquisition/series/timestamps')],
            ],
          ),
        ],
      ]),
    ],
    ['general', groupNode({}, [['devices', groupNode({}, [['probe', groupNode(typed('Device', 4))]])]])],
    ['refs', datasetNode(refArray(refs))],
    ['flags', datasetNode(boolArray([true, false]))],
    ['specifications', groupNode()],
    ['session_start_time', datasetNode(textScalar('2018-04-25T02:30:03-07:00', 'ascii'))],
  ];
  if (compound) {
    children.push([
      'table',
      datasetNode(
        compoundArray(TIME_SERIES_REFERENCE, [
          { idx_start: 0, count: 20, timeseries: objectRef('/acquisition/series') },
        ]),
      ),
    ]);
  }
  return groupNode(
    {
      ...typed('NWBFile', 1),
      nwb_version: textScalar('2.7.0'),
      '.specloc': refArray([objectRef('/specifications')], true),
    },
    children,
  );
}
