/**
 * `starting_frame`, which PyNWB 1.3 wrote as int32, stays int32 whichever way the file goes:
 * HDF5 -> Zarr v2 or v3 -> HDF5, and between the two Zarr formats. JSON attributes in Zarr carry no
 * width, and nwb-validate's dump does not show it, so the widths are read here through the backends
 * (the Zarr ones from the `nwbjs` member, the HDF5 one from the attribute's datatype).
 */
import { cp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHdf5 } from '@nwbjs/hdf5';
import { openZarr } from '@nwbjs/zarr';
import { convert } from '../src/convert.js';
import { REPO_ROOT, tempDir } from './helpers.js';

const SOURCE = resolve(REPO_ROOT, '../shared/fixtures/realworld/pynwb/1.3.3_imageseries_no_data.nwb');
const ATTRIBUTE_OF = '/acquisition/test_imageseries/external_file';
const temp = await tempDir('nwb-convert-starting-frame-');
afterAll(() => temp.cleanup());

async function widthIn(file: string): Promise<string | undefined> {
  const reader = file.endsWith('.zarr') ? await openZarr(file) : await openHdf5(file, 'r');
  try {
    const dtype = (await reader.readAttributes(ATTRIBUTE_OF))['starting_frame']?.dtype;
    return typeof dtype === 'string' ? dtype : undefined;
  } finally {
    await reader.close();
  }
}

describe('starting_frame', () => {
  it('stays int32 from HDF5 through Zarr v2 and v3, between them, and back', async () => {
    const at = (name: string) => join(temp.dir, name);
    await cp(SOURCE, at('source.nwb'));
    expect(await widthIn(at('source.nwb'))).toBe('int32');
    const steps: [string, string, { zarrFormat?: 3 }][] = [
      ['source.nwb', 'v2.nwb.zarr', {}],
      ['source.nwb', 'v3.nwb.zarr', { zarrFormat: 3 }],
      ['v2.nwb.zarr', 'v2-v3.nwb.zarr', { zarrFormat: 3 }],
      ['v3.nwb.zarr', 'v3-v2.nwb.zarr', {}],
      ['v2.nwb.zarr', 'v2.nwb', {}],
      ['v3.nwb.zarr', 'v3.nwb', {}],
      ['v2-v3.nwb.zarr', 'v2-v3.nwb', {}],
      ['v3-v2.nwb.zarr', 'v3-v2.nwb', {}],
    ];
    for (const [from, to, options] of steps) {
      await convert(at(from), at(to), options);
      expect(await widthIn(at(to)), `${from} -> ${to}`).toBe('int32');
    }
  });
});
