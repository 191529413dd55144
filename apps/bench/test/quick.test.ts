/**
 * The `--quick` bench end to end: it runs, prints the tables and writes JSON of the documented
 * structure, and the NWB files it wrote pass nwb-validate. Timings are not checked (see README.md).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../src/results.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = path.resolve(packageDir, '../..');
const validator = process.env['NWB_VALIDATE'] ?? path.resolve(repoRoot, '../shared/tools/nwb-validate');

let tmp: string;
let stdout: string;
let report: BenchReport;
let dataDir: string;

beforeAll(async () => {
  // The bench runs its own dist/ (its children are dist/worker.js), so build it first.
  await run(
    process.execPath,
    [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'],
    { cwd: packageDir },
  );
  tmp = await mkdtemp(path.join(os.tmpdir(), 'nwbjs-bench-test-'));
  const json = path.join(tmp, 'report.json');
  const result = await run(
    process.execPath,
    ['dist/cli.js', '--quick', '--no-setup', '--keep', '--dir', tmp, '--json', json],
    {
      cwd: packageDir,
      maxBuffer: 16 << 20,
    },
  );
  stdout = result.stdout;
  report = JSON.parse(await readFile(json, 'utf8')) as BenchReport;
  const kept = (await readdir(tmp)).find((name) => name.startsWith('nwbjs-bench-'));
  dataDir = path.join(tmp, kept!);
}, 300_000); // a loaded 2-core CI machine has taken 115 s; timings are not what this test checks

afterAll(async () => {
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

describe('npm run bench -- --quick', () => {
  it('prints the ratio table, the remote and streaming tables and the targets', () => {
    expect(stdout).toContain('| case | ours | theirs | ratio ours/theirs |');
    expect(stdout).toContain('| remote case (ours) |');
    expect(stdout).toContain('| streamed write (ours, uncompressed) |');
    expect(stdout).toContain('| target | measured | result |');
    for (const c of report.cases) expect(stdout).toContain(`| ${c.title} |`);
  });

  it('reports every case of the issue, with medians, peak RSS and ratios', () => {
    expect(report.movie).toEqual({
      frames: 32,
      shape: [32, 512, 512],
      bytes: 32 * 512 * 512,
      chunk: [1, 512, 512],
    });
    expect(report.runs).toBe(1);
    expect(report.warmup).toBe(0);
    const ids = report.cases.map((c) => c.id);
    for (const format of ['hdf5', 'zarr']) {
      for (const variant of ['raw', 'gzip']) {
        expect(ids).toContain(`${format}-write-${variant}`);
        expect(ids).toContain(`${format}-frames-${variant}`);
        expect(ids).toContain(`${format}-whole-${variant}`);
      }
    }
    expect(ids).toEqual(expect.arrayContaining(['hdf5-frames-raw-into', 'hdf5-frames-gzip-into']));
    expect(ids).toEqual(
      expect.arrayContaining([
        'convert-to-zarr',
        'convert-to-zarr-gzip',
        'convert-to-zarr-vs-cp',
        'convert-to-zarr-gzip-vs-cp',
        'convert-to-hdf5',
        'convert-hdmf-zarr',
      ]),
    );
    for (const c of report.cases) {
      expect(c.ours.seconds).toHaveLength(1);
      expect(c.ours.median).toBeGreaterThan(0);
      expect(c.ours.peakRssBytes).toBeGreaterThan(1e6);
      if ('median' in c.theirs) {
        expect(c.ratio).toBeCloseTo(c.ours.median / c.theirs.median, 10);
        expect(c.theirs.peakRssBytes).toBeGreaterThan(1e6);
      } else {
        expect(c.ratio).toBeNull();
        expect(typeof c.theirs.unavailable).toBe('string');
      }
    }
  });

  it('both sides read the same frames of the same file', () => {
    for (const c of report.cases.filter((x) => x.id.includes('-frames-'))) {
      if ('median' in c.theirs) expect(c.theirs.extra?.['checksum']).toBe(c.ours.extra?.['checksum']);
    }
  });

  it('counts requests, round trips and bytes per frame over HTTP next to the file and chunk size', () => {
    expect(report.remote.map((r) => r.id)).toEqual([
      'zarr-remote-raw',
      'zarr-remote-gzip',
      'hdf5-remote-raw',
      'hdf5-remote-gzip',
      'zarr-remote-raw-100ms',
      'zarr-remote-gzip-100ms',
      'hdf5-remote-raw-100ms',
      'hdf5-remote-gzip-100ms',
    ]);
    const raw = report.remote[0]!;
    expect(raw.chunkBytes).toBe(512 * 512);
    expect(raw.requestsPerFrame).toBe(1);
    expect(raw.bytesPerFrame).toBe(512 * 512);
    expect(raw.serverRequests).toBe(raw.openRequests + raw.frames);
    const gzip = report.remote[1]!;
    expect(gzip.chunkBytes).toBeLessThan(512 * 512);
    for (const r of report.remote) {
      expect(r.fileBytes, r.id).toBeGreaterThan(0);
      if (r.format === 'zarr') {
        // Opening: .zmetadata (with the root .zattrs), then the small metadata datasets, together.
        expect(r.openRoundTrips, r.id).toBe(2);
        expect(r.roundTripsPerFrame, r.id).toBe(1);
      } else {
        // The target: a file opens in at most 5 round trips; a frame in one request, fewer
        // when its chunk came with the file's head.
        expect(r.chunkBytes, r.id).toBeNull();
        expect(r.openRoundTrips, r.id).toBeLessThanOrEqual(5);
        expect(r.requestsPerFrame, r.id).toBeLessThanOrEqual(1);
        expect(r.roundTripsPerFrame, r.id).toBeLessThanOrEqual(1);
        expect(r.openBytes, r.id).toBeLessThan(r.fileBytes / 2);
      }
    }
    const hdf5Raw = report.remote[2]!;
    expect(hdf5Raw.bytesPerFrame).toBeLessThanOrEqual(512 * 512);
    expect(report.remote[4]!.latencyMs).toBe(100);
    // Two round trips of 100 ms, not one per dataset.
    expect(report.remote[4]!.openSeconds).toBeLessThan(1);
  });

  it('measures streamed writes at two sizes in both formats, and judges every target', () => {
    expect(report.stream.map((s) => s.format)).toEqual(['hdf5', 'zarr', 'hdf5', 'zarr']);
    expect(report.stream[2]!.bytes).toBe(4 * report.stream[0]!.bytes);
    expect(report.targets.map((t) => t.name)).toHaveLength(10);
    for (const t of report.targets) expect([true, false, null]).toContain(t.met);
  });

  it('writes NWB files that pass nwb-validate', async () => {
    for (const name of ['ours-raw.nwb', 'ours-gzip.nwb', 'ours-raw.nwb.zarr', 'ours-gzip.nwb.zarr']) {
      // nwb-validate exits non-zero (and run() rejects) on any error.
      await expect(run(validator, ['check', path.join(dataDir, name)]), name).resolves.toBeDefined();
    }
  }, 60_000);
});
