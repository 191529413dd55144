/**
 * Every fixture (PyNWB HDF5 and hdmf-zarr v2) converted with the CLI to hdmf-zarr 0.14's Zarr v3
 * layout (`--zarr-format 3`) and from there back to its own format, and the v3 store to the other
 * format: nwb-validate checks each HDF5 and v2 output and finds no difference to the source, object
 * ids included. nwb-validate does not read Zarr v3, so the v3 stores are judged by what comes out of
 * them. Converted next to their external files, as the other round trips are.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { FIXTURES, checkAll, copyFixtures, nwbValidate, runCli, tempDir } from './helpers.js';

const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.nwb') || name.endsWith('.nwb.zarr'));
const temp = await tempDir('nwb-convert-zarr-v3-');
await copyFixtures(temp.dir, fixtures);
afterAll(() => temp.cleanup());

describe.concurrent('fixture round trips through Zarr format 3', () => {
  it('finds the fixtures', ({ expect }) => {
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of fixtures) {
    it(`${name}: -> Zarr v3 -> HDF5 and -> Zarr v3 -> Zarr v2`, async ({ expect }) => {
      const source = join(temp.dir, name);
      const base = join(temp.dir, name.replace(/\.nwb(\.zarr)?$/, ''));
      const v3 = `${base}.${name.endsWith('.zarr') ? 'zarr' : 'h5'}-v3.nwb.zarr`;
      const h5 = `${v3}-h5.nwb`;
      const v2 = `${v3}-v2.nwb.zarr`;
      for (const [input, output, extra] of [
        [source, v3, ['--zarr-format', '3']],
        [v3, h5, []],
        [v3, v2, []],
      ] as const) {
        const result = await runCli([input, output, '--quiet', ...extra]);
        expect(result.err, `${input} -> ${output}`).toBe('');
        expect(result.code).toBe(0);
      }
      const [checks, toH5, toV2] = await Promise.all([
        checkAll([h5, v2]),
        nwbValidate('diff', source, h5),
        nwbValidate('diff', source, v2),
      ]);
      for (const check of checks) {
        expect(check.out, check.file).toMatch(/^OK/);
        expect(check.code).toBe(0);
      }
      expect(toH5.out.trim(), `${source} -> v3 -> ${h5}\n${toH5.out}`).toBe('no differences');
      expect(toV2.out.trim(), `${source} -> v3 -> ${v2}\n${toV2.out}`).toBe('no differences');
    });
  }
});

describe('--zarr-format', () => {
  it('is refused for other values and for HDF5 output, and --help says which to pick', async ({ expect }) => {
    const source = join(temp.dir, 'irregular_timestamps.nwb');
    const bad = await runCli([source, join(temp.dir, 'x.nwb.zarr'), '--zarr-format', '4']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--zarr-format: expected 2 or 3/);
    const h5 = await runCli([source, join(temp.dir, 'x.nwb'), '--zarr-format', '3']);
    expect(h5.code).toBe(2);
    expect(h5.err).toMatch(/applies to Zarr output/);
    const help = await runCli(['--help']);
    expect(help.out).toMatch(/--zarr-format 2\|3/);
    expect(help.out).toMatch(/hdmf-zarr >= 0.14/);
  });
});
