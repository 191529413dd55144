/**
 * LINDI through the CLI: `--to lindi` (or a `.lindi.json` name) indexes an HDF5 file; the LINDI file
 * then converts to Zarr with nothing lost (nwb-validate diff against the HDF5 file finds no
 * difference, the Zarr store passes nwb-validate check), and `inspect` / `validate` read it.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InspectReport } from '../src/index.js';
import { FIXTURES, checkAll, copyFixtures, nwbValidate, runCli, tempDir } from './helpers.js';

const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.nwb'));
const temp = await tempDir('nwb-convert-lindi-');
await copyFixtures(temp.dir, fixtures);
afterAll(() => temp.cleanup());

describe.concurrent('HDF5 -> LINDI -> Zarr through the CLI', () => {
  it('finds the fixtures', ({ expect }) => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of fixtures) {
    it(`${name}: the Zarr store made from the LINDI file is the HDF5 file's twin`, async ({ expect }) => {
      const base = join(temp.dir, name.replace(/\.nwb$/, ''));
      const lindi = await runCli([`${base}.nwb`, `${base}.nwb.lindi.json`, '--quiet']);
      expect(lindi.err).toBe('');
      expect(lindi.code).toBe(0);
      const zarr = await runCli([`${base}.nwb.lindi.json`, `${base}.lindi.nwb.zarr`, '--quiet']);
      expect(zarr.err).toBe('');
      expect(zarr.code).toBe(0);
      const [checks, diff] = await Promise.all([
        checkAll([`${base}.lindi.nwb.zarr`]),
        nwbValidate('diff', `${base}.nwb`, `${base}.lindi.nwb.zarr`),
      ]);
      for (const check of checks) {
        expect(check.out, check.file).toMatch(/^OK/);
        expect(check.code).toBe(0);
      }
      expect(diff.out.trim(), diff.out).toBe('no differences');
    });
  }
});

describe('nwb-convert and LINDI files', () => {
  const source = () => join(temp.dir, 'compressed_imageseries.nwb');

  it('--to lindi writes a LINDI file under any name, naming the file by --lindi-url', async () => {
    const out = join(temp.dir, 'named-by-option.json');
    const result = await runCli([source(), out, '--to', 'lindi', '--lindi-url', 'https://example.org/c.nwb']);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/compressed_imageseries\.nwb \(hdf5\) -> named-by-option\.json \(lindi\)/);
    const json = JSON.parse(await readFile(out, 'utf8')) as { templates: Record<string, string> };
    expect(json.templates).toEqual({ u1: 'https://example.org/c.nwb' });
  });

  it('inspect and validate read a LINDI file', async () => {
    const out = join(temp.dir, 'inspected.lindi.json');
    expect((await runCli([source(), out, '--quiet'])).code).toBe(0);
    const inspect = await runCli(['inspect', out, '--json']);
    expect(inspect.code).toBe(0);
    const report = JSON.parse(inspect.out) as InspectReport;
    expect(report.objects.find((o) => o.path === '/acquisition/CompressedSeries/data')).toMatchObject({
      kind: 'dataset',
      dtype: 'uint16',
      shape: [64, 48, 40],
      chunks: [8, 24, 20],
      compression: 'gzip:4',
    });
    const validate = await runCli(['validate', out]);
    expect(validate.err).toBe('');
    expect(validate.code).toBe(0);
  });

  it('indexes a remote HDF5 file by range requests; the LINDI file reads as the file itself', async () => {
    const body = await readFile(source());
    const ranges: string[] = [];
    const server = createServer((req, res) => {
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (req.url !== '/c.nwb' || m === null) {
        res.writeHead(req.url === '/c.nwb' ? 200 : 404).end(req.url === '/c.nwb' ? body : undefined);
        return;
      }
      ranges.push(req.headers.range!);
      const start = Number(m[1]);
      const end = Math.min(Number(m[2]), body.length - 1);
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}` });
      res.end(body.subarray(start, end + 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/c.nwb`;
      const out = join(temp.dir, 'remote.nwb.lindi.json');
      const result = await runCli([url, out, '--quiet']);
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      expect(ranges.length).toBeGreaterThan(0);
      const zarr = join(temp.dir, 'remote.lindi.nwb.zarr');
      expect((await runCli([out, zarr, '--quiet'])).code).toBe(0);
      const diff = await nwbValidate('diff', source(), zarr);
      expect(diff.out.trim(), diff.out).toBe('no differences');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a LINDI output from a Zarr input, and options that cannot apply', async () => {
    const zarr = join(FIXTURES, 'compressed_imageseries.nwb.zarr');
    const fromZarr = await runCli([zarr, join(temp.dir, 'z.lindi.json')]);
    expect(fromZarr.code).toBe(2);
    expect(fromZarr.err).toMatch(/a LINDI file is made from an HDF5 file, and .* is zarr/);
    const chunks = await runCli([source(), join(temp.dir, 'c.lindi.json'), '--chunks', '1,48,40']);
    expect(chunks.code).toBe(2);
    expect(chunks.err).toMatch(/--chunks cannot apply to a LINDI output/);
    const url = await runCli([source(), join(temp.dir, 'u.nwb.zarr'), '--lindi-url', 'https://x/y.nwb']);
    expect(url.code).toBe(2);
    expect(url.err).toMatch(/--lindi-url applies to LINDI output/);
  });
});
