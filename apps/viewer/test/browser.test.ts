/**
 * The built viewer in Chromium. Fixtures are served from a local HTTP server of their own (another
 * origin, as a remote data server is); the pixels drawn for a frame are compared with what the
 * library reads in Node, the server counts the requests each frame costs, and every fixture is
 * kept as a screenshot in test-artifacts/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NdArray } from '@nwbjs/core';
import { toRGBA } from '../src/render/pixels.js';
import { startStaticServer } from '../scripts/static-server.mjs';
import type { ServedRequest } from '../scripts/static-server.mjs';
import { launchChromium } from '../scripts/chromium.mjs';
import type { MadeData } from './test-data.js';
import {
  FIXTURES,
  LINDI_FRAMES,
  MANY_FRAMES,
  TEST_DATA,
  libraryRead,
  makeLindiIndex,
  makeTestData,
  manyFramesValue,
  numbers,
} from './test-data.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const DIST = resolve(here, '../dist');
/** Screenshots, one per fixture and per error page (git-ignored). */
const ARTIFACTS = resolve(here, '../test-artifacts');

type Server = Awaited<ReturnType<typeof startStaticServer>>;
let made: MadeData;
let app: Server;
let data: Server;
let slow: Server;
/** Long enough that twenty animation frames pass before one answer, even on a loaded machine. */
const SLOW_LATENCY_MS = 2000;
let noCors: Server;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
const served: ServedRequest[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(DIST, 'index.html')))
    throw new Error(
      `${DIST} has no build: run npm run build in apps/viewer (turbo builds it before the tests)`,
    );
  await mkdir(ARTIFACTS, { recursive: true });
  made = await makeTestData();
  const dataMounts = [
    { prefix: '/fixtures/', dir: FIXTURES },
    { prefix: '/data/', dir: TEST_DATA },
    { prefix: '/made/', dir: made.dir },
  ];
  app = await startStaticServer({ mounts: [{ prefix: '/', dir: DIST, cors: false, app: true }] });
  data = await startStaticServer({ mounts: dataMounts, onRequest: (r) => served.push(r) });
  await makeLindiIndex(made, `${data.url}made/frames.nwb`);
  slow = await startStaticServer({
    mounts: dataMounts,
    latencyMs: SLOW_LATENCY_MS,
    onRequest: (r) => served.push(r),
  });
  noCors = await startStaticServer({ mounts: [{ prefix: '/fixtures/', dir: FIXTURES, cors: false }] });
  chromium = await launchChromium();
  context = chromium.context;
  await writeFile(join(made.dir, 'movie.webm'), await recordVideo());
});

afterAll(async () => {
  await chromium?.close();
  await Promise.all([app, data, slow, noCors].map((s) => s?.close()));
  await made?.remove();
});

/** A one-second WebM made by the browser itself (MediaRecorder), for the external-file player. */
async function recordVideo(): Promise<Buffer> {
  const page = await context.newPage();
  await page.goto(app.url);
  const bytes = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const context2d = canvas.getContext('2d')!;
    const recorder = new MediaRecorder(canvas.captureStream(10), { mimeType: 'video/webm' });
    const parts: Blob[] = [];
    recorder.ondataavailable = (event) => parts.push(event.data);
    const stopped = new Promise((done) => (recorder.onstop = done));
    recorder.start();
    for (let i = 0; i < 10; i++) {
      context2d.fillStyle = `hsl(${i * 36}, 80%, 50%)`;
      context2d.fillRect(0, 0, 64, 48);
      await new Promise((done) => setTimeout(done, 100));
    }
    recorder.stop();
    await stopped;
    return Array.from(new Uint8Array(await new Blob(parts).arrayBuffer()));
  });
  await page.close();
  return Buffer.from(bytes);
}

/** A page of the viewer with `query`; page errors are collected and fail the suite at the end. */
async function viewer(query = ''): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${query}: ${error.message}`));
  await page.goto(`${app.url}${query === '' ? '' : `?${query}`}`);
  return page;
}

function openQuery(server: Server, path: string, object?: string, frame?: number): string {
  const query = new URLSearchParams({ url: `${server.url}${path}` });
  if (object !== undefined) query.set('object', object);
  if (frame !== undefined) query.set('frame', String(frame));
  return query.toString();
}

async function waitDrawn(page: Page, index: number, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    (i) =>
      document.querySelector<HTMLCanvasElement>('[data-testid=frame-canvas]')?.dataset.drawn === String(i),
    index,
    { timeout },
  );
}

interface Drawn {
  readonly width: number;
  readonly height: number;
  readonly rgba: number[];
  readonly low: number;
  readonly high: number;
}

async function drawn(page: Page): Promise<Drawn> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=frame-canvas]')!;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    return {
      width: canvas.width,
      height: canvas.height,
      rgba: Array.from(pixels.data),
      low: Number(canvas.dataset.windowLow),
      high: Number(canvas.dataset.windowHigh),
    };
  });
}

/** Checks the canvas against a frame as the library read it (rows x cols [x channels]). */
async function expectFrameDrawn(page: Page, frame: NdArray): Promise<Drawn> {
  const [rows = 1, cols = 1, channels = 1] = frame.shape;
  const shown = await drawn(page);
  expect([shown.height, shown.width]).toEqual([rows, cols]);
  if (String(frame.dtype) === 'uint8') expect([shown.low, shown.high]).toEqual([0, 255]);
  const expected = toRGBA(
    { rows, cols, channels: channels as 1 | 3 | 4, dtype: String(frame.dtype), values: numbers(frame) },
    { low: shown.low, high: shown.high },
  );
  if (channels === 4) {
    // The canvas keeps premultiplied alpha: colour under partial transparency comes back within
    // what 8 bits of premultiplied colour can hold.
    const off = shown.rgba.filter(
      (v, i) =>
        Math.abs(v - expected[i]!) > (i % 4 === 3 ? 0 : 255 / Math.max(1, expected[i - (i % 4) + 3]!)),
    );
    expect(off).toEqual([]);
  } else {
    expect(shown.rgba).toEqual(Array.from(expected));
  }
  return shown;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '_')}.png`), fullPage: true });
}

/** Requests under `prefix` (server path) served after `mark` (an index into `served`). */
function servedSince(mark: number, prefix: string): string[] {
  return served
    .slice(mark)
    .filter((r) => r.path.startsWith(prefix))
    .map((r) => r.path.slice(prefix.length));
}

async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).first().textContent()) ?? '';
}

describe('viewer in Chromium: frames', () => {
  it('draws the last frame of every ImageSeries and OpticalSeries of every fixture as the library reads it', async () => {
    const checked: string[] = [];
    const page = await viewer();
    for (const description of readdirSync(FIXTURES).filter((f) => /\.nwb(\.zarr)?\.json$/.test(f))) {
      const file = description.replace(/\.json$/, '');
      const objects = (
        JSON.parse(readFileSync(join(FIXTURES, description), 'utf8')) as {
          objects: Record<string, { neurodata_type: string; fields: { data?: { shape: number[] } } }>;
        }
      ).objects;
      for (const [path, object] of Object.entries(objects)) {
        const shape = object.fields.data?.shape ?? [];
        if (!['ImageSeries', 'OpticalSeries'].includes(object.neurodata_type) || !(shape[0]! > 0)) continue;
        const last = shape[0]! - 1;
        await page.goto(`${app.url}?${openQuery(data, `fixtures/${file}`, path, last)}`);
        await waitDrawn(page, last);
        await expectFrameDrawn(page, await libraryRead(join(FIXTURES, file), `${path}/data`, [last]));
        expect(await text(page, 'frame-number')).toBe(`frame ${last} / ${last}`);
        await screenshot(page, `${file}${path}`);
        checked.push(`${file}${path}`);
      }
    }
    await page.close();
    expect(checked).toHaveLength(14);
  }, 180_000);

  it('streams a remote Zarr: the chunks of a frame once, none for frames sharing them; arrow keys step', async () => {
    const file = 'tutorial_images.nwb.zarr';
    const series = '/acquisition/ImageSeries';
    const page = await viewer(openQuery(data, `fixtures/${file}`, series));
    await waitDrawn(page, 0);
    await expectFrameDrawn(page, await libraryRead(join(FIXTURES, file), `${series}/data`, [0]));
    expect(await text(page, 'frame-time')).toBe('t = 0 s');
    await page.getByTestId('metadata').waitFor(); // its requests are done: only frames fetch now
    // chunks (100, 25, 50, 3): frames 100-199 are two chunks.
    let mark = served.length;
    await page.keyboard.press('End');
    await waitDrawn(page, 199);
    expect(servedSince(mark, `/fixtures/${file}${series}/data/`).sort()).toEqual(['1.0.0.0', '1.1.0.0']);
    expect(await text(page, 'frame-requests')).toMatch(/^2 requests/);
    await expectFrameDrawn(page, await libraryRead(join(FIXTURES, file), `${series}/data`, [199]));
    mark = served.length;
    await page.keyboard.press('ArrowLeft');
    await waitDrawn(page, 198);
    await page.keyboard.press('ArrowLeft');
    await waitDrawn(page, 197);
    expect(servedSince(mark, '/fixtures/')).toEqual([]);
    expect(await text(page, 'frame-requests')).toBe('no request');
    expect(await text(page, 'frame-number')).toBe('frame 197 / 199');
    expect(await text(page, 'frame-time')).toBe('t = 197 s');
    await expectFrameDrawn(page, await libraryRead(join(FIXTURES, file), `${series}/data`, [197]));
    expect(new URL(page.url()).searchParams.get('frame')).toBe('197');
    await page.close();
  });

  it('grayscale uint16: the contrast window, four chunks per frame block, and the black level slider', async () => {
    const file = 'compressed_imageseries.nwb.zarr';
    const series = '/acquisition/CompressedSeries';
    const page = await viewer(openQuery(data, `fixtures/${file}`, series, 9));
    await waitDrawn(page, 9);
    const frame = await libraryRead(join(FIXTURES, file), `${series}/data`, [9]);
    const values = numbers(frame);
    const shown = await expectFrameDrawn(page, frame);
    expect([shown.low, shown.high]).toEqual([Math.min(...values), Math.max(...values)]);
    const mark = served.length;
    await page.keyboard.press('PageDown');
    await waitDrawn(page, 19);
    // chunks (8, 24, 20): frame 19 is in the third block of four chunks.
    expect(servedSince(mark, `/fixtures/${file}${series}/data/`).sort()).toEqual([
      '2.0.0',
      '2.0.1',
      '2.1.0',
      '2.1.1',
    ]);
    // The window stays as chosen for the first frame, so playback does not flicker.
    expect((await drawn(page)).low).toBe(shown.low);
    await expectFrameDrawn(page, await libraryRead(join(FIXTURES, file), `${series}/data`, [19]));
    const black = page.getByLabel('black level');
    await black.focus();
    await page.keyboard.press('End');
    const raised = await drawn(page);
    expect(raised.low).toBe(raised.high);
    await expectFrameDrawn(page, await libraryRead(join(FIXTURES, file), `${series}/data`, [19]));
    await page.close();
  });

  it('Images in order_of_images and an IndexSeries stepping through them', async () => {
    const file = 'indexseries_images.nwb.zarr';
    const order = ['stim_c', 'stim_a', 'stim_b'];
    const images = '/stimulus/templates/stimulus_images';
    const page = await viewer(openQuery(data, `fixtures/${file}`, images));
    for (let i = 0; i < order.length; i++) {
      if (i > 0) await page.keyboard.press('ArrowRight');
      await waitDrawn(page, i);
      expect(await text(page, 'frame-caption')).toMatch(
        new RegExp(`^${order[i]} \\((Grayscale|RGB)Image\\)`),
      );
      await expectFrameDrawn(page, await libraryRead(join(FIXTURES, file), `${images}/${order[i]}`));
    }
    await screenshot(page, `${file}${images}`);
    await page.close();
    const indices = [0, 2, 1, 2, 0, 1];
    const index = await viewer(openQuery(data, `fixtures/${file}`, '/stimulus/presentation/stimulus_index'));
    for (let i = 0; i < indices.length; i++) {
      if (i > 0) await index.keyboard.press('ArrowRight');
      await waitDrawn(index, i);
      const target = order[indices[i]!]!;
      expect(await text(index, 'frame-caption')).toMatch(new RegExp(`^index ${indices[i]} → ${target} `));
      await expectFrameDrawn(index, await libraryRead(join(FIXTURES, file), `${images}/${target}`));
    }
    expect(await text(index, 'frame-time')).toBe('t = 3.5 s');
    await screenshot(index, `${file}/stimulus/presentation/stimulus_index`);
    await index.close();
  });

  it('grayscale, RGB and RGBA static images, float32 through its own range', async () => {
    const file = 'static_images.nwb.zarr';
    const page = await viewer(openQuery(data, `fixtures/${file}`));
    for (const [i, name] of ['gray_f32', 'gray_u8', 'rgb', 'rgba'].entries()) {
      if (i > 0) await page.keyboard.press('ArrowRight');
      await waitDrawn(page, i);
      await expectFrameDrawn(
        page,
        await libraryRead(join(FIXTURES, file), `/acquisition/static_images/${name}`),
      );
      if (name === 'rgba') await screenshot(page, `${file}/acquisition/static_images`);
    }
    await page.close();
  });

  it('a TwoPhotonSeries written by PyNWB', async () => {
    const page = await viewer(openQuery(data, 'data/test_TwoPhotonSeries.nwb'));
    await waitDrawn(page, 0);
    await expectFrameDrawn(
      page,
      await libraryRead(join(TEST_DATA, 'test_TwoPhotonSeries.nwb'), '/acquisition/test_2ps/data', [0]),
    );
    await page.getByTestId('metadata').waitFor();
    await screenshot(page, 'test_TwoPhotonSeries.nwb');
    await page.close();
  });

  it('a remote HDF5 file is streamed with Range requests, and the page says so', async () => {
    const file = 'tutorial_images.nwb';
    const mark = served.length;
    const page = await viewer(
      openQuery(data, `fixtures/${file}`, '/stimulus/presentation/StimulusPresentation', 42),
    );
    await waitDrawn(page, 42);
    expect(await text(page, 'access')).toMatch(
      / — Streamed: opening read the metadata; .* 1 requests, 242 KB so far$/,
    );
    const asked = served.slice(mark).filter((r) => r.path === `/fixtures/${file}` && r.method === 'GET');
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((r) => r.range !== undefined && r.status === 206)).toBe(true);
    await expectFrameDrawn(
      page,
      await libraryRead(join(FIXTURES, file), '/stimulus/presentation/StimulusPresentation/data', [42]),
    );
    await page.close();
  });

  it('a LINDI index over HTTP: the index, then Range requests to the HDF5 file it points at', async () => {
    const mark = served.length;
    const page = await viewer(openQuery(data, 'made/frames.lindi.json', LINDI_FRAMES.path, 7));
    await waitDrawn(page, 7);
    expect(await text(page, 'access')).toMatch(/Streamed through a LINDI index/);
    const asked = served.slice(mark).filter((r) => r.path === '/made/frames.nwb' && r.method === 'GET');
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((r) => r.range !== undefined && r.status === 206)).toBe(true);
    await expectFrameDrawn(
      page,
      await libraryRead(join(made.dir, 'frames.nwb'), `${LINDI_FRAMES.path}/data`, [7]),
    );
    await screenshot(page, 'frames.lindi.json');
    await page.close();
  });

  it('drops frames scrolled past: queued reads never fetch', async () => {
    const store = 'made/many_frames.nwb.zarr';
    const page = await viewer(openQuery(slow, store));
    await waitDrawn(page, 0, 60_000);
    const mark = served.length;
    // Twenty steps, one per animation frame: faster than the server answers.
    const stepping = await page.evaluate(async () => {
      const start = performance.now();
      for (let i = 0; i < 20; i++) {
        globalThis.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
        await new Promise((done) => requestAnimationFrame(done));
      }
      return performance.now() - start;
    });
    await waitDrawn(page, 20, 60_000);
    const fetched = servedSince(mark, `/${store}${MANY_FRAMES.path}/data/`);
    // At most four reads run at once, and a queued read whose frame was passed never fetches: while
    // the keys were pressed at most four reads could start per server answer, then the last frame.
    const rounds = Math.ceil(stepping / SLOW_LATENCY_MS);
    expect(fetched.length).toBeLessThanOrEqual(Math.min(4 * rounds + 2, 19));
    expect(fetched).toContain('20.0.0');
    const pixels = (await drawn(page)).rgba.filter((_, i) => i % 4 === 0);
    expect(pixels.slice(0, 3)).toEqual([0, 1, 2].map((c) => manyFramesValue(20, 0, c)));
    await page.close();
  }, 180_000);

  it('prefetches the next frames while playing', async () => {
    const store = 'made/many_frames.nwb.zarr';
    const page = await viewer(openQuery(data, store));
    await waitDrawn(page, 0);
    const mark = served.length;
    await page.getByTestId('play').click();
    await page.waitForFunction(
      () =>
        Number(document.querySelector<HTMLCanvasElement>('[data-testid=frame-canvas]')?.dataset.drawn) >= 4,
    );
    await page.getByTestId('play').click();
    const shownAt = Number(await page.getByTestId('frame-canvas').getAttribute('data-drawn'));
    const fetched = servedSince(mark, `/${store}${MANY_FRAMES.path}/data/`).map((k) =>
      Number(k.split('.')[0]),
    );
    expect(Math.max(...fetched)).toBeGreaterThan(shownAt + 2);
    await page.close();
  });
});

describe('viewer in Chromium: local files', () => {
  it('an .nwb file from the file picker, read from the file as needed', async () => {
    const page = await viewer();
    await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'irregular_timestamps.nwb'));
    await waitDrawn(page, 0);
    expect(await text(page, 'access')).toMatch(/Read from the file as needed/);
    await page.keyboard.press('ArrowRight');
    await waitDrawn(page, 1);
    expect(await text(page, 'frame-time')).toBe('t = 0.015 s');
    await expectFrameDrawn(
      page,
      await libraryRead(join(FIXTURES, 'irregular_timestamps.nwb'), '/acquisition/IrregularSeries/data', [1]),
    );
    expect(new URL(page.url()).searchParams.get('url')).toBeNull();
    await page.close();
  });

  it('a .lindi.json from the file picker: chunks from the URLs it names', async () => {
    const page = await viewer();
    await page.getByTestId('file-input').setInputFiles(join(made.dir, 'frames.lindi.json'));
    await waitDrawn(page, 0);
    expect(await text(page, 'access')).toMatch(/Streamed through a LINDI index/);
    await page.keyboard.press('End');
    await waitDrawn(page, LINDI_FRAMES.frames - 1);
    await expectFrameDrawn(
      page,
      await libraryRead(join(made.dir, 'frames.nwb'), `${LINDI_FRAMES.path}/data`, [LINDI_FRAMES.frames - 1]),
    );
    await page.close();
  });

  it('an .nwb.zarr folder from the folder picker', async () => {
    const page = await viewer();
    await page.getByTestId('folder-input').setInputFiles(join(FIXTURES, 'compressed_imageseries.nwb.zarr'));
    await waitDrawn(page, 0);
    expect(await text(page, 'access')).toMatch(/Read from the folder as needed/);
    await page.keyboard.press('ArrowLeft'); // stays at the first frame
    await page.keyboard.press('ArrowRight');
    await waitDrawn(page, 1);
    await expectFrameDrawn(
      page,
      await libraryRead(
        join(FIXTURES, 'compressed_imageseries.nwb.zarr'),
        '/acquisition/CompressedSeries/data',
        [1],
      ),
    );
    await page.close();
  });

  it('an .nwb file dropped on the page', async () => {
    const page = await viewer();
    const bytes = Array.from(readFileSync(join(FIXTURES, 'static_images.nwb')));
    await page.evaluate((content) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(content)], 'static_images.nwb'));
      document.body.dispatchEvent(
        new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
    }, bytes);
    await waitDrawn(page, 0);
    await expectFrameDrawn(
      page,
      await libraryRead(join(FIXTURES, 'static_images.nwb'), '/acquisition/static_images/gray_f32'),
    );
    await page.close();
  });
});

describe('viewer in Chromium: external files', () => {
  it('lists external files as links resolved against the file URL', async () => {
    const page = await viewer(
      openQuery(data, 'fixtures/tutorial_images.nwb.zarr', '/acquisition/ExternalFiles'),
    );
    const links = page.getByTestId('external-files').locator('a');
    await links.first().waitFor();
    expect(await links.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))).toEqual(
      [1, 2, 3].map((i) => `${data.url}fixtures/image/file_${i}.tiff`),
    );
    expect(await page.locator('video').count()).toBe(0);
    await screenshot(page, 'tutorial_images.nwb.zarr/acquisition/ExternalFiles');
    await page.close();
  });

  it('plays an external video the browser can play', async () => {
    const page = await viewer(openQuery(data, 'made/external_video.nwb.zarr', '/acquisition/video'));
    const video = page.locator('video');
    await video.waitFor();
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1);
    expect(
      await video.evaluate((v) => [(v as HTMLVideoElement).videoWidth, (v as HTMLVideoElement).videoHeight]),
    ).toEqual([64, 48]);
    await page.close();
  });
});

describe('viewer in Chromium: problems are messages on the page', () => {
  const cases: [name: string, query: () => string, title: RegExp][] = [
    ['404', () => openQuery(data, 'fixtures/missing.nwb.zarr'), /^Nothing at this URL \(404 Not Found\)$/],
    ['cors', () => openQuery(noCors, 'fixtures/tutorial_images.nwb.zarr'), /^Could not read /],
    ['not-nwb', () => openQuery(data, 'made/not_nwb.zarr'), /^Not an NWB file$/],
    ['not-hdf5', () => openQuery(data, 'made/not_hdf5.nwb'), /^Not an NWB file the viewer can read$/],
    ['lindi', () => openQuery(data, 'made/broken.lindi.json'), /^Not an NWB file the viewer can read$/],
    ['bad-url', () => 'url=ftp://example.org/x.nwb', /^This is not a URL the viewer can open$/],
  ];
  for (const [name, query, title] of cases) {
    it(`${name}`, async () => {
      const page = await viewer(query());
      const problem = page.getByTestId('problem');
      await problem.waitFor();
      expect(await problem.locator('strong').textContent()).toMatch(title);
      if (name === 'cors') expect(await problem.textContent()).toMatch(/Access-Control-Allow-Origin/);
      await screenshot(page, `problem-${name}`);
      await page.close();
    });
  }

  it('an unknown codec: the file opens, the frame says why it cannot be drawn', async () => {
    const page = await viewer(openQuery(data, 'made/bad_codec.nwb.zarr'));
    const problem = page.getByTestId('problem');
    await problem.waitFor();
    expect(await problem.locator('strong').textContent()).toBe('Unsupported codec: lzma');
    expect(await page.getByTestId('tree').isVisible()).toBe(true);
    await screenshot(page, 'problem-codec');
    await page.close();
  });

  it('no page threw', () => {
    expect(pageErrors).toEqual([]);
  });
});
