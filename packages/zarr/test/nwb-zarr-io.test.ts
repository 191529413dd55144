import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NWBZarrIO } from '../src/index.js';
import { fixturesDir, runValidate, tempDir } from './helpers.js';

const temp = await tempDir();
afterAll(() => temp.cleanup());

describe('NWBZarrIO', () => {
  it('reads a fixture and writes it back as a valid store', async () => {
    const io = new NWBZarrIO(path.join(fixturesDir, 'tutorial_images.nwb.zarr'));
    const file = await io.read();
    expect(file).toBeDefined();
    const target = path.join(temp.dir, 'copy.nwb.zarr');
    const out = new NWBZarrIO(target, 'w-');
    await out.write(file);
    await out.close();
    await io.close();
    const check = await runValidate(['check', target]);
    expect(check.code, check.out).toBe(0);
  });
});
