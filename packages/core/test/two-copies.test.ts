/**
 * Two copies of @nwbjs/core loaded at once (two bundles, or a dependency's own copy): objects made
 * with one are written and read by the other, since the mapping tells types apart by brand, not by
 * `instanceof`.
 */
import { expect, it, vi } from 'vitest';
import type * as CoreModule from '../src/index.js';

type Core = typeof CoreModule;

/** A copy of the package with classes of its own. */
async function loadCopy(): Promise<Core> {
  vi.resetModules();
  return import('../src/index.js');
}

it('writes and reads objects made by another copy of the package', async () => {
  const a = await loadCopy();
  const b = await loadCopy();
  expect(a.TimeSeries).not.toBe(b.TimeSeries);

  const camera = new a.Device({ name: 'camera', manufacturer: 'Acme' });
  const source = new a.TimeSeries({
    name: 'source',
    data: Float64Array.of(1, 2, 3),
    unit: 'm',
    timestamps: [0, 1, 2],
  });
  const shared = new a.TimeSeries({ name: 'shared', data: source, unit: 'm', timestamps: source });
  const frame = new a.GrayscaleImage({ name: 'frame', data: a.fromTypedArray(new Uint8Array(4), [2, 2]) });
  const images = new a.Images({ name: 'images', images: [frame], orderOfImages: [frame] });
  const movie = new a.ImageSeries({
    name: 'movie',
    data: a.fromTypedArray(new Uint8Array(8), [2, 2, 2]),
    unit: 'n.a.',
    rate: 1,
    device: camera,
  });
  const index = new a.IndexSeries({
    name: 'index',
    data: Uint32Array.of(0, 0),
    rate: 1,
    indexedImages: images,
  });
  const file = new b.NWBFile({
    sessionDescription: 'two copies',
    identifier: 'two-copies',
    sessionStartTime: '2024-01-01T00:00:00+00:00',
  });
  file.addDevice(camera);
  for (const object of [source, shared, movie, images, index]) file.addAcquisition(object);
  file.subject = new a.Subject({ name: 'subject', species: 'Mus musculus' });

  const tree = b.nwbFileToTree(file);
  const acquisition = tree.children.get('acquisition');
  if (acquisition?.kind !== 'group') throw new Error('no /acquisition');
  const child = (name: string, field: string) => {
    const node = acquisition.children.get(name);
    return node?.kind === 'group' ? node.children.get(field) : undefined;
  };
  expect(child('shared', 'data')).toMatchObject({ kind: 'link', target: '/acquisition/source/data' });
  expect(child('movie', 'device')).toMatchObject({ kind: 'link', target: '/general/devices/camera' });
  expect(child('index', 'indexed_images')).toMatchObject({ kind: 'link', target: '/acquisition/images' });

  const read = await b.treeToNWBFile(tree);
  expect(read.readWarnings).toEqual([]);
  const readMovie = read.acquisition.get('movie');
  expect(readMovie).not.toBeInstanceOf(a.ImageSeries);
  expect(a.isNWBType(readMovie, a.ImageSeries)).toBe(true);
  expect(a.isNWBType(readMovie, a.TimeSeries)).toBe(true);
  expect(a.isNWBType(readMovie, a.OpticalSeries)).toBe(false);
  expect(a.isNWBType(read.subject, a.Subject)).toBe(true);
  expect(a.isNWBObject(read.acquisition.get('images'))).toBe(true);
  expect(a.isUnmappedObject(new b.UnmappedObject({ name: 'x', node: b.groupNode() }))).toBe(true);
  expect(a.isNWBType(new b.UnmappedObject({ name: 'x', node: b.groupNode() }), a.TimeSeries)).toBe(false);
});
