/**
 * A web page of the consumer project that reads one frame of a Zarr NWB over HTTP with the installed
 * packages, bundled by Vite as an app would be, served from 127.0.0.1 next to the store, and run in
 * Debian's Chromium (installed by scripts/install-browser.sh; driven by playwright-core, never a
 * downloaded browser).
 */
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';

const CHROMIUM = process.env['NWB_CHROMIUM'] ?? '/usr/bin/chromium';

const PAGE = `import { isDatasetHandle, type ImageSeries } from '@nwbjs/core';
import { NWBZarrIO } from '@nwbjs/zarr';

/** Frame \`index\` of the ImageSeries \`series\` of the store at \`url\`. */
async function readFrame(url: string, series: string, index: number) {
  const io = new NWBZarrIO(url);
  try {
    const file = await io.read();
    const data = (file.acquisition.get(series) as ImageSeries).data;
    if (!isDatasetHandle(data)) throw new Error(series + ' was read whole, not as a handle');
    const frame = await data.read([index]);
    return { dtype: frame.dtype, shape: frame.shape, values: Array.from(frame.data as ArrayLike<number>) };
  } finally {
    await io.close();
  }
}

Object.assign(globalThis, { readFrame });
document.body.dataset['ready'] = 'yes';
`;

/** What the page read. */
export interface PageFrame {
  dtype: unknown;
  shape: number[];
  values: number[];
}

/** Bundles the page in `projectDir` and returns the directory of the built app. */
export async function buildPage(projectDir: string): Promise<string> {
  const root = join(projectDir, 'page');
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'main.ts'), PAGE);
  await writeFile(
    join(root, 'index.html'),
    '<!doctype html><html><body><script type="module" src="./main.ts"></script></body></html>\n',
  );
  const outDir = join(projectDir, 'page-dist');
  await build({ root, configFile: false, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  return outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

/** Serves `app` at / and `storeRoot` at /store/ on 127.0.0.1. */
async function serve(app: string, storeRoot: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const [root, rest] = path.startsWith('/store/')
      ? [storeRoot, path.slice(7)]
      : [app, path.slice(1) || 'index.html'];
    const file = normalize(join(root, rest));
    if (!file.startsWith(root + sep)) return void response.writeHead(403).end();
    stat(file).then(
      (info) => {
        if (!info.isFile()) return void response.writeHead(404).end();
        response.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-length': info.size,
        });
        createReadStream(file).pipe(response);
      },
      () => void response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * Opens the built page in headless Chromium and reads frame `index` of `series` from `storeName`
 * under `storeRoot`, over HTTP. Errors the page logs are returned too.
 */
export async function readFrameInChromium(
  app: string,
  storeRoot: string,
  storeName: string,
  series: string,
  index: number,
): Promise<{ frame: PageFrame; pageErrors: string[] }> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: run scripts/install-browser.sh (npm test does)`);
  const { origin, server } = await serve(app, storeRoot);
  const profile = await mkdtemp(join(tmpdir(), 'nwbjs-consumer-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  const pageErrors: string[] = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // A 404 is how a Zarr store says a key is absent (and the page has no favicon): not an error.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageErrors.push(message.text());
    });
    await page.goto(`${origin}/`);
    await page.waitForSelector('body[data-ready=yes]', { state: 'attached', timeout: 30_000 });
    const frame = await page.evaluate(
      ([url, name, at]) =>
        (
          globalThis as unknown as { readFrame(u: string, s: string, i: number): Promise<PageFrame> }
        ).readFrame(url, name, at),
      [`${origin}/store/${storeName}`, series, index] as const,
    );
    return { frame, pageErrors };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  }
}
