/**
 * Tree -> model -> tree keeps everything (unknown objects, extras, stored dtypes), files written by
 * other tools read with warnings instead of errors, and whole files go through a store and back.
 */
import { describe, expect, it } from 'vitest';
import { ndarray, numericScalar, textArray, textScalar } from '../src/storage/values.js';
import type { GroupNode, TreeNode } from '../src/tree/nodes.js';
import { datasetNode, groupNode, isDatasetHandle, linkNode } from '../src/tree/nodes.js';
import { snapshotTree } from '../src/testing/snapshot-tree.js';
import type { OpticalSeries } from '../src/model/index.js';
import {
  Device,
  GrayscaleImage,
  ImageSeries,
  Images,
  IndexSeries,
  NWBFile,
  Subject,
  TimeSeries,
  UnmappedObject,
} from '../src/model/index.js';
import { nwbFileToTree, readNWBFile, treeToNWBFile, writeNWBFile } from '../src/mapping/index.js';
import { MemoryBackend, MemoryVolume } from './memory-backend.js';
import { pattern, tutorialFile } from './tutorial-file.js';

function at(root: GroupNode, path: string): TreeNode {
  let node: TreeNode | undefined = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    node = node?.kind === 'group' ? node.children.get(part) : undefined;
  }
  if (node === undefined) throw new Error(`no ${path}`);
  return node;
}

function group(root: GroupNode, path: string): GroupNode {
  const node = at(root, path);
  if (node.kind !== 'group') throw new Error(`${path} is not a group`);
  return node;
}

const typed = (type: string, id: string, namespace = 'core') => ({
  namespace: textScalar(namespace),
  neurodata_type: textScalar(type),
  object_id: textScalar(id),
});

/** A tutorial tree plus what the model does not know, as other tools write it. */
function treeWithUnknowns(): GroupNode {
  const tree = nwbFileToTree(tutorialFile(4));
  group(tree, 'acquisition').children.set(
    'ElectricalSeries',
    groupNode(typed('ElectricalSeries', 'e-1'), [
      [
        'data',
        datasetNode(ndarray('int16', [3, 2], Int16Array.of(1, 2, 3, 4, 5, 6)), { unit: textScalar('volts') }),
      ],
      [
        'electrodes',
        datasetNode(
          ndarray('int32', [2], Int32Array.of(0, 1)),
          typed('DynamicTableRegion', 'e-2', 'hdmf-common'),
        ),
      ],
    ]),
  );
  tree.children.set('intervals', groupNode({}, [['trials', groupNode(typed('TimeIntervals', 'i-1'))]]));
  group(tree, 'general').children.set(
    'extracellular_ephys',
    groupNode({}, [['electrodes', groupNode(typed('DynamicTable', 't-1', 'hdmf-common'))]]),
  );
  group(tree, 'processing').children.set(
    'behavior',
    groupNode({ ...typed('ProcessingModule', 'p-1'), description: textScalar('behaviour') }, [
      ['Position', groupNode(typed('Position', 'p-2'))],
      ['Pose', groupNode(typed('PoseEstimation', 'p-3', 'ndx-pose'))],
      ['raw_frames', datasetNode(ndarray('float32', [2], Float32Array.of(1, 2)))],
    ]),
  );
  const series = group(tree, 'acquisition/ImageSeries');
  series.attrs['extra_note'] = textScalar('written by another tool');
  series.children.set('sync', groupNode({}, [['clock', datasetNode(numericScalar('float64', 1))]]));
  const data = at(tree, 'acquisition/ImageSeries/data');
  if (data.kind === 'dataset') data.attrs['extra'] = numericScalar('int8', 3);
  group(tree, 'specifications').children.set(
    'ndx-pose',
    groupNode({}, [['0.1.0', groupNode({}, [['namespace', datasetNode(textScalar('{"namespaces":[]}'))]])]]),
  );
  tree.attrs['extra_root_attr'] = textScalar('kept');
  return tree;
}

describe('tree -> model -> tree', () => {
  it('round-trips the tutorial file exactly (object ids included)', async () => {
    const tree = nwbFileToTree(tutorialFile(4));
    const file = await treeToNWBFile(tree);
    expect(file.readWarnings).toEqual([]);
    const again = nwbFileToTree(file);
    expect(await snapshotTree(again, { objectIds: true })).toEqual(
      await snapshotTree(tree, { objectIds: true }),
    );
  });

  it("reads a series whose data is a link to another's: the unit is the linked dataset's", async () => {
    const tree = nwbFileToTree(tutorialFile(4));
    const series: Array<[string, GroupNode]> = [];
    const walk = (path: string, group: GroupNode) => {
      for (const [name, child] of group.children) {
        if (child.kind !== 'group') continue;
        const data = child.children.get('data');
        if (data?.kind === 'dataset' && data.attrs['unit'] !== undefined)
          series.push([`${path}/${name}`, child]);
        walk(`${path}/${name}`, child);
      }
    };
    walk('', tree);
    expect(series.length).toBeGreaterThanOrEqual(2);
    const [[from], [, to]] = series as [[string, GroupNode], [string, GroupNode]];
    to.children.set('data', linkNode(`${from}/data`));
    const file = await treeToNWBFile(tree);
    expect(file.readWarnings.map((w) => w.rule)).not.toContain('unit-required');
  });

  it('keeps unknown objects, extensions and extras', async () => {
    const tree = treeWithUnknowns();
    const file = await treeToNWBFile(tree);
    expect(file.readWarnings).toEqual([]);
    const ephys = file.getAcquisition('ElectricalSeries');
    expect(ephys).toBeInstanceOf(UnmappedObject);
    expect(ephys?.neurodataType).toBe('ElectricalSeries');
    const behavior = file.getProcessingModule('behavior');
    expect(behavior).toBeInstanceOf(Object);
    expect(behavior?.neurodataType).toBe('ProcessingModule');
    const series = file.getAcquisition('ImageSeries') as ImageSeries;
    expect(series).toBeInstanceOf(ImageSeries);
    expect(series.unmapped.attrs['extra_note']).toEqual(textScalar('written by another tool'));
    expect([...series.unmapped.children.keys()]).toEqual(['sync']);
    expect(Object.keys(series.unmapped.childAttrs.get('data') ?? {})).toEqual(['extra']);
    expect([...file.unmapped.children.keys()].sort()).toEqual([
      'general/extracellular_ephys',
      'intervals',
      'specifications',
    ]);
    const again = nwbFileToTree(file);
    expect(await snapshotTree(again, { objectIds: true })).toEqual(
      await snapshotTree(tree, { objectIds: true }),
    );
  });

  it('links shared timestamps to the same series object and writes them back as a link', async () => {
    const file = tutorialFile(4);
    const first = file.addAcquisition(
      new ImageSeries({
        name: 'IrregularSeries',
        unit: 'n.a.',
        data: pattern([3, 4, 5], Uint8Array),
        timestamps: [0, 0.015, 0.035],
      }),
    );
    file.addAcquisition(
      new ImageSeries({
        name: 'LinkedTimestampsSeries',
        unit: 'a.u.',
        data: pattern([3, 2, 2], Float32Array),
        timestamps: first,
      }),
    );
    const tree = nwbFileToTree(file);
    expect(at(tree, 'acquisition/LinkedTimestampsSeries/timestamps')).toEqual(
      linkNode('/acquisition/IrregularSeries/timestamps'),
    );
    const read = await treeToNWBFile(tree);
    const linked = read.getAcquisition('LinkedTimestampsSeries') as ImageSeries;
    expect(linked.timestampsSource).toBe(read.getAcquisition('IrregularSeries'));
    expect(linked.timestamps?.shape).toEqual([3]);
    expect(at(nwbFileToTree(read), 'acquisition/LinkedTimestampsSeries/timestamps')).toEqual(
      linkNode('/acquisition/IrregularSeries/timestamps'),
    );
    const stimuli = read.getStimulus('stimuli') as IndexSeries;
    expect(stimuli.indexedImages).toBe(read.getStimulusTemplate('raccoons'));
    const raccoons = read.getStimulusTemplate('raccoons') as Images;
    expect(raccoons.orderOfImages?.images.map((i) => i.name)).toEqual(['rgb_face', 'gs_face']);
    expect(raccoons.orderOfImages?.images[0]).toBe(raccoons.getImage('rgb_face'));
  });

  it('reads what other tools write: scalar experimenter, int32/int64/uint64 dtypes, no spec, missing optionals', async () => {
    const tree = nwbFileToTree(tutorialFile(4), { cacheSpec: false });
    expect(tree.children.has('specifications')).toBe(false);
    expect(tree.attrs['.specloc']).toBeUndefined();
    const general = group(tree, 'general');
    general.children.set('experimenter', datasetNode(textScalar('Baggins, Bilbo')));
    general.children.delete('lab');
    const external = at(tree, 'acquisition/ExternalFiles/external_file');
    if (external.kind !== 'dataset') throw new Error('unexpected');
    external.attrs['starting_frame'] = ndarray('int32', [3], Int32Array.of(0, 2, 4));
    const stimuli = group(tree, 'stimulus/presentation/stimuli');
    const data = stimuli.children.get('data');
    if (data?.kind !== 'dataset') throw new Error('unexpected');
    data.value = ndarray('uint64', [4], BigUint64Array.of(0n, 1n, 0n, 1n));
    const optical = group(tree, 'stimulus/presentation/StimulusPresentation');
    optical.children.delete('format');
    const file = await treeToNWBFile(tree);
    expect(file.readWarnings).toEqual([]);
    expect(file.experimenter).toEqual(['Baggins, Bilbo']);
    expect(file.lab).toBeUndefined();
    expect((file.getAcquisition('ExternalFiles') as ImageSeries).startingFrame).toEqual([0, 2, 4]);
    expect((file.getStimulus('StimulusPresentation') as OpticalSeries).format).toBe('raw');
    const again = nwbFileToTree(file);
    expect(at(again, 'acquisition/ExternalFiles/external_file')).toMatchObject({
      attrs: { starting_frame: { dtype: 'int32' } },
    });
    expect(at(again, 'stimulus/presentation/stimuli/data')).toMatchObject({ value: { dtype: 'uint64' } });
    expect(at(again, 'general/experimenter')).toMatchObject({ value: { shape: [1] } });
  });

  it('warns about rules a file breaks instead of refusing it', async () => {
    const tree = nwbFileToTree(tutorialFile(4));
    const external = at(tree, 'acquisition/ExternalFiles/external_file');
    if (external.kind !== 'dataset') throw new Error('unexpected');
    external.attrs['starting_frame'] = ndarray('int64', [2], BigInt64Array.of(0n, 2n));
    group(tree, 'stimulus/presentation/StimulusPresentation').children.delete('distance');
    group(tree, 'stimulus/presentation/stimuli').children.delete('indexed_images');
    const series = group(tree, 'acquisition/ImageSeries');
    series.children.set('timestamps', datasetNode(ndarray('float64', [2], Float64Array.of(0, 1))));
    group(tree, '/').children.set(
      'session_start_time',
      datasetNode(textScalar('2018-04-25T02:30:03', 'ascii')),
    );
    const file = await treeToNWBFile(tree);
    const rules = file.readWarnings.map((w) => `${w.path} ${w.rule}`).sort();
    expect(rules).toEqual([
      '/ datetime-offset',
      '/acquisition/ExternalFiles starting-frame',
      '/acquisition/ImageSeries rate-xor-timestamps',
      '/acquisition/ImageSeries timestamps-length',
      '/stimulus/presentation/StimulusPresentation optical-series-distance',
      '/stimulus/presentation/stimuli index-series-target',
    ]);
    expect(file.sessionStartTime.text).toBe('2018-04-25T02:30:03');
    const written = nwbFileToTree(file);
    expect(at(written, 'session_start_time')).toMatchObject({ value: { data: ['2018-04-25T02:30:03'] } });
  });

  it('keeps a link it cannot resolve, with a warning', async () => {
    const tree = nwbFileToTree(tutorialFile(4));
    group(tree, 'stimulus/presentation/stimuli').children.set('indexed_images', linkNode('/nowhere'));
    const file = await treeToNWBFile(tree);
    expect(file.readWarnings.map((w) => w.rule)).toContain('link-target');
    const stimuli = file.getStimulus('stimuli') as IndexSeries;
    expect(stimuli.unmapped.children.get('indexed_images')).toEqual(linkNode('/nowhere'));
    expect(at(nwbFileToTree(file), 'stimulus/presentation/stimuli/indexed_images')).toEqual(
      linkNode('/nowhere'),
    );
  });

  it('refuses a tree that is not an NWB file', async () => {
    await expect(treeToNWBFile(groupNode())).rejects.toMatchObject({ _tag: 'MappingError' });
  });
});

describe('writeNWBFile / readNWBFile through a store', () => {
  it('writes, reads lazily and writes the same tree again', async () => {
    const volume = new MemoryVolume();
    const file = tutorialFile(4);
    const device = file.createDevice({
      name: 'camera0',
      description: 'synthetic camera',
      manufacturer: 'Oracle Inc.',
    });
    file.subject = new Subject({
      subjectId: 'bilbo',
      species: 'Homo sapiens',
      age: 'P50Y',
      dateOfBirth: '1967-09-22T00:00:00+00:00',
    });
    file.addAcquisition(
      new ImageSeries({
        name: 'CompressedSeries',
        unit: 'intensity',
        data: pattern([8, 6, 5], Uint16Array, 1, 0, 65536),
        rate: 30,
        startingTime: 0.5,
        conversion: 2,
        offset: 0.1,
        resolution: 0.5,
        dimension: [6, 5],
        device,
      }),
    );
    const module = file.createProcessingModule({ name: 'behavior', description: 'processed' });
    module.add(
      new TimeSeries({
        name: 'speed',
        unit: 'm/s',
        data: Float32Array.of(1, 2, 3),
        rate: 10,
        continuity: 'continuous',
      }),
    );
    const writer = MemoryBackend.create(volume, 'test.nwb');
    await writeNWBFile(writer, file);
    await writer.close();

    const reader = MemoryBackend.open(volume, 'test.nwb');
    const read = await readNWBFile(reader);
    expect(read.readWarnings).toEqual([]);
    expect(reader.stats.readDataCalls).toBeLessThan(60);
    const compressed = read.getAcquisition('CompressedSeries') as ImageSeries;
    expect(isDatasetHandle(compressed.data)).toBe(true);
    expect(compressed.device).toBe(read.getDevice('camera0'));
    expect(compressed.dimension).toEqual([6, 5]);
    expect(compressed.rate).toBe(30);
    expect(compressed.startingTime).toBe(0.5);
    expect(read.subject).toBeInstanceOf(Subject);
    expect((read.subject as Subject).dateOfBirth?.text).toBe('1967-09-22T00:00:00+00:00');
    expect((read.subject as Subject).ageReference).toBe('birth');
    const speed = (read.getProcessingModule('behavior') as { get(n: string): unknown }).get(
      'speed',
    ) as TimeSeries;
    expect(speed.continuity).toBe('continuous');
    expect(read.sessionStartTime.text).toBe('2018-04-25T02:30:03-07:00');
    expect(read.identifier).toBe('fixture-tutorial-images');
    expect(read.objectId).toBe(file.objectId);

    const expected = await snapshotTree(nwbFileToTree(file), { objectIds: true });
    expect(await snapshotTree(nwbFileToTree(read), { objectIds: true })).toEqual(expected);

    const copy = MemoryBackend.create(volume, 'copy.nwb');
    await writeNWBFile(copy, read);
    await copy.close();
    const reread = await readNWBFile(MemoryBackend.open(volume, 'copy.nwb'));
    expect(await snapshotTree(nwbFileToTree(reread), { objectIds: true })).toEqual(expected);
    await reader.close();
  });

  it('writes streamed frames slab by slab with the given layout, and signed indices as uint32', async () => {
    const volume = new MemoryVolume();
    const file = new NWBFile({
      sessionDescription: 'd',
      identifier: 'i',
      sessionStartTime: '2020-01-01T00:00:00Z',
    });
    const slabs = async function* () {
      for (let t = 0; t < 4; t++) yield pattern([2, 8, 8], Uint8Array, 1, t * 2);
    };
    file.addAcquisition(
      new ImageSeries({
        name: 'movie',
        unit: 'n.a.',
        data: { kind: 'stream', dtype: 'uint8', shape: [8, 8, 8], slabs: slabs() },
        rate: 30,
        dataLayout: { chunks: [2, 8, 8], maxShape: [null, 8, 8], compression: { codec: 'gzip', level: 4 } },
      }),
    );
    const images = file.addStimulusTemplate(
      new Images({
        name: 'imgs',
        images: [new GrayscaleImage({ name: 'a', data: pattern([2, 2], Uint8Array) })],
      }),
    );
    const indices = async function* () {
      yield ndarray('int64', [2], BigInt64Array.of(0n, 0n));
    };
    file.addStimulus(
      new IndexSeries({
        name: 'idx',
        data: { kind: 'stream', dtype: 'int64', shape: [2], slabs: indices() },
        indexedImages: images,
        rate: 1,
      }),
    );
    const writer = MemoryBackend.create(volume, 'stream.nwb');
    await writeNWBFile(writer, file);
    await writer.close();
    const reader = MemoryBackend.open(volume, 'stream.nwb');
    expect(await reader.stat('/acquisition/movie/data')).toMatchObject({
      dtype: 'uint8',
      shape: [8, 8, 8],
      chunks: [2, 8, 8],
      compression: { codec: 'gzip', level: 4 },
    });
    expect(await reader.stat('/stimulus/presentation/idx/data')).toMatchObject({
      dtype: 'uint32',
      shape: [2],
    });
    const read = await readNWBFile(reader);
    const movie = read.getAcquisition('movie') as ImageSeries;
    const frame = await (movie.data as { read(s: unknown): Promise<{ data: Uint8Array }> }).read([3]);
    expect(Array.from(frame.data.slice(0, 3))).toEqual([66, 67, 68]); // frame 3 = second frame of slab 1 (add 2)
  });

  it('fails with a MappingError when a link target is not in the file', () => {
    const file = new NWBFile({
      sessionDescription: 'd',
      identifier: 'i',
      sessionStartTime: '2020-01-01T00:00:00Z',
    });
    const device = new Device({ name: 'orphan' });
    file.addAcquisition(
      new ImageSeries({ name: 'movie', unit: 'n.a.', data: pattern([1, 2, 2], Uint8Array), rate: 1, device }),
    );
    expect(() => nwbFileToTree(file)).toThrow(/orphan.*not in the file/);
  });

  it('writes a minimal file with required groups and text lists', async () => {
    const file = new NWBFile({
      sessionDescription: 'd',
      identifier: 'i',
      sessionStartTime: '2020-01-01T00:00:00Z',
      fileCreateDate: ['2020-01-02T00:00:00+01:00', '2020-01-03T00:00:00.5+01:00'],
      keywords: ['a', 'b'],
    });
    const tree = nwbFileToTree(file);
    expect(at(tree, 'file_create_date')).toMatchObject({
      value: textArray(['2020-01-02T00:00:00+01:00', '2020-01-03T00:00:00.5+01:00'], 'ascii'),
    });
    expect(at(tree, 'general/keywords')).toMatchObject({ value: textArray(['a', 'b']) });
    expect(at(tree, 'timestamps_reference_time')).toMatchObject({
      value: textScalar('2020-01-01T00:00:00Z', 'ascii'),
    });
    expect(group(tree, 'general').children.has('devices')).toBe(false);
    const read = await treeToNWBFile(tree);
    expect(read.fileCreateDate.map((d) => d.text)).toEqual([
      '2020-01-02T00:00:00+01:00',
      '2020-01-03T00:00:00.5+01:00',
    ]);
  });
});
