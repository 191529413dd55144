/**
 * The browser build, run by Node: a child process resolves @nwbjs/zarr with the `browser`
 * condition (so `#platform/...` is the browser code), with every import of a Node built-in made to
 * throw and `process` / `Buffer` removed (test/browser/child.mjs). It writes an NWB file into a Map
 * with gzip (CompressionStream), Blosc, Zstd and LZ4 (numcodecs WASM, in-thread), reads it back,
 * and reads over HTTP, with the global fetch, a zarr-python fixture and a store this (Node) process
 * wrote. Here the browser-written store is decoded by the Node build, dumped to a directory and
 * checked by nwb-validate.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Compression } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import { NWBZarrIO, openZarr } from '../src/index.js';
import { SERIES, holdsExpectedFrames, sampleFile } from './browser/sample-file.mjs';
import { fixturesDir, repoRoot, runValidate, tempDir } from './helpers.js';

const run = promisify(execFile);
const packageDir = path.join(repoRoot, 'packages/zarr');
const seriesNames = Object.keys(SERIES);

interface SeriesCheck {
  equal: boolean;
  compression: Compression | null;
}
interface ChildReport {
  guard: { blocked: boolean; message?: string };
  directory: { refused: boolean; tag?: string; feature?: string; message?: string };
  directoryRead: { refused: boolean; tag?: string; feature?: string };
  roundTrip: Record<string, SeriesCheck>;
  model: { identifier: string; acquisition: string[]; gzippedFrames: boolean };
  customStore: { series: Record<string, SeriesCheck>; firstKey: string };
  fixtureOverHttp: { shape: number[]; compression: Compression; sha256: string };
  nodeOverHttp: Record<string, SeriesCheck>;
  entries: [string, string][];
}

const temp = await tempDir();
/** What the HTTP server serves: `fixture/` from a fixture directory, `node/` from a Map. */
const fixtureRoot = path.join(fixturesDir, 'compressed_imageseries.nwb.zarr');
const nodeStore = new Map<string, Uint8Array>();
const server = createServer((req, res) => {
  void (async () => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const [top, ...rest] = rel.split('/');
    const key = rest.join('/');
    let body: Uint8Array | undefined;
    if (top === 'node') body = nodeStore.get(key);
    else if (top === 'fixture' && !rest.includes('..'))
      body = await readFile(path.join(fixtureRoot, ...rest)).catch(() => undefined);
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': body.length }).end(body);
  })();
});

let report: ChildReport;

beforeAll(async () => {
  // The child imports the package by name, so from dist: build it (a no-op when up to date).
  await run(
    process.execPath,
    [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'],
    { cwd: packageDir },
  );
  const io = new NWBZarrIO(nodeStore, 'w');
  await io.write(sampleFile('node-written'));
  await io.close();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const child = path.join(packageDir, 'test/browser/child.mjs');
  const { stdout } = await run(
    process.execPath,
    ['--conditions=browser', '--import', './test/browser/register-guard.mjs', child, base],
    {
      cwd: packageDir,
      maxBuffer: 64 << 20,
    },
  );
  report = JSON.parse(stdout) as ChildReport;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await temp.cleanup();
});

describe('the browser build', () => {
  it('runs with every Node built-in import blocked', () => {
    expect(report.guard.blocked).toBe(true);
    expect(report.guard.message).toContain('node:fs');
  });

  it('refuses a directory path with an UnsupportedError', () => {
    expect(report.directory).toMatchObject({
      refused: true,
      tag: 'UnsupportedError',
      feature: 'directory-store',
    });
    expect(report.directory.message).toContain('Map<string, Uint8Array>');
    expect(report.directoryRead).toMatchObject({
      refused: true,
      tag: 'UnsupportedError',
      feature: 'directory-store',
    });
  });

  it('writes an NWB file into a Map with gzip, Blosc, Zstd and LZ4, and reads it back', () => {
    for (const name of seriesNames) expect(report.roundTrip[name]?.equal, name).toBe(true);
    expect(report.roundTrip['gzipped']?.compression).toEqual({ codec: 'gzip', level: 4 });
    expect(report.roundTrip['blosc_default']?.compression).toEqual({
      codec: 'blosc',
      cname: 'lz4',
      level: 5,
      shuffle: true,
    });
    expect(report.model).toEqual({
      identifier: 'browser-written',
      acquisition: [...seriesNames].sort(),
      gzippedFrames: true,
    });
  });

  it('reads a store object of the caller’s through its .zmetadata', () => {
    expect(report.customStore.firstKey).toBe('/.zmetadata');
    for (const name of seriesNames) expect(report.customStore.series[name]?.equal, name).toBe(true);
  });

  it('reads a zarr-python fixture over HTTP (gzip and Blosc) with the same bytes as PyNWB', async () => {
    const described = JSON.parse(
      await readFile(path.join(fixturesDir, 'compressed_imageseries.nwb.zarr.json'), 'utf8'),
    ) as {
      objects: Record<string, { fields: { data: { sha256: string; shape: number[] } } }>;
    };
    const want = described.objects['/acquisition/CompressedSeries']!.fields.data;
    expect(report.fixtureOverHttp.shape).toEqual(want.shape);
    expect(report.fixtureOverHttp.compression.codec).toBe('gzip');
    expect(report.fixtureOverHttp.sha256).toBe(want.sha256);
  });

  it('reads over HTTP what the Node build wrote (node:zlib gzip, worker-pool Blosc)', () => {
    for (const name of seriesNames) expect(report.nodeOverHttp[name]?.equal, name).toBe(true);
  });

  it('writes a store the Node build decodes to the same data, and that nwb-validate accepts', async () => {
    const browserStore = new Map(
      report.entries.map(([key, b64]) => [key, new Uint8Array(Buffer.from(b64, 'base64'))]),
    );
    expect(browserStore.has('.zmetadata')).toBe(true);
    const reader = await openZarr(browserStore);
    for (const name of seriesNames) {
      const at = `/acquisition/${name}/data`;
      const info = await reader.stat(at);
      const data = await reader.readData(at, wholeHyperslab(info?.kind === 'dataset' ? info.shape : []));
      expect(holdsExpectedFrames(data), name).toBe(true);
      // Same metadata either way; the chunk bytes may differ (the platforms' deflate levels).
      expect(browserStore.get(`acquisition/${name}/data/.zarray`), name).toEqual(
        nodeStore.get(`acquisition/${name}/data/.zarray`),
      );
    }
    await reader.close();

    const dir = path.join(temp.dir, 'browser-written.nwb.zarr');
    for (const [key, value] of browserStore) {
      const file = path.join(dir, ...key.split('/'));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, value);
    }
    const check = await runValidate(['check', '--read-data', dir]);
    expect(check.code, check.out).toBe(0);
  });
});
