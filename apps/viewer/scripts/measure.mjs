// @ts-check
/**
 * The numbers in the README: what the browser downloads (gzip) to view a Zarr store and an HDF5
 * file, the time to the first frame drawn, and the requests an open and a frame cost, with the
 * fixtures served by a local server that adds a fixed latency to every response (a stand-in for a
 * remote server). Needs a build (npm run build) and Chromium.
 *
 *   node scripts/measure.mjs [--latency 0,50] [--runs 3]
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { launchChromium } from './chromium.mjs';
import { startStaticServer } from './static-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '../dist');
const fixtures = resolve(here, '../../../fixtures');
const { values } = parseArgs({
  options: { latency: { type: 'string', default: '0,50' }, runs: { type: 'string', default: '3' } },
});
const latencies = values.latency.split(',').map(Number);
const runs = Number(values.runs);

const CASES = [
  {
    label: 'Zarr, blosc-lz4, 2 chunks per frame',
    file: 'tutorial_images.nwb.zarr',
    object: '/acquisition/ImageSeries',
  },
  {
    label: 'Zarr, gzip, 4 chunks per frame',
    file: 'compressed_imageseries.nwb.zarr',
    object: '/acquisition/CompressedSeries',
  },
  { label: 'HDF5 (downloaded whole)', file: 'tutorial_images.nwb', object: '/acquisition/ImageSeries' },
];

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
/** @param {string} path */
const gzipBytes = (path) => gzipSync(readFileSync(path)).length;

/** @type {{ path: string }[]} */
const appRequests = [];
/** @type {import('./static-server.mjs').ServedRequest[]} */
const dataRequests = [];
const app = await startStaticServer({
  mounts: [{ prefix: '/', dir: dist, cors: false, app: true }],
  onRequest: (r) => appRequests.push(r),
});
/** @type {string[]} */
const rows = [];
/** @type {Map<string, Set<string>>} */
const assetsOf = new Map();

try {
  for (const latencyMs of latencies) {
    const data = await startStaticServer({
      mounts: [{ prefix: '/fixtures/', dir: fixtures }],
      latencyMs,
      onRequest: (r) => dataRequests.push(r),
    });
    for (const c of CASES) {
      const firstFrame = [];
      let openRequests = 0;
      let frameChunks = 0;
      let newBlock = { requests: 0, ms: 0 };
      let sameBlock = { requests: 0, ms: 0 };
      let openBytes = 0;
      for (let run = 0; run < runs; run++) {
        // A new context each run: nothing cached, as for a first visit.
        const { context, close } = await launchChromium();
        const page = await context.newPage();
        const appMark = appRequests.length;
        const mark = dataRequests.length;
        const query = new URLSearchParams({ url: `${data.url}fixtures/${c.file}`, object: c.object });
        await page.goto(`${app.url}?${query}`);
        await page.waitForFunction(
          () => performance.getEntriesByName('nwb-viewer:first-frame').length > 0,
          undefined,
          {
            timeout: 60_000,
          },
        );
        firstFrame.push(
          await page.evaluate(
            () => performance.getEntriesByName('nwb-viewer:first-frame')[0]?.startTime ?? NaN,
          ),
        );
        const assets = assetsOf.get(c.file) ?? new Set();
        for (const r of appRequests.slice(appMark)) if (r.path.startsWith('/assets/')) assets.add(r.path);
        assetsOf.set(c.file, assets);
        // Up to the frame's last chunk: what arrives later (the metadata, read once the frame is
        // drawn) did not delay it.
        const chunks = dataRequests.slice(mark).filter((r) => r.path.includes(`${c.object}/data/`));
        const chunksDone = chunks.length === 0 ? Infinity : Math.max(...chunks.map((r) => r.finished));
        const opened = dataRequests.slice(mark).filter((r) => r.arrived <= chunksDone);
        openRequests = opened.length;
        frameChunks = opened.filter((r) => r.path.includes(`${c.object}/data/`)).length;
        openBytes = opened.reduce((n, r) => n + r.bytes, 0);
        await page.getByTestId('metadata').waitFor();
        /** @param {string} key */
        const step = async (key) => {
          const before = dataRequests.length;
          const drawn = await page.getByTestId('frame-canvas').getAttribute('data-drawn');
          const started = Date.now();
          await page.keyboard.press(key);
          await page.waitForFunction(
            (previous) =>
              document.querySelector('[data-testid=frame-canvas]')?.getAttribute('data-drawn') !== previous,
            drawn,
          );
          return { requests: dataRequests.length - before, ms: Date.now() - started };
        };
        newBlock = await step('End');
        sameBlock = await step('ArrowLeft');
        await page.close();
        await close();
      }
      rows.push(
        `| ${c.label} | ${latencyMs} ms | ${Math.round(median(firstFrame))} ms | ${openRequests} (${frameChunks} chunks), ${Math.round(openBytes / 1024)} KB | ${newBlock.requests} | ${sameBlock.requests} |`,
      );
    }
    await data.close();
  }
} finally {
  await app.close();
}

console.log(
  '| file | added latency | time to first frame (median) | data requests until the first frame is drawn (chunks of the frame), bytes | requests, frame in new chunks | requests, next frame in the same chunks |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
console.log();
const html = gzipBytes(join(dist, 'index.html'));
console.log('| to view | JavaScript + CSS + HTML downloaded, gzip |');
console.log('| --- | --- |');
for (const [file, assets] of assetsOf) {
  const total = [...assets].reduce((n, path) => n + gzipBytes(join(dist, path)), html);
  console.log(`| ${file} | ${Math.round(total / 1024)} KB (${assets.size} files) |`);
}
