/** The data model: PyNWB's defaults, and every rule rejecting bad input with its rule id. */
import { describe, expect, it } from 'vitest';
import { fromTypedArray, ndarray } from '../src/storage/values.js';
import type { DataStream, DatasetHandle } from '../src/tree/nodes.js';
import { ValidationError } from '../src/errors.js';
import {
  GrayscaleImage,
  Image,
  ImageReferences,
  ImageSeries,
  Images,
  IndexSeries,
  NWBFile,
  OpticalSeries,
  ProcessingModule,
  RGBAImage,
  RGBImage,
  Subject,
  TimeSeries,
  UnmappedObject,
} from '../src/model/index.js';
import type { DatasetNode, GroupNode, TreeNode } from '../src/tree/nodes.js';
import { groupNode } from '../src/tree/nodes.js';
import { NWBDateTime } from '../src/model/datetime.js';
import { nwbFileToTree } from '../src/mapping/index.js';

const frames = (n = 2, ...rest: number[]) => {
  const shape = [n, ...(rest.length > 0 ? rest : [4, 4])];
  return fromTypedArray(new Uint8Array(shape.reduce((a, b) => a * b, 1)), shape);
};
const image = (shape: number[]) => fromTypedArray(new Uint8Array(shape.reduce((a, b) => a * b, 1)), shape);

/** Expects `fn` to throw a ValidationError for `rule` naming `path`. */
function rejects(fn: () => unknown, rule: string, path?: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, `expected rule ${rule}`).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).rule).toBe(rule);
  if (path !== undefined) expect((error as ValidationError).path).toBe(path);
}

/** The dataset at `path` (slash-separated, relative to the root) of a tree. */
function datasetAt(root: GroupNode, path: string): DatasetNode {
  let node: GroupNode | DatasetNode = root;
  for (const part of path.split('/')) {
    const child: TreeNode | undefined = node.kind === 'group' ? node.children.get(part) : undefined;
    if (child === undefined || child.kind === 'link') throw new Error(`no dataset at ${path}`);
    node = child;
  }
  if (node.kind !== 'dataset') throw new Error(`${path} is a group`);
  return node;
}

const handle = (shape: number[], dtype: DatasetHandle['dtype'] = 'uint8'): DatasetHandle => ({
  kind: 'handle',
  path: '/x',
  dtype,
  shape,
  layout: {},
  read: () => Promise.reject(new Error('must not be read')),
  blocks: () => ({
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('must not be read')) }),
  }),
  [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('must not be read')) }),
});
const stream = (shape: number[], dtype: DataStream['dtype'] = 'uint8'): DataStream => ({
  kind: 'stream',
  dtype,
  shape,
  slabs: {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.resolve({ done: true as const, value: undefined }),
    }),
  },
});

describe('TimeSeries', () => {
  it('applies PyNWB defaults', () => {
    const ts = new TimeSeries({ name: 'ts', data: Float32Array.of(1, 2, 3), unit: 'm', rate: 10 });
    expect(ts.description).toBe('no description');
    expect(ts.comments).toBe('no comments');
    expect([ts.conversion, ts.offset, ts.resolution]).toEqual([1, 0, -1]);
    expect(ts.startingTime).toBe(0);
    expect(ts.neurodataType).toBe('TimeSeries');
    expect(ts.namespace).toBe('core');
    expect(ts.objectId).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      new TimeSeries({ name: 'ts', objectId: 'given', data: Float32Array.of(1), unit: 'm', rate: 1 })
        .objectId,
    ).toBe('given');
  });

  it('needs exactly one of rate and timestamps', () => {
    rejects(
      () => new TimeSeries({ name: 'ts', data: Float32Array.of(1), unit: 'm' }),
      'rate-xor-timestamps',
      'ts',
    );
    rejects(
      () => new TimeSeries({ name: 'ts', data: Float32Array.of(1), unit: 'm', rate: 1, timestamps: [0] }),
      'rate-xor-timestamps',
    );
  });

  it('checks timestamps against the samples', () => {
    rejects(
      () => new TimeSeries({ name: 'ts', data: Float32Array.of(1, 2), unit: 'm', timestamps: [0] }),
      'timestamps-length',
    );
    rejects(
      () =>
        new TimeSeries({
          name: 'ts',
          data: Float32Array.of(1),
          unit: 'm',
          timestamps: ndarray('float64', [1, 1], Float64Array.of(0)),
        }),
      'timestamps-shape',
    );
    // Lazy and streamed values are checked by shape without reading.
    rejects(
      () => new TimeSeries({ name: 'ts', data: handle([5]), unit: 'm', timestamps: handle([4], 'float64') }),
      'timestamps-length',
    );
    const ok = new TimeSeries({
      name: 'ts',
      data: stream([3, 2]),
      unit: 'm',
      timestamps: Float32Array.of(0, 1, 2),
    });
    expect(ok.timestamps?.dtype).toBe('float64');
  });

  it('rejects other bad input', () => {
    rejects(
      () =>
        new TimeSeries({ name: 'ts', data: Float32Array.of(1), unit: 'm', startingTime: 2, timestamps: [0] }),
      'starting-time-needs-rate',
    );
    rejects(() => new TimeSeries({ name: 'ts', data: Float32Array.of(1), unit: 'm', rate: -1 }), 'rate');
    rejects(
      () => new TimeSeries({ name: 'ts', data: Float32Array.of(1), unit: 'm', rate: 1, conversion: NaN }),
      'number',
    );
    rejects(
      () =>
        new TimeSeries({
          name: 'ts',
          data: Float32Array.of(1),
          unit: 'm',
          rate: 1,
          continuity: 'smooth' as 'step',
        }),
      'continuity',
    );
    rejects(() => new TimeSeries({ name: 'a/b', data: Float32Array.of(1), unit: 'm', rate: 1 }), 'name');
    rejects(
      () =>
        new TimeSeries({ name: 'ts', data: ndarray('float32', [], Float32Array.of(1)), unit: 'm', rate: 1 }),
      'data-shape',
    );
    rejects(
      () =>
        new TimeSeries({
          name: 'ts',
          data: Float32Array.of(1),
          unit: undefined as unknown as string,
          rate: 1,
        }),
      'unit-required',
    );
    rejects(
      () =>
        new TimeSeries({
          name: 'ts',
          data: Float32Array.of(1, 2),
          unit: 'm',
          rate: 1,
          control: Uint8Array.of(0),
        }),
      'control-length',
    );
  });

  it("shares another series' timestamps and data", () => {
    const a = new TimeSeries({ name: 'a', data: Float32Array.of(1, 2), unit: 'm', timestamps: [0, 1] });
    const b = new TimeSeries({ name: 'b', data: Float32Array.of(3, 4), unit: 'm', timestamps: a });
    expect(b.timestampsSource).toBe(a);
    expect(b.timestamps).toBe(a.timestamps);
    rejects(
      () => new TimeSeries({ name: 'c', data: Float32Array.of(3), unit: 'm', timestamps: a }),
      'timestamps-length',
    );
    const c = new TimeSeries({ name: 'c', data: a, unit: 'm', rate: 1 });
    expect(c.data).toBe(a.data);
  });

  it('reports instead of throwing when given a handler, and validate() lists problems', () => {
    const found: ValidationError[] = [];
    const ts = new TimeSeries(
      { name: 'ts', data: Float32Array.of(1), unit: 'm' },
      { path: '/acquisition/ts', onViolation: (e) => found.push(e) },
    );
    expect(found.map((e) => [e.path, e.rule])).toEqual([['/acquisition/ts', 'rate-xor-timestamps']]);
    expect(ts.validate().map((e) => e.rule)).toEqual(['rate-xor-timestamps']);
  });
});

describe('ImageSeries', () => {
  it('defaults format and unit as PyNWB 2.x', () => {
    const raw = new ImageSeries({ name: 'raw', data: frames(), unit: 'n.a.', rate: 1 });
    expect(raw.format).toBe('raw');
    const ext = new ImageSeries({ name: 'ext', externalFile: ['a.tiff'], rate: 1 });
    expect(ext.format).toBe('external');
    expect(ext.unit).toBe('unknown');
    expect(ext.startingFrame).toEqual([0]);
    expect(ext.data.shape).toEqual([0, 0, 0]);
    expect(ext.data.dtype).toBe('uint8');
    // Timestamps count frames across the files, so they need not match the empty data.
    new ImageSeries({
      name: 'ext',
      externalFile: ['a.tiff', 'b.tiff'],
      startingFrame: [0, 5],
      timestamps: [0, 1, 2],
    });
  });

  it('wants external files or data, not both', () => {
    rejects(() => new ImageSeries({ name: 'm', rate: 1 }), 'external-file-xor-data', 'm');
    rejects(
      () => new ImageSeries({ name: 'm', data: frames(), unit: 'n.a.', externalFile: ['a.tiff'], rate: 1 }),
      'external-file-xor-data',
    );
  });

  it('wants format "external" exactly with external files', () => {
    rejects(
      () => new ImageSeries({ name: 'm', externalFile: ['a.tiff'], format: 'raw', rate: 1 }),
      'external-format',
    );
    rejects(
      () => new ImageSeries({ name: 'm', data: frames(), unit: 'n.a.', format: 'external', rate: 1 }),
      'external-format',
    );
  });

  it('wants one starting frame per external file', () => {
    rejects(() => new ImageSeries({ name: 'm', externalFile: ['a', 'b'], rate: 1 }), 'starting-frame');
    rejects(
      () => new ImageSeries({ name: 'm', externalFile: ['a', 'b'], startingFrame: [0], rate: 1 }),
      'starting-frame',
    );
    rejects(
      () => new ImageSeries({ name: 'm', externalFile: ['a'], startingFrame: [-1], rate: 1 }),
      'starting-frame',
    );
  });

  it('wants 3-D or 4-D data', () => {
    rejects(
      () => new ImageSeries({ name: 'm', data: image([2, 4]), unit: 'n.a.', rate: 1 }),
      'image-series-data-shape',
    );
    rejects(
      () => new ImageSeries({ name: 'm', data: handle([2, 4, 4, 3, 1]), unit: 'n.a.', rate: 1 }),
      'image-series-data-shape',
    );
    new ImageSeries({ name: 'm', data: handle([2, 4, 4, 7]), unit: 'n.a.', rate: 1 });
    rejects(() => new ImageSeries({ name: 'm', data: frames(), rate: 1 }), 'unit-required');
    rejects(
      () => new ImageSeries({ name: 'm', data: frames(3), unit: 'n.a.', timestamps: [0, 1] }),
      'timestamps-length',
    );
    rejects(
      () => new ImageSeries({ name: 'm', data: frames(), unit: 'n.a.', rate: 1, dimension: [1.5] }),
      'dimension',
    );
  });
});

describe('OpticalSeries', () => {
  const base = {
    name: 'o',
    unit: 'n.a.',
    rate: 1,
    distance: 0.7,
    fieldOfView: [0.2, 0.3],
    orientation: 'lower left',
  };
  it('accepts (frame, x, y) and (frame, x, y, 3)', () => {
    new OpticalSeries({ ...base, data: frames(2, 4, 4) });
    new OpticalSeries({ ...base, data: frames(2, 4, 4, 3), fieldOfView: [0.2, 0.3, 0.7] });
  });
  it('rejects other shapes and missing fields', () => {
    rejects(() => new OpticalSeries({ ...base, data: frames(2, 4, 4, 4) }), 'image-series-data-shape');
    rejects(() => new OpticalSeries({ ...base, data: frames(), fieldOfView: [1] }), 'field-of-view');
    rejects(() => new OpticalSeries({ ...base, data: frames(), fieldOfView: [1, 2, 3, 4] }), 'field-of-view');
    rejects(
      () => new OpticalSeries({ ...base, data: frames(), distance: undefined as unknown as number }),
      'optical-series-distance',
    );
    rejects(
      () => new OpticalSeries({ ...base, data: frames(), orientation: undefined as unknown as string }),
      'optical-series-orientation',
    );
  });
});

describe('Image types and Images', () => {
  it('checks dimensionality per type', () => {
    new Image({ name: 'i', data: image([4, 5]) });
    new Image({ name: 'i', data: image([4, 5, 3]) });
    new Image({ name: 'i', data: image([4, 5, 4]) });
    rejects(() => new Image({ name: 'i', data: image([4, 5, 2]) }), 'image-shape', 'i');
    rejects(() => new GrayscaleImage({ name: 'g', data: image([4, 5, 3]) }), 'image-shape');
    rejects(() => new RGBImage({ name: 'r', data: image([4, 5, 4]) }), 'image-shape');
    rejects(() => new RGBImage({ name: 'r', data: image([4, 5]) }), 'image-shape');
    rejects(() => new RGBAImage({ name: 'r', data: image([4, 5, 3]) }), 'image-shape');
    rejects(
      () => new Image({ name: 'i', data: { dtype: 'utf8', shape: [1, 1], data: ['x'] } }),
      'image-dtype',
    );
    expect(new RGBAImage({ name: 'r', data: image([4, 5, 4]) }).neurodataType).toBe('RGBAImage');
  });

  it('orders only its own images, each once', () => {
    const a = new GrayscaleImage({ name: 'a', data: image([2, 2]) });
    const b = new GrayscaleImage({ name: 'b', data: image([2, 2]) });
    const stranger = new GrayscaleImage({ name: 'a', data: image([2, 2]) });
    new Images({ name: 'imgs', images: [a, b], orderOfImages: [b, a] });
    rejects(() => new ImageReferences({ images: [a, a] }), 'order-of-images-unique', 'order_of_images');
    rejects(
      () => new Images({ name: 'imgs', images: [a], orderOfImages: [stranger] }),
      'order-of-images-member',
      'imgs',
    );
    const images = new Images({ name: 'imgs', images: [a] });
    expect(() => images.setOrderOfImages([b])).toThrow(ValidationError);
    expect(images.orderOfImages).toBeUndefined();
    images.addImage(b);
    images.setOrderOfImages([b, a]);
    expect(images.orderOfImages?.name).toBe('order_of_images');
  });

  it('refuses duplicate names', () => {
    const a = new GrayscaleImage({ name: 'a', data: image([2, 2]) });
    rejects(
      () => new Images({ name: 'imgs', images: [a, new GrayscaleImage({ name: 'a', data: image([2, 2]) })] }),
      'unique-name',
      'imgs',
    );
    rejects(
      () =>
        new Images({ name: 'imgs' }).addImage(
          new GrayscaleImage({ name: 'order_of_images', data: image([2, 2]) }),
        ),
      'unique-name',
    );
  });
});

describe('IndexSeries', () => {
  const a = new GrayscaleImage({ name: 'a', data: image([2, 2]) });
  const b = new GrayscaleImage({ name: 'b', data: image([2, 2]) });
  const images = new Images({ name: 'imgs', images: [a, b], orderOfImages: [a, b] });

  it('has unit N/A and accepts any integer array', () => {
    const s = new IndexSeries({ name: 's', data: Int32Array.of(0, 1, 1), indexedImages: images, rate: 1 });
    expect(s.unit).toBe('N/A');
    new IndexSeries({ name: 's', data: BigInt64Array.of(0n, 1n), indexedImages: images, rate: 1 });
  });

  it('needs indexed images or an indexed series', () => {
    rejects(
      () => new IndexSeries({ name: 's', data: Uint32Array.of(0), rate: 1 }),
      'index-series-target',
      's',
    );
    const movie = new ImageSeries({ name: 'm', data: frames(), unit: 'n.a.', rate: 1 });
    new IndexSeries({ name: 's', data: Uint32Array.of(0), indexedTimeseries: movie, rate: 1 });
  });

  it('wants non-negative integer indices below 2^32 within the images', () => {
    rejects(
      () => new IndexSeries({ name: 's', data: Float32Array.of(0), indexedImages: images, rate: 1 }),
      'index-series-dtype',
    );
    rejects(
      () => new IndexSeries({ name: 's', data: Int32Array.of(0, -1), indexedImages: images, rate: 1 }),
      'index-series-values',
    );
    rejects(
      () =>
        new IndexSeries({ name: 's', data: BigUint64Array.of(2n ** 32n), indexedImages: images, rate: 1 }),
      'index-series-values',
    );
    rejects(
      () => new IndexSeries({ name: 's', data: Uint32Array.of(0, 2), indexedImages: images, rate: 1 }),
      'index-series-range',
    );
    rejects(
      () =>
        new IndexSeries({
          name: 's',
          data: ndarray('uint32', [1, 1], Uint32Array.of(0)),
          indexedImages: images,
          rate: 1,
        }),
      'index-series-data-shape',
    );
    // Values of lazy data are not read.
    new IndexSeries({ name: 's', data: handle([9], 'uint32'), indexedImages: images, rate: 1 });
  });
});

describe('NWBFile', () => {
  const required = {
    sessionDescription: 'd',
    identifier: 'id',
    sessionStartTime: '2018-04-25T02:30:03-07:00',
  };

  it('applies defaults and wraps a single experimenter', () => {
    const file = new NWBFile({ ...required, experimenter: 'Baggins, Bilbo' });
    expect(file.experimenter).toEqual(['Baggins, Bilbo']);
    expect(file.timestampsReferenceTime).toBe(file.sessionStartTime);
    expect(file.fileCreateDate).toHaveLength(1);
    expect(file.fileCreateDate[0]!.offsetMinutes).toBe(-new Date().getTimezoneOffset());
    expect(file.readWarnings).toEqual([]);
  });

  it('keeps the UTC offset of datetimes and writes them as 2018-04-25T02:30:03-07:00', () => {
    // The same instant given three ways: text, a Date at an explicit offset, and UTC text.
    const instant = new Date(Date.UTC(2018, 3, 25, 9, 30, 3));
    const file = new NWBFile({
      ...required,
      sessionStartTime: NWBDateTime.fromDate(instant, -7 * 60),
      timestampsReferenceTime: '2018-04-25T02:30:03-07:00',
      fileCreateDate: [NWBDateTime.fromDate(instant, 0), '2018-04-25T11:30:03+02:00'],
    });
    expect(file.sessionStartTime.offsetMinutes).toBe(-420);
    expect(file.sessionStartTime.equals(file.fileCreateDate[1]!)).toBe(true);
    const tree = nwbFileToTree(file);
    const text = (path: string) => datasetAt(tree, path).value as { data: string[] };
    expect(text('session_start_time').data).toEqual(['2018-04-25T02:30:03-07:00']);
    expect(text('timestamps_reference_time').data).toEqual(['2018-04-25T02:30:03-07:00']);
    expect(text('file_create_date').data).toEqual(['2018-04-25T09:30:03+00:00', '2018-04-25T11:30:03+02:00']);
  });

  it('stores an experimenter given as one string as a list of one, as PyNWB does', () => {
    const tree = nwbFileToTree(new NWBFile({ ...required, experimenter: 'Baggins, Bilbo' }));
    const experimenter = datasetAt(tree, 'general/experimenter').value;
    expect(experimenter).toEqual({ dtype: 'utf8', shape: [1], data: ['Baggins, Bilbo'] });
    const two = new NWBFile({ ...required, experimenter: ['Baggins, Bilbo', 'Gamgee, Sam'] });
    expect(two.experimenter).toEqual(['Baggins, Bilbo', 'Gamgee, Sam']);
  });

  it('rejects missing required fields and naive datetimes', () => {
    rejects(() => new NWBFile({ ...required, identifier: '' }), 'identifier-required');
    rejects(
      () => new NWBFile({ ...required, sessionDescription: undefined as unknown as string }),
      'session-description-required',
    );
    rejects(
      () => new NWBFile({ ...required, sessionStartTime: '2018-04-25T02:30:03' }),
      'datetime-offset',
      'sessionStartTime',
    );
    rejects(
      () => new NWBFile({ ...required, timestampsReferenceTime: 'yesterday' }),
      'datetime',
      'timestampsReferenceTime',
    );
  });

  it('refuses a second object of the same name in a collection', () => {
    const file = new NWBFile(required);
    const ts = () => new TimeSeries({ name: 'ts', data: Float32Array.of(1), unit: 'm', rate: 1 });
    file.addAcquisition(ts());
    rejects(() => file.addAcquisition(ts()), 'unique-name', 'acquisition');
    rejects(() => file.addAcquisition(new UnmappedObject({ name: 'ts', node: groupNode() })), 'unique-name');
    file.addStimulus(ts());
    rejects(() => file.addStimulus(ts()), 'unique-name', 'stimulus/presentation');
    file.createDevice({ name: 'cam' });
    rejects(() => file.createDevice({ name: 'cam' }), 'unique-name', 'general/devices');
    const module = file.createProcessingModule({ name: 'behavior', description: 'b' });
    module.add(ts());
    rejects(() => module.add(ts()), 'unique-name', 'behavior');
    rejects(
      () => file.addProcessingModule(new ProcessingModule({ name: 'behavior', description: 'x' })),
      'unique-name',
      'processing',
    );
    expect(file.getAcquisition('ts')).toBeInstanceOf(TimeSeries);
    expect(file.getProcessingModule('behavior')).toBe(module);
  });

  it('builds a Subject', () => {
    const subject = new Subject({
      age: 'P90D',
      species: 'Mus musculus',
      dateOfBirth: '2018-01-01T00:00:00Z',
    });
    expect(subject.name).toBe('subject');
    expect(subject.ageReference).toBe('birth');
    rejects(() => new Subject({ age: 'P1D', ageReference: 'conception' as 'birth' }), 'age-reference');
  });
});
