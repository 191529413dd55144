/**
 * `inspect` and `convert` of an HDF5 NWB file served over HTTP with Range requests, by a server this
 * test starts on 127.0.0.1 (it serves the fixtures under /named/NAME and, to stand for DANDI's blob
 * URLs, under /blob/NAME-without-extension). A server ignoring Range gets one clear line.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT, answerRange, nwbValidate, runCli, tempDir } from './helpers.js';

const NAME = 'compressed_imageseries.nwb';
/** A file larger than the first request's 1 MiB. */
const BIG = join(REPO_ROOT, '../shared/fixtures/realworld/matnwb/testdata_20080606_R1.nwb');
const requests: { path: string; range: string | undefined }[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    requests.push({ path: url, range: req.headers.range });
    const [, top = '', name = ''] = url.split('/');
    const file = top === 'blob' ? `${name}.nwb` : name === 'big.nwb' ? BIG : name;
    if (!/^[a-z_]+\.nwb$/.test(name) && top !== 'blob') return void res.writeHead(404).end();
    const path = file === BIG ? BIG : join(FIXTURES, file);
    answerRange(res, path, top === 'norange' ? undefined : req.headers.range, true).catch(() =>
      res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('an HDF5 NWB over HTTP', () => {
  it('inspect reads it with Range requests only', async () => {
    requests.length = 0;
    const { code, out, err } = await runCli(['inspect', `${base}/named/${NAME}`, '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out) as { format: string; objects: { path: string; neurodataType?: string }[] };
    expect(report.format).toBe('hdf5');
    expect(report.objects.find((o) => o.path === '/acquisition/CompressedSeries')?.neurodataType).toBe(
      'ImageSeries',
    );
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.range !== undefined)).toBe(true);
  });

  it('convert of a URL without a file name ending (told HDF5 by its first bytes) to Zarr', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const output = join(dir, 'out.nwb.zarr');
      const { code, err } = await runCli(['--quiet', `${base}/blob/compressed_imageseries`, output]);
      expect(code, err).toBe(0);
      const back = join(dir, 'back.nwb');
      expect((await runCli(['--quiet', output, back])).code).toBe(0);
      const diff = await nwbValidate('diff', join(FIXTURES, NAME), back);
      expect(diff.out.trim(), diff.out).toMatch(/^no differences$/i);
    } finally {
      await cleanup();
    }
  });

  it('a server that ignores Range: one line naming the URL, nothing written', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const output = join(dir, 'out.nwb.zarr');
      const { code, err } = await runCli([`${base}/norange/big.nwb`, output]);
      expect(code).toBe(1);
      expect(err).toMatch(
        new RegExp(`^nwb-convert: .*${base}/norange/big.nwb: the server ignored the Range request`),
      );
      expect(err.trim().split('\n')).toHaveLength(1);
      const { readdir } = await import('node:fs/promises');
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
