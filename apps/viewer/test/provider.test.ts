/**
 * The provider over HTTP, in Node: what it finds in each fixture, that its frames are what the
 * library reads, how many requests each frame costs, and the words it finds for failures.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenError, openNWB } from '../src/provider/index.js';
import type { Frame, ImageObject, NWBView } from '../src/provider/index.js';
import { startStaticServer } from '../scripts/static-server.mjs';
import type { ServedRequest } from '../scripts/static-server.mjs';
import type { MadeData } from './test-data.js';
import {
  FIXTURES,
  LINDI_FRAMES,
  MANY_FRAMES,
  TEST_DATA,
  libraryRead,
  makeLindiIndex,
  makeTestData,
  numbers,
} from './test-data.js';

let made: MadeData;
let server: Awaited<ReturnType<typeof startStaticServer>>;
const served: ServedRequest[] = [];
const opened: NWBView[] = [];

beforeAll(async () => {
  made = await makeTestData();
  server = await startStaticServer({
    mounts: [
      { prefix: '/fixtures/', dir: FIXTURES },
      { prefix: '/data/', dir: TEST_DATA },
      { prefix: '/made/', dir: made.dir },
    ],
    onRequest: (r) => served.push(r),
  });
  await makeLindiIndex(made, `${server.url}made/frames.nwb`);
});

afterAll(async () => {
  await Promise.all(opened.map((v) => v.close()));
  await server?.close();
  await made?.remove();
});

async function open(path: string): Promise<NWBView> {
  const url = /^https?:/.test(path) ? path : `${server.url}${path}`;
  const view = await openNWB({ kind: 'url', url });
  opened.push(view);
  return view;
}

function object(view: NWBView, path: string): ImageObject {
  const found = view.images.find((i) => i.path === path);
  if (found === undefined) throw new Error(`${path} not among ${view.images.map((i) => i.path).join(', ')}`);
  return found;
}

async function frame(view: NWBView, path: string, index: number): Promise<Frame> {
  return object(view, path).frames!.read(index);
}

/** Requests for paths under `prefix` served while `action` ran. */
async function requestsDuring(prefix: string, action: () => Promise<unknown>): Promise<ServedRequest[]> {
  const before = served.length;
  await action();
  return served.slice(before).filter((r) => r.path.startsWith(prefix));
}

describe('provider: what it finds', () => {
  it('lists every image object of the tutorial, with neurodata types, in both formats', async () => {
    for (const file of ['tutorial_images.nwb.zarr', 'tutorial_images.nwb']) {
      const view = await open(`fixtures/${file}`);
      expect(view.images.map((i) => [i.path, i.neurodataType])).toEqual([
        ['/acquisition/ExternalFiles', 'ImageSeries'],
        ['/acquisition/ImageSeries', 'ImageSeries'],
        ['/acquisition/logo_images', 'Images'],
        ['/stimulus/presentation/StimulusPresentation', 'OpticalSeries'],
        ['/stimulus/presentation/stimuli', 'IndexSeries'],
        ['/stimulus/templates/raccoons', 'Images'],
      ]);
      expect(view.access.streamed).toBe(true);
      const details = await view.details();
      const session = details.metadata.find((s) => s.title === 'Session')!;
      expect(session.rows).toContainEqual(['Session start', '2018-04-25T02:30:03-07:00']);
      expect(session.rows).toContainEqual(['Lab', 'Bag End Laboratory']);
      const acquisition = view.tree.children.find((c) => c.name === 'acquisition')!;
      expect(acquisition.children.map((c) => [c.name, c.neurodataType])).toEqual([
        ['ExternalFiles', 'ImageSeries'],
        ['ImageSeries', 'ImageSeries'],
        ['logo_images', 'Images'],
      ]);
    }
  });

  it('resolves external files against the file URL, with their starting frames', async () => {
    const view = await open('fixtures/tutorial_images.nwb.zarr');
    const external = object(view, '/acquisition/ExternalFiles');
    expect(external.frames).toBeUndefined();
    expect(await external.externalFiles!()).toEqual([
      { path: 'image/file_1.tiff', url: `${server.url}fixtures/image/file_1.tiff`, startingFrame: 0 },
      { path: 'image/file_2.tiff', url: `${server.url}fixtures/image/file_2.tiff`, startingFrame: 2 },
      { path: 'image/file_3.tiff', url: `${server.url}fixtures/image/file_3.tiff`, startingFrame: 4 },
    ]);
  });

  it('reads the subject and devices into the metadata', async () => {
    const view = await open('fixtures/compressed_imageseries.nwb.zarr');
    const devices = (await view.details()).metadata.find((s) => s.title === 'Devices');
    expect(devices?.rows.map(([name]) => name)).toEqual(['camera0']);
  });
});

describe('provider: frames are what the library reads', () => {
  it('ImageSeries (RGB), OpticalSeries and grayscale uint16 and float32 series', async () => {
    const cases = [
      ['tutorial_images.nwb.zarr', '/acquisition/ImageSeries', 150, 3],
      ['tutorial_images.nwb', '/stimulus/presentation/StimulusPresentation', 7, 3],
      ['compressed_imageseries.nwb.zarr', '/acquisition/CompressedSeries', 33, 1],
      ['irregular_timestamps.nwb', '/acquisition/LinkedTimestampsSeries', 5, 1],
    ] as const;
    for (const [file, path, index, channels] of cases) {
      const view = await open(`fixtures/${file}`);
      const shown = await frame(view, path, index);
      const expected = await libraryRead(join(FIXTURES, file), `${path}/data`, [index]);
      expect(shown.channels).toBe(channels);
      expect([shown.rows, shown.cols]).toEqual(expected.shape.slice(0, 2));
      expect(Array.from(shown.values)).toEqual(numbers(expected));
    }
  });

  it('times from timestamps (also linked ones) and from starting_time and rate', async () => {
    const irregular = await open('fixtures/irregular_timestamps.nwb.zarr');
    const times = numbers(
      await libraryRead(
        join(FIXTURES, 'irregular_timestamps.nwb.zarr'),
        '/acquisition/IrregularSeries/timestamps',
      ),
    );
    for (const path of ['/acquisition/IrregularSeries', '/acquisition/LinkedTimestampsSeries'])
      expect(await object(irregular, path).frames!.time(9)).toBe(times[9]);
    const tutorial = await open('fixtures/tutorial_images.nwb.zarr');
    expect(await object(tutorial, '/acquisition/ImageSeries').frames!.time(12)).toBe(12);
  });

  it('Images in order_of_images, and an IndexSeries stepping through them', async () => {
    const file = 'indexseries_images.nwb.zarr';
    const view = await open(`fixtures/${file}`);
    const images = object(view, '/stimulus/templates/stimulus_images').frames!;
    const order = ['stim_c', 'stim_a', 'stim_b'];
    for (let i = 0; i < 3; i++) {
      expect(await images.caption(i)).toMatch(new RegExp(`^${order[i]} `));
      const expected = await libraryRead(
        join(FIXTURES, file),
        `/stimulus/templates/stimulus_images/${order[i]}`,
      );
      expect(Array.from((await images.read(i)).values)).toEqual(numbers(expected));
    }
    const index = object(view, '/stimulus/presentation/stimulus_index');
    expect(index.facts).toContainEqual(['Points into', '/stimulus/templates/stimulus_images']);
    const indices = [0, 2, 1, 2, 0, 1];
    for (let i = 0; i < indices.length; i++) {
      const target = indices[i]!;
      expect(await index.frames!.caption(i)).toMatch(new RegExp(`^index ${target} → ${order[target]} `));
      expect(Array.from((await index.frames!.read(i)).values)).toEqual(
        Array.from((await images.read(target)).values),
      );
    }
    expect(await index.frames!.time(3)).toBe(2.0);
  });

  it('static images without order_of_images come in stored order: grayscale, RGB and RGBA', async () => {
    const view = await open('fixtures/static_images.nwb');
    const images = object(view, '/acquisition/static_images').frames!;
    const layouts = [];
    for (let i = 0; i < images.count; i++) {
      const f = await images.read(i);
      layouts.push([(await images.caption(i))!.split(' ')[0], f.channels, f.dtype]);
    }
    expect(layouts).toEqual([
      ['gray_f32', 1, 'float32'],
      ['gray_u8', 1, 'uint8'],
      ['rgb', 3, 'uint8'],
      ['rgba', 4, 'uint8'],
    ]);
  });

  it('a TwoPhotonSeries written by PyNWB, with more timestamps than frames', async () => {
    const view = await open('data/test_TwoPhotonSeries.nwb');
    const series = object(view, '/acquisition/test_2ps');
    expect(series.neurodataType).toBe('TwoPhotonSeries');
    expect(series.frames!.count).toBe(1);
    const shown = await series.frames!.read(0);
    const expected = await libraryRead(
      join(TEST_DATA, 'test_TwoPhotonSeries.nwb'),
      '/acquisition/test_2ps/data',
      [0],
    );
    expect([shown.rows, shown.cols, shown.channels]).toEqual([2, 4, 1]);
    expect(Array.from(shown.values)).toEqual(numbers(expected));
  });
});

describe('provider: requests', () => {
  it('opens a consolidated Zarr store in one round trip and reads a frame with one request per chunk', async () => {
    const opening = await requestsDuring('/made/many_frames', async () => {
      await open('made/many_frames.nwb.zarr');
      // The root .zattrs is asked for without waiting on it: on a loaded machine this test's own
      // server may log that request just after the open has finished.
      await new Promise((resolve) => setTimeout(resolve, 200));
    });
    // .zmetadata, the root .zattrs (stale in hdmf-zarr < 0.13's .zmetadata) and zarr.json (in case
    // the store is Zarr format 3) are asked for at once: the content decides.
    expect(opening.map((r) => r.path).sort()).toEqual([
      '/made/many_frames.nwb.zarr/.zattrs',
      '/made/many_frames.nwb.zarr/.zmetadata',
      '/made/many_frames.nwb.zarr/zarr.json',
    ]);
    const view = opened.at(-1)!;
    const series = object(view, MANY_FRAMES.path).frames!;
    await series.time(0); // starting_time is read once
    const first = await requestsDuring('/made/many_frames', () => series.read(17));
    expect(first.map((r) => r.path)).toEqual(['/made/many_frames.nwb.zarr/acquisition/frames/data/17.0.0']);
    expect(await requestsDuring('/made/many_frames', () => series.read(17))).toEqual([]);
  });

  it('opens a Zarr format 3 store from its root zarr.json and reads a frame with one request', async () => {
    const opening = await requestsDuring('/made/many_frames_v3', () => open('made/many_frames_v3.nwb.zarr'));
    expect(opening.map((r) => [r.path, r.status])).toContainEqual([
      '/made/many_frames_v3.nwb.zarr/zarr.json',
      200,
    ]);
    const series = object(opened.at(-1)!, MANY_FRAMES.path).frames!;
    expect(series.count).toBe(MANY_FRAMES.frames);
    let shown: Frame | undefined;
    const asked = await requestsDuring('/made/many_frames_v3', async () => (shown = await series.read(17)));
    expect(asked.map((r) => r.path)).toEqual([
      '/made/many_frames_v3.nwb.zarr/acquisition/frames/data/c/17/0/0',
    ]);
    expect(Array.from(shown!.values)).toEqual(
      numbers(await libraryRead(join(made.dir, 'many_frames_v3.nwb.zarr'), `${MANY_FRAMES.path}/data`, [17])),
    );
  });

  it('reads the chunks a frame shares with its neighbours once', async () => {
    const view = await open('fixtures/compressed_imageseries.nwb.zarr');
    const series = object(view, '/acquisition/CompressedSeries').frames!;
    const block = await requestsDuring('/fixtures/compressed', () => series.read(9)); // chunks (8, 24, 20): frames 8-15
    expect(block.map((r) => r.path.replace(/.*\/data\//, '')).sort()).toEqual([
      '1.0.0',
      '1.0.1',
      '1.1.0',
      '1.1.1',
    ]);
    for (let i = 8; i < 16; i++)
      expect(await requestsDuring('/fixtures/compressed', () => series.read(i))).toEqual([]);
  });

  it('streams a remote HDF5 file: Range requests only, a frame in one request', async () => {
    // The first request (1 MiB) holds the whole 247 KB tutorial file: opening is one request.
    const opening = await requestsDuring('/fixtures/tutorial', () => open('fixtures/tutorial_images.nwb'));
    expect(opening.map((r) => [r.path, r.range])).toEqual([
      ['/fixtures/tutorial_images.nwb', 'bytes=0-1048575'],
    ]);
    const view = opened.at(-1)!;
    expect(view.access.streamed).toBe(true);
    expect(
      await requestsDuring('/fixtures/tutorial', () => frame(view, '/acquisition/ImageSeries', 3)),
    ).toEqual([]);
  });

  it('streams through a LINDI index: the index in one request, then one Range request per frame', async () => {
    const opening = await requestsDuring('/made/frames', () => open('made/frames.lindi.json'));
    expect(opening.map((r) => [r.path, r.range])).toEqual([['/made/frames.lindi.json', undefined]]);
    const view = opened.at(-1)!;
    expect(view.access.streamed).toBe(true);
    expect(view.access.message).toMatch(/LINDI index/);
    const { frames, rows, cols, path } = LINDI_FRAMES;
    expect(object(view, path).frames!.count).toBe(frames);
    for (const index of [0, 7, frames - 1]) {
      let shown: Frame | undefined;
      const asked = await requestsDuring(
        '/made/frames',
        async () => (shown = await frame(view, path, index)),
      );
      expect(asked.map((r) => [r.path, r.status])).toEqual([['/made/frames.nwb', 206]]);
      expect([shown!.rows, shown!.cols]).toEqual([rows, cols]);
      expect(Array.from(shown!.values)).toEqual(
        numbers(await libraryRead(join(made.dir, 'frames.nwb'), `${path}/data`, [index])),
      );
    }
  });

  it('tells HDF5 from Zarr by the first bytes when the name does not say', async () => {
    const opening = await requestsDuring('/made/tutorial-copy', () => open('made/tutorial-copy'));
    expect(opening.map((r) => [r.path, r.range])).toEqual([
      ['/made/tutorial-copy', 'bytes=0-7'],
      ['/made/tutorial-copy', 'bytes=0-1048575'],
    ]);
    expect(opened.at(-1)!.images).toHaveLength(6);
  });
});

describe('provider: problems in words', () => {
  const problem = async (path: string) => {
    try {
      await open(path);
    } catch (error) {
      expect(error).toBeInstanceOf(OpenError);
      return (error as OpenError).problem;
    }
    throw new Error(`${path} opened`);
  };

  it('404, not NWB, not HDF5, not a LINDI index', async () => {
    expect((await problem('fixtures/missing.nwb.zarr')).title).toBe('Nothing at this URL (404 Not Found)');
    expect((await problem('fixtures/missing.nwb')).title).toBe('Nothing at this URL (404 Not Found)');
    expect((await problem('made/not_nwb.zarr')).title).toBe('Not an NWB file');
    expect((await problem('made/not_hdf5.nwb')).title).toBe('Not an NWB file the viewer can read');
    expect((await problem('made/session.lindi.json')).title).toBe('Not an NWB file');
    const broken = await problem('made/broken.lindi.json');
    expect(broken.title).toBe('Not an NWB file the viewer can read');
    expect(broken.detail).toMatch(/broken\.lindi\.json: not a LINDI file: not valid JSON/);
  });

  it('a local .lindi.json without "refs" is refused by the LINDI reader, named by its file name', async () => {
    const local = new File([JSON.stringify({ version: 1 })], 'no-refs.lindi.json');
    const error = await openNWB({ kind: 'file', file: local }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenError);
    const { title, detail } = (error as OpenError).problem;
    expect(title).toBe('Not an NWB file the viewer can read');
    expect(detail).toMatch(/\(no-refs\.lindi\.json: a LINDI file has no "refs" object\)/);
  });

  it('an unknown codec fails the frame, not the file', async () => {
    const view = await open('made/bad_codec.nwb.zarr');
    const error = await frame(view, '/acquisition/CompressedSeries', 0).catch((e: unknown) => e);
    expect(view.describe(error)?.title).toBe('Unsupported codec: lzma');
  });

  it('a server that cannot be reached', async () => {
    const closed = await startStaticServer({ mounts: [] });
    await closed.close();
    const found = await problem(`${closed.url}x.nwb.zarr`);
    expect(found.title).toMatch(/^Could not read /);
    expect(found.detail).toMatch(/CORS/);
  });
});
