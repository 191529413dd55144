/**
 * Reading over HTTP from a real server on 127.0.0.1 that logs every request: opening costs one
 * round trip (.zmetadata, and zarr.json at the same time in case the store is Zarr format 3),
 * reading one frame fetches only the chunks that frame touches.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toHyperslab, wholeHyperslab } from '@nwbjs/core/backend';
import { openZarr } from '../src/index.js';
import { fixturesDir } from './helpers.js';

const root = path.join(fixturesDir, 'tutorial_images.nwb.zarr');
const log: { url: string; range: string | undefined; bytes: number }[] = [];
const server = createServer((req, res) => {
  void (async () => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    if (rel.split('/').some((p) => p === '..')) {
      res.writeHead(400).end();
      return;
    }
    try {
      const body = await readFile(path.join(root, rel));
      log.push({ url: rel, range: req.headers.range, bytes: body.length });
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } catch {
      log.push({ url: rel, range: req.headers.range, bytes: 0 });
      res.writeHead(404).end();
    }
  })();
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('remote store over HTTP', () => {
  it('opens with one round trip and reads one frame from only the chunks it touches', async () => {
    log.length = 0;
    const reader = await openZarr(base);
    // .zmetadata, and the root .zattrs alongside it: hdmf-zarr 0.6's .zmetadata is stale there (it
    // lacks .specloc), and asking for it at once costs no round trip of its own; zarr.json too, in
    // case the store is Zarr format 3.
    // The server logs a request once it has answered it; .zattrs is not waited for by the open.
    await vi.waitFor(() =>
      expect(log.map((r) => r.url).sort()).toEqual(['.zattrs', '.zmetadata', 'zarr.json']),
    );
    log.length = 0;
    const at = '/acquisition/ImageSeries/data';
    const info = await reader.stat(at);
    expect(info).toMatchObject({ kind: 'dataset', shape: [200, 50, 50, 3], chunks: [100, 25, 50, 3] });
    // Metadata comes from .zmetadata and the .zattrs already fetched: nothing more.
    expect(log.map((r) => r.url)).toEqual([]);
    log.length = 0;
    const frame = await reader.readData(at, toHyperslab([200, 50, 50, 3], [150]));
    expect(frame.shape).toEqual([50, 50, 3]);
    // Frame 150 lies in chunk row 1: chunks 1.0.0.0 and 1.1.0.0, nothing else.
    expect(log.map((r) => r.url).sort()).toEqual([
      'acquisition/ImageSeries/data/1.0.0.0',
      'acquisition/ImageSeries/data/1.1.0.0',
    ]);
    const fetched = log.reduce((n, r) => n + r.bytes, 0);
    expect(fetched).toBeLessThan(200 * 50 * 50 * 3);
    // Listing and attributes work from .zmetadata too; the stale root .zattrs is fetched for .specloc.
    expect(await reader.list('/acquisition')).toEqual(['ExternalFiles', 'ImageSeries', 'logo_images']);
    const rootAttrs = await reader.readAttributes('/');
    expect(rootAttrs['.specloc']?.data).toEqual([{ path: '/specifications' }]);
    const refs = await reader.readData('/stimulus/templates/raccoons/order_of_images', wholeHyperslab([2]));
    expect(refs.data).toHaveLength(2);
    await reader.close();
  });

  it('refuses to write to a URL', async () => {
    await expect(openZarr(base, 'w')).rejects.toMatchObject({ _tag: 'UnsupportedError' });
  });
});
