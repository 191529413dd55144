/**
 * Conversion by copying chunks, HDF5 to Zarr: every stored chunk arrives in the Zarr store byte for
 * byte (checked against the offsets and sizes h5py's get_chunk_info gives), chunks never written
 * are not written, and nwb-validate finds the files the same. The bytes of a chunk deflated at
 * another level than the dataset says are proof that nothing was decoded and encoded again.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wholeHyperslab } from '@nwbjs/core/backend';
import { openZarr } from '@nwbjs/zarr';
import { copyFixtures, nwbValidate, runCli, tempDir } from './helpers.js';
import { expectChunksCopied, h5py } from './stored-chunks.js';

const temp = await tempDir('nwb-chunk-copy-');
afterAll(() => temp.cleanup());
await copyFixtures(temp.dir, ['compressed_imageseries.nwb', 'static_images.nwb']);

describe('HDF5 to Zarr by copying chunks', () => {
  it("copies a PyNWB file's deflated chunks byte for byte, and nwb-validate finds no difference", async () => {
    const source = join(temp.dir, 'compressed_imageseries.nwb');
    const store = join(temp.dir, 'compressed.nwb.zarr');
    const result = await runCli([source, store, '--quiet']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    await expectChunksCopied(source, store, '/acquisition/CompressedSeries/data');
    const meta = JSON.parse(await readFile(join(store, 'acquisition/CompressedSeries/data/.zarray'), 'utf8'));
    expect(meta.compressor).toEqual({ id: 'zlib', level: 4 });
    const [check, diff] = await Promise.all([
      nwbValidate('check', store),
      nwbValidate('diff', source, store),
    ]);
    expect(check.out).toMatch(/^OK/);
    expect(diff.out.trim()).toBe('no differences');
  });

  it('copies shuffled chunks as they are, writes none of those never written, reads back the same', async () => {
    const source = join(temp.dir, 'static_images.nwb');
    // 20 frames of 16x24 uint16 in one-frame chunks, gzip 4 + shuffle; frames 5-14 never written;
    // frame 2 stored as deflated at level 1 by hand.
    await h5py(
      source,
      'a',
      `import numpy as np, zlib, uuid
g = f['acquisition'].create_group('sparse')
for k, v in {'neurodata_type': 'ImageSeries', 'namespace': 'core', 'object_id': str(uuid.uuid4()), 'description': 'sparse', 'comments': 'no comments'}.items(): g.attrs[k] = v
d = g.create_dataset('data', shape=(20, 16, 24), dtype='uint16', chunks=(1, 16, 24), compression='gzip', compression_opts=4, shuffle=True)
for k, v in {'unit': 'n/a', 'conversion': 1.0, 'resolution': -1.0, 'offset': 0.0}.items(): d.attrs[k] = v
frames = (np.arange(20 * 16 * 24, dtype=np.uint32) * 37 % 60000).astype('<u2').reshape(20, 16, 24)
d[0:5] = frames[0:5]
d[15:20] = frames[15:20]
shuffled = frames[2].view(np.uint8).reshape(-1, 2).T.tobytes()
d.id.write_direct_chunk((2, 0, 0), zlib.compress(shuffled, 1))
t = g.create_dataset('starting_time', data=0.0)
t.attrs['rate'] = 30.0
t.attrs['unit'] = 'seconds'`,
    );
    const store = join(temp.dir, 'sparse.nwb.zarr');
    const result = await runCli([source, store, '--quiet']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const chunks = await expectChunksCopied(source, store, '/acquisition/sparse/data');
    expect(chunks.map((c) => c.index[0]).sort((a, b) => a! - b!)).toEqual([
      0, 1, 2, 3, 4, 15, 16, 17, 18, 19,
    ]);

    const reader = await openZarr(store, 'r');
    try {
      const read = await reader.readData('/acquisition/sparse/data', wholeHyperslab([20, 16, 24]));
      const expected = Array.from({ length: 20 * 16 * 24 }, (_, i) =>
        i >= 5 * 384 && i < 15 * 384 ? 0 : (i * 37) % 60000,
      );
      expect(Array.from(read.data as Uint16Array)).toEqual(expected);
    } finally {
      await reader.close();
    }
    const diff = await nwbValidate('diff', source, store);
    expect(diff.out.trim()).toBe('no differences');
  });
});
