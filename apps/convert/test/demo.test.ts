/**
 * The demo (examples/images-tutorial.ts) run as a test: its three files must be valid for
 * nwb-validate and identical to each other, object ids included.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../examples/images-tutorial.js';
import { checkAll, nwbValidate, tempDir } from './helpers.js';

const temp = await tempDir('nwb-convert-demo-');
afterAll(() => temp.cleanup());

describe('the images tutorial demo', () => {
  it('writes, converts to Zarr and back, and finds the same content in all three files', async () => {
    const lines: string[] = [];
    const result = await runDemo(join(temp.dir, 'demo-output'), { log: (line) => lines.push(line) });
    expect(result.differences).toEqual([]);
    expect(result.fieldsCompared).toBeGreaterThan(80);
    expect(lines.at(-1)).toMatch(/same \d+ fields/);
    for (const file of ['image/file_1.tiff', 'image/file_2.tiff', 'image/file_3.tiff']) {
      expect(existsSync(join(temp.dir, 'demo-output', file))).toBe(true);
    }
    // The conversions stayed in one directory: external file paths are left as they are.
    expect(result.conversions.map((c) => c.externalFiles.action)).toEqual(['unchanged', 'unchanged']);

    const { nwb, zarr, roundtrip } = result.files;
    const [checks, toZarr, toRoundtrip, ignoringIds] = await Promise.all([
      checkAll([nwb, zarr, roundtrip]),
      nwbValidate('diff', nwb, zarr),
      nwbValidate('diff', nwb, roundtrip),
      nwbValidate('diff', '--ignore-ids', zarr, roundtrip),
    ]);
    for (const check of checks) {
      expect(check.out, check.file).toMatch(/^OK/);
      expect(check.code).toBe(0);
    }
    // Without --ignore-ids: object ids are kept by the conversions, not regenerated.
    expect(toZarr.out.trim(), toZarr.out).toBe('no differences');
    expect(toRoundtrip.out.trim(), toRoundtrip.out).toBe('no differences');
    expect(ignoringIds.out.trim(), ignoringIds.out).toBe('no differences');
  });
});
