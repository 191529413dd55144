/**
 * `inspect`, `validate` and `convert` of a Zarr NWB served over HTTP, from a server this test starts
 * on 127.0.0.1 that serves the fixture directory (under /fixtures) and a store this test writes (under
 * /ours), and logs every request.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT, copyFixtures, nwbValidate, runCli, tempDir } from './helpers.js';

const STORE = 'tutorial_images.nwb.zarr';
const requests: string[] = [];
let server: Server;
let base = '';
let ours: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  // A store written by nwb-convert, with a complete .zmetadata.
  ours = await tempDir();
  await copyFixtures(ours.dir, ['tutorial_images.nwb']);
  const written = await runCli(['--quiet', join(ours.dir, 'tutorial_images.nwb'), join(ours.dir, STORE)]);
  if (written.code !== 0) throw new Error(written.err);

  const roots: Record<string, string> = { fixtures: FIXTURES, ours: ours.dir };
  server = createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    requests.push(url);
    const [, top = '', ...rest] = url.split('/');
    // /silent/... never answers; /broken/... answers 500.
    if (top === 'silent') return;
    if (top === 'broken') return void res.writeHead(500).end();
    const root = roots[top];
    const file = root === undefined ? '' : normalize(join(root, ...rest));
    if (root === undefined || !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    stat(file).then(
      (info) => {
        if (!info.isFile()) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-length': info.size });
        createReadStream(file).pipe(res);
      },
      () => void res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await ours.cleanup();
});

describe('a Zarr NWB over HTTP', () => {
  it('inspect reads the tree of our store from its consolidated metadata alone', async () => {
    requests.length = 0;
    const { code, out, err } = await runCli(['inspect', `${base}/ours/${STORE}`, '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out) as { format: string; objects: { path: string; neurodataType?: string }[] };
    expect(report.format).toBe('zarr');
    expect(report.objects.find((o) => o.path === '/acquisition/ImageSeries')?.neurodataType).toBe(
      'ImageSeries',
    );
    expect(report.objects.some((o) => o.path.startsWith('/specifications/core/2.7.0/'))).toBe(true);
    // Metadata only, in one round trip: .zmetadata, the root .zattrs asked for alongside it (for
    // stores whose .zmetadata copy is stale) and zarr.json (for Zarr format 3); no chunk of any array is fetched to describe the tree.
    expect(requests.sort()).toEqual([
      `/ours/${STORE}/.zattrs`,
      `/ours/${STORE}/.zmetadata`,
      `/ours/${STORE}/zarr.json`,
    ]);
  });

  it("inspect of hdmf-zarr 0.6's stale .zmetadata uses the root attributes fetched alongside", async () => {
    requests.length = 0;
    const { code } = await runCli(['inspect', `${base}/fixtures/${STORE}`]);
    expect(code).toBe(0);
    expect(requests.sort()).toEqual([
      `/fixtures/${STORE}/.zattrs`,
      `/fixtures/${STORE}/.zmetadata`,
      `/fixtures/${STORE}/zarr.json`,
    ]);
  });

  it('validate finds no problem in a remote store', async () => {
    const { code, out } = await runCli(['validate', `${base}/fixtures/${STORE}`]);
    expect(out).toMatch(/no problems found/);
    expect(code).toBe(0);
  });

  it('convert copies our remote store into a local HDF5 file with the same content, ids and specs', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const output = join(dir, 'tutorial_images.nwb');
      const { code, err } = await runCli([`${base}/ours/${STORE}`, output]);
      expect(code, err).toBe(0);
      expect(err).not.toMatch(/note:/);
      expect((await nwbValidate('check', output)).code).toBe(0);
      const diff = await nwbValidate('diff', join(ours.dir, 'tutorial_images.nwb'), output);
      expect(diff.out.trim(), diff.out).toMatch(/^no differences$/i);
    } finally {
      await cleanup();
    }
  });

  it("convert of hdmf-zarr 0.6's store says its unlisted specification is not carried over", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const output = join(dir, 'tutorial_images.nwb');
      const { code, err } = await runCli([`${base}/fixtures/${STORE}`, output]);
      expect(code, err).toBe(0);
      expect(err).toMatch(/note: the source lists no \/specifications/);
      const schema = join(REPO_ROOT, '../shared/nwb-schema');
      expect((await nwbValidate('check', '--schema', schema, output)).code).toBe(0);
      const diff = await nwbValidate('diff', '--no-specs', join(FIXTURES, STORE), output);
      expect(diff.out.trim(), diff.out).toMatch(/^no differences$/i);
    } finally {
      await cleanup();
    }
  });

  it('a URL that is not a store is one clear error line', async () => {
    const { code, err } = await runCli(['inspect', `${base}/fixtures/no-such.nwb.zarr`]);
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/no-such\.nwb\.zarr/);
  });
});

describe('a remote input that cannot be read says why, in one line', () => {
  /** One line naming the URL and the reason; exit 1. */
  async function failure(argv: string[], reason: RegExp): Promise<string> {
    const { code, out, err } = await runCli(argv);
    expect(out).toBe('');
    expect(code, err).toBe(1);
    expect(err.split('\n'), err).toHaveLength(2);
    expect(err).toMatch(reason);
    return err;
  }

  it('a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/store.nwb.zarr`;
    await failure(
      ['inspect', url],
      new RegExp(`^nwb-convert: .*${url}: connection refused by 127\\.0\\.0\\.1:${port}\\n$`),
    );
    await failure([url, '/nonexistent-dir-is-not-reached.nwb'], /connection refused/);
  });

  it('a store that is not there (404)', async () => {
    await failure(['validate', `${base}/fixtures/gone.nwb.zarr`], /gone\.nwb\.zarr.*HTTP 404 Not Found/);
  });

  it('a server error', async () => {
    await failure(
      ['inspect', `${base}/broken/s.nwb.zarr`],
      /cannot read .*\/broken\/s\.nwb\.zarr: HTTP 500 Internal Server Error\n$/,
    );
  });

  it('a server that does not answer within --timeout', async () => {
    const started = Date.now();
    await failure(
      ['inspect', `${base}/silent/s.nwb.zarr`, '--timeout', '0.3'],
      /cannot read .*\/silent\/s\.nwb\.zarr: no answer within 0\.3 s \(timed out\)\n$/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a host name that does not resolve', async () => {
    await failure(
      ['inspect', 'http://no-such-host.invalid/s.nwb.zarr'],
      /DNS lookup of no-such-host\.invalid failed/,
    );
  });

  it('--debug adds the causes down to the system error', async () => {
    const { err } = await runCli(['inspect', `${base}/broken/s.nwb.zarr`, '--debug']);
    expect(err).toMatch(/\ncaused by: HttpRequestError: .*\/broken\/s\.nwb\.zarr\/\.zmetadata: HTTP 500/);
    const dns = await runCli(['inspect', 'http://no-such-host.invalid/s.nwb.zarr', '--debug']);
    expect(dns.err).toMatch(/\ncaused by: .*(ENOTFOUND|EAI_AGAIN) no-such-host\.invalid/);
  });
});
