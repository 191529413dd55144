/**
 * The tree we build for the tutorial content against what PyNWB wrote in fixtures/tutorial_images.nwb:
 * the fixture's JSON description (paths, types, fields, values and sha256 of every array) and the
 * attribute dtypes h5dump shows.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { NdArray, ObjectRef } from '../src/storage/values.js';
import type { DatasetNode, GroupNode, TreeNode } from '../src/tree/nodes.js';
import { isDataStream, isDatasetHandle } from '../src/tree/nodes.js';
import { nwbFileToTree } from '../src/mapping/index.js';
import { cachedNamespaces } from '../src/schema/cached-spec.js';
import type { NumericArray } from '../src/storage/dtype.js';
import { fromTypedArray } from '../src/storage/values.js';
import {
  GrayscaleImage,
  ImageSeries,
  Images,
  IndexSeries,
  NWBFile,
  RGBAImage,
  RGBImage,
} from '../src/model/index.js';
import { tutorialFile } from './tutorial-file.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', '..', '..', 'fixtures');

interface FixtureArray {
  dtype: string;
  shape: number[];
  sha256: string;
  values?: unknown[];
  $link?: string;
}
interface FixtureObject {
  name: string;
  namespace: string;
  neurodata_type: string;
  fields: Record<string, unknown>;
}

const fixture = loadFixture('tutorial_images');

function at(root: GroupNode, path: string): TreeNode {
  let node: TreeNode = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    if (node.kind !== 'group') throw new Error(`${path}: ${part} is below a ${node.kind}`);
    const next = node.children.get(part);
    if (next === undefined) throw new Error(`${path}: no ${part}`);
    node = next;
  }
  return node;
}

/** The dataset at `path`, following a soft link there (as PyNWB's reading does). */
function dataset(root: GroupNode, path: string): DatasetNode & { value: NdArray } {
  let node = at(root, path);
  if (node.kind === 'link') node = at(root, node.target);
  if (node.kind !== 'dataset') throw new Error(`${path} is a ${node.kind}`);
  if (isDatasetHandle(node.value) || isDataStream(node.value)) throw new Error(`${path} is not in memory`);
  return node as DatasetNode & { value: NdArray };
}

const scalarOf = (a: NdArray | undefined) => a?.data[0];

/** sha256 as the fixtures compute it: array bytes, or the JSON (Python spelling) of texts or ref paths. */
function sha256(array: NdArray): string {
  const hash = createHash('sha256');
  if (array.dtype === 'utf8' || array.dtype === 'ascii') {
    hash.update(JSON.stringify(array.data));
  } else if (array.dtype === 'ref') {
    hash.update(JSON.stringify((array.data as ObjectRef[]).map((r) => r.path)));
  } else {
    const data = array.data as Uint8Array;
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex');
}

function fixtureDtype(array: NdArray): string {
  return array.dtype === 'utf8' || array.dtype === 'ascii' ? 'str' : String(array.dtype);
}

/** Arrays whose content the test does not rebuild (unknown pattern): dtype and shape only. */
let shapeOnly = new Set<string>();

function expectArray(actual: NdArray, expected: FixtureArray, where: string): void {
  expect(fixtureDtype(actual), `${where} dtype`).toBe(expected.dtype);
  expect([...actual.shape], `${where} shape`).toEqual(expected.shape);
  if (!shapeOnly.has(where)) expect(sha256(actual), `${where} sha256`).toBe(expected.sha256);
}

function loadFixture(name: string): {
  file: Record<string, unknown>;
  objects: Record<string, FixtureObject>;
} {
  return JSON.parse(readFileSync(join(fixtures, `${name}.nwb.json`), 'utf8')) as {
    file: Record<string, unknown>;
    objects: Record<string, FixtureObject>;
  };
}

function checkObject(tree: GroupNode, path: string, object: FixtureObject): void {
  const node = at(tree, path);
  if (node.kind === 'link') throw new Error(`${path} is a link`);
  expect(scalarOf(node.attrs['neurodata_type']), path).toBe(object.neurodata_type);
  expect(scalarOf(node.attrs['namespace']), path).toBe(object.namespace);
  expect(typeof scalarOf(node.attrs['object_id']), path).toBe('string');
  const fields = object.fields;
  for (const [key, expected] of Object.entries(fields)) {
    const where = `${path}.${key}`;
    switch (key) {
      case 'description':
      case 'manufacturer':
      case 'comments':
        expect(scalarOf(node.attrs[key]), where).toBe(expected);
        expect(node.attrs[key]!.dtype, where).toBe('utf8');
        break;
      case 'resolution':
      case 'conversion':
      case 'offset':
      case 'unit': {
        // TimeSeries: attributes of data; Image: its own attribute.
        const attrs = node.kind === 'dataset' ? node.attrs : dataset(tree, `${path}/data`).attrs;
        expect(scalarOf(attrs[key]), where).toBe(expected);
        expect(attrs[key]!.dtype, where).toBe(key === 'unit' ? 'utf8' : 'float64');
        expect(attrs[key]!.shape, where).toEqual([]);
        break;
      }
      case 'data':
        if (node.kind === 'dataset') expectArray(node.value as NdArray, expected as FixtureArray, where);
        else expectArray(dataset(tree, `${path}/data`).value, expected as FixtureArray, where);
        break;
      case 'timestamp_link':
        // PyNWB lists the series linking to these timestamps; the link itself is checked there.
        break;
      case 'timestamps':
        if ((expected as FixtureArray).$link !== undefined) {
          expect(at(tree, `${path}/timestamps`), where).toEqual({
            kind: 'link',
            target: (expected as FixtureArray).$link,
          });
          expectArray(
            dataset(tree, (expected as FixtureArray).$link!).value,
            expected as FixtureArray,
            where,
          );
          break;
        }
        expectArray(dataset(tree, `${path}/${key}`).value, expected as FixtureArray, where);
        break;
      case 'external_file':
      case 'field_of_view':
      case 'dimension':
        expectArray(dataset(tree, `${path}/${key}`).value, expected as FixtureArray, where);
        break;
      case 'starting_frame': {
        const attr = dataset(tree, `${path}/external_file`).attrs['starting_frame']!;
        expectArray(attr, expected as FixtureArray, where);
        break;
      }
      case 'interval': {
        const attr = dataset(tree, `${path}/timestamps`).attrs['interval']!;
        expect(attr, where).toEqual({ dtype: 'int64', shape: [], data: BigInt64Array.of(1n) });
        break;
      }
      case 'timestamps_unit':
        expect(scalarOf(dataset(tree, `${path}/timestamps`).attrs['unit']), where).toBe(expected);
        break;
      case 'starting_time_unit':
        expect(scalarOf(dataset(tree, `${path}/starting_time`).attrs['unit']), where).toBe(expected);
        break;
      case 'rate': {
        const attr = dataset(tree, `${path}/starting_time`).attrs['rate']!;
        expect(attr.dtype, where).toBe('float64');
        expect(scalarOf(attr), where).toBe(expected);
        break;
      }
      case 'starting_time':
      case 'distance': {
        const value = dataset(tree, `${path}/${key}`).value;
        expect(value.dtype, where).toBe('float64');
        expect(value.shape, where).toEqual([]);
        expect(value.data[0], where).toBe(expected);
        break;
      }
      case 'format':
      case 'orientation': {
        const value = dataset(tree, `${path}/${key}`).value;
        expect(value.dtype, where).toBe('utf8');
        expect(value.shape, where).toEqual([]);
        expect(value.data[0], where).toBe(expected);
        break;
      }
      case 'indexed_images':
      case 'device':
        expect(at(tree, `${path}/${key}`), where).toEqual({
          kind: 'link',
          target: (expected as { $ref: string }).$ref,
        });
        break;
      case 'images':
        for (const [name, image] of Object.entries(expected as Record<string, FixtureObject>)) {
          checkObject(tree, `${path}/${name}`, image);
        }
        expect(
          node.kind === 'group' && [...node.children.keys()].filter((n) => n !== 'order_of_images').sort(),
        ).toEqual(Object.keys(expected as object).sort());
        break;
      case 'order_of_images': {
        const order = expected as FixtureObject;
        const ds = dataset(tree, `${path}/order_of_images`);
        expect(scalarOf(ds.attrs['neurodata_type'])).toBe(order.neurodata_type);
        expect(scalarOf(ds.attrs['namespace'])).toBe(order.namespace);
        const data = order.fields['data'] as FixtureArray;
        expectArray(ds.value, data, where);
        expect((ds.value.data as ObjectRef[]).map((r) => ({ $ref: r.path }))).toEqual(data.values);
        break;
      }
      default:
        throw new Error(`${where}: field not checked by this test`);
    }
  }
  // Nothing beyond what the fixture holds (apart from the fields PyNWB does not report).
  if (node.kind === 'group' && object.neurodata_type !== 'Images') {
    const reported = new Set(
      Object.keys(fields).map((k) => (k.startsWith('timestamps_') ? 'timestamps' : k)),
    );
    for (const child of node.children.keys()) {
      const asField = child === 'external_file' ? 'external_file' : child;
      expect(reported.has(asField) || reported.has(child), `${path}/${child} is not in the fixture`).toBe(
        true,
      );
    }
  }
}

describe('nwbFileToTree (tutorial content vs fixtures/tutorial_images.nwb)', () => {
  const file = tutorialFile();
  const tree = nwbFileToTree(file);

  it('writes the root as PyNWB does', () => {
    expect(scalarOf(tree.attrs['nwb_version'])).toBe('2.7.0');
    expect(tree.attrs['nwb_version']!.dtype).toBe('utf8');
    expect(scalarOf(tree.attrs['neurodata_type'])).toBe('NWBFile');
    expect(scalarOf(tree.attrs['namespace'])).toBe('core');
    expect(scalarOf(tree.attrs['object_id'])).toBe(file.objectId);
    expect(tree.attrs['.specloc']).toEqual({ dtype: 'ref', shape: [], data: [{ path: '/specifications' }] });
    for (const group of [
      'acquisition',
      'analysis',
      'processing',
      'general',
      'stimulus/presentation',
      'stimulus/templates',
    ]) {
      const node = at(tree, group);
      expect(node.kind, group).toBe('group');
      expect(node.kind === 'group' && Object.keys(node.attrs)).toEqual([]);
    }
    expect(at(tree, 'analysis')).toEqual({ kind: 'group', attrs: {}, children: new Map() });

    const expectText = (path: string, value: unknown, dtype: 'utf8' | 'ascii', shape: number[]) => {
      const node = dataset(tree, path);
      expect(node.value.dtype, path).toBe(dtype);
      expect([...node.value.shape], path).toEqual(shape);
      expect(shape.length === 0 ? node.value.data[0] : node.value.data, path).toEqual(value);
    };
    const f = fixture.file;
    expectText('file_create_date', f['file_create_date'], 'ascii', [1]);
    expectText('identifier', f['identifier'], 'utf8', []);
    expectText('session_description', f['session_description'], 'utf8', []);
    expectText('session_start_time', f['session_start_time'], 'ascii', []);
    expectText('timestamps_reference_time', f['timestamps_reference_time'], 'ascii', []);
    expectText('general/experimenter', f['experimenter'], 'utf8', [1]);
    for (const key of ['lab', 'institution', 'experiment_description', 'session_id']) {
      expectText(`general/${key}`, f[key], 'utf8', []);
    }
  });

  it('caches the specification like PyNWB', () => {
    const spec = at(tree, 'specifications');
    expect(spec.kind).toBe('group');
    const names = spec.kind === 'group' ? [...spec.children.keys()].sort() : [];
    expect(names).toEqual(['core', 'hdmf-common', 'hdmf-experimental']);
    const core = dataset(tree, 'specifications/core/2.7.0/namespace');
    expect(core.value.dtype).toBe('utf8');
    expect(core.value.shape).toEqual([]);
    const namespace = JSON.parse(core.value.data[0] as string) as {
      namespaces: Array<{ schema: unknown[] }>;
    };
    expect(namespace.namespaces[0]!.schema).toContainEqual({ source: 'nwb.image' });
    expect(namespace.namespaces[0]!.schema).toContainEqual({ namespace: 'hdmf-common' });
    for (const [ns, version, datasets] of [
      [
        'core',
        '2.7.0',
        [
          'namespace',
          'nwb.base',
          'nwb.behavior',
          'nwb.device',
          'nwb.ecephys',
          'nwb.epoch',
          'nwb.file',
          'nwb.icephys',
          'nwb.image',
          'nwb.misc',
          'nwb.ogen',
          'nwb.ophys',
          'nwb.retinotopy',
        ],
      ],
      ['hdmf-common', '1.8.0', ['base', 'namespace', 'sparse', 'table']],
      ['hdmf-experimental', '0.5.0', ['experimental', 'namespace', 'resources']],
    ] as const) {
      const group = at(tree, `specifications/${ns}/${version}`);
      expect(group.kind === 'group' && [...group.children.keys()].sort()).toEqual([...datasets]);
    }
    expect(cachedNamespaces().map((n) => `${n.name}/${n.version}`)).toEqual([
      'core/2.7.0',
      'hdmf-common/1.8.0',
      'hdmf-experimental/0.5.0',
    ]);
  });

  it('writes every object of the fixture with its type, fields and values', () => {
    const listed = Object.keys(fixture.objects);
    expect(listed.length).toBe(6);
    for (const [path, object] of Object.entries(fixture.objects)) checkObject(tree, path, object);
  });

  it('drops starting_frame without external files, as PyNWB does', () => {
    expect(() => at(tree, 'stimulus/presentation/StimulusPresentation/external_file')).toThrow();
  });

  it('passes data layouts through', () => {
    expect(dataset(tree, 'acquisition/ImageSeries/data').layout).toEqual({
      chunks: [20, 50, 50, 3],
      compression: { codec: 'gzip', level: 4 },
    });
  });
});

/** The fixtures' common /general and file metadata. */
function fixtureFile(name: string, sessionDescription: string): NWBFile {
  const file = loadFixture(name).file;
  return new NWBFile({
    sessionDescription,
    identifier: file['identifier'] as string,
    sessionStartTime: '2018-04-25T02:30:03-07:00',
    fileCreateDate: '2024-01-01T12:00:00+00:00',
    experimenter: ['Baggins, Bilbo'],
    lab: 'Bag End Laboratory',
    institution: 'University of Middle Earth at the Shire',
    experimentDescription: 'I went on an adventure to reclaim vast treasures.',
    sessionId: 'LONELYMTN001',
  });
}

function checkFixture(name: string, file: NWBFile, unknownContent: string[] = []): void {
  const expected = loadFixture(name);
  const tree = nwbFileToTree(file);
  expect(file.sessionDescription).toBe(expected.file['session_description']);
  shapeOnly = new Set(unknownContent);
  try {
    for (const [path, object] of Object.entries(expected.objects)) checkObject(tree, path, object);
    const listed = (group: string) => {
      const node = at(tree, group);
      return node.kind === 'group' ? [...node.children.keys()] : [];
    };
    const paths = Object.keys(expected.objects);
    for (const group of ['/acquisition', '/stimulus/presentation', '/stimulus/templates']) {
      expect(
        listed(group)
          .map((n) => `${group}/${n}`)
          .sort(),
        group,
      ).toEqual(paths.filter((p) => p.startsWith(`${group}/`)).sort());
    }
  } finally {
    shapeOnly = new Set();
  }
}

const zeros = (shape: number[], ctor: new (n: number) => NumericArray) =>
  fromTypedArray(new ctor(shape.reduce((a, b) => a * b, 1)), shape);

describe('nwbFileToTree against the other fixtures', () => {
  it('compressed_imageseries: device link, dimension, non-default conversion/offset/resolution, starting_time', () => {
    const file = fixtureFile(
      'compressed_imageseries',
      loadFixture('compressed_imageseries').file['session_description'] as string,
    );
    const camera = file.createDevice({
      name: 'camera0',
      description: 'synthetic 40x48 camera',
      manufacturer: 'Oracle Inc.',
    });
    file.addAcquisition(
      new ImageSeries({
        name: 'CompressedSeries',
        description: 'uint16 frames stored with chunking and gzip',
        comments: 'compressed fixture',
        data: zeros([64, 48, 40], Uint16Array),
        unit: 'intensity',
        conversion: 2.0,
        offset: 0.1,
        resolution: 0.5,
        rate: 30.0,
        startingTime: 0.5,
        dimension: [48, 40],
        device: camera,
        dataLayout: { chunks: [8, 24, 20], compression: { codec: 'gzip', level: 4 } },
      }),
    );
    checkFixture('compressed_imageseries', file, ['/acquisition/CompressedSeries.data']);
  });

  it('irregular_timestamps: explicit timestamps and a series linking to them', () => {
    const expected = loadFixture('irregular_timestamps').objects['/acquisition/IrregularSeries']!;
    const times = (expected.fields['timestamps'] as FixtureArray).values as number[];
    const file = fixtureFile('irregular_timestamps', 'ImageSeries with irregular timestamps');
    const irregular = file.addAcquisition(
      new ImageSeries({
        name: 'IrregularSeries',
        description: 'frames at irregular times',
        comments: 'timestamps are explicit',
        data: zeros([24, 16, 20], Uint8Array),
        unit: 'n.a.',
        timestamps: times,
      }),
    );
    file.addAcquisition(
      new ImageSeries({
        name: 'LinkedTimestampsSeries',
        description: 'timestamps linked to IrregularSeries',
        data: zeros([24, 8, 10], Float32Array),
        unit: 'a.u.',
        timestamps: irregular,
      }),
    );
    checkFixture('irregular_timestamps', file, [
      '/acquisition/IrregularSeries.data',
      '/acquisition/LinkedTimestampsSeries.data',
    ]);
  });

  it('indexseries_images: Images with order_of_images and an IndexSeries pointing into it', () => {
    const file = fixtureFile(
      'indexseries_images',
      loadFixture('indexseries_images').file['session_description'] as string,
    );
    const a = new GrayscaleImage({
      name: 'stim_a',
      data: zeros([20, 16], Uint8Array),
      description: 'stimulus A',
      resolution: 12.5,
    });
    const b = new RGBImage({
      name: 'stim_b',
      data: zeros([20, 16, 3], Uint8Array),
      description: 'stimulus B',
      resolution: 12.5,
    });
    const c = new GrayscaleImage({
      name: 'stim_c',
      data: zeros([20, 16], Uint8Array),
      description: 'stimulus C',
    });
    const images = file.addStimulusTemplate(
      new Images({
        name: 'stimulus_images',
        description: 'images shown, in presentation order',
        images: [a, b, c],
        orderOfImages: [c, a, b],
      }),
    );
    file.addStimulus(
      new IndexSeries({
        name: 'stimulus_index',
        description: 'index into order_of_images of stimulus_images',
        data: BigInt64Array.of(0n, 2n, 1n, 2n, 0n, 1n),
        indexedImages: images,
        timestamps: [0.5, 1.0, 1.75, 2.0, 3.25, 3.5],
      }),
    );
    const base = '/stimulus/templates/stimulus_images';
    checkFixture('indexseries_images', file, [
      `${base}/stim_a.data`,
      `${base}/stim_b.data`,
      `${base}/stim_c.data`,
    ]);
  });

  it('static_images: Images in acquisition with every image type', () => {
    const file = fixtureFile(
      'static_images',
      loadFixture('static_images').file['session_description'] as string,
    );
    file.addAcquisition(
      new Images({
        name: 'static_images',
        description: 'a few static images',
        images: [
          new GrayscaleImage({
            name: 'gray_f32',
            data: zeros([32, 24], Float32Array),
            description: 'grayscale float32',
            resolution: 0.25,
          }),
          new GrayscaleImage({
            name: 'gray_u8',
            data: zeros([32, 24], Uint8Array),
            description: 'grayscale uint8',
            resolution: 10.0,
          }),
          new RGBImage({
            name: 'rgb',
            data: zeros([32, 24, 3], Uint8Array),
            description: 'RGB uint8',
            resolution: 20.5,
          }),
          new RGBAImage({
            name: 'rgba',
            data: zeros([32, 24, 4], Uint8Array),
            description: 'RGBA uint8',
            resolution: 3.25,
          }),
        ],
      }),
    );
    const base = '/acquisition/static_images';
    checkFixture(
      'static_images',
      file,
      ['gray_f32', 'gray_u8', 'rgb', 'rgba'].map((n) => `${base}/${n}.data`),
    );
  });
});
