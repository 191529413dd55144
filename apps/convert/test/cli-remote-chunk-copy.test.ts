/**
 * `nwb-convert https://.../x.nwb out.nwb.zarr` copies the remote file's chunks as they are stored:
 * every chunk file of the Zarr store is byte for byte the HDF5 file's stored chunk (a chunk
 * deflated at another level than the dataset says proves nothing was decoded and encoded again),
 * no part of the file holding a chunk is requested twice (one Range request per chunk at most,
 * neighbours merged into one), and nwb-validate finds the store sound and equal to the source.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerRange, copyFixtures, nwbValidate, runCli, tempDir } from './helpers.js';
import { expectChunksCopied, h5py } from './stored-chunks.js';

const temp = await tempDir('nwb-remote-chunk-copy-');
await copyFixtures(temp.dir, ['compressed_imageseries.nwb']);
const SOURCE = join(temp.dir, 'compressed_imageseries.nwb');
const MOVIE = '/acquisition/movie/data';

/** Byte ranges asked for, `[first, last]`, in order. */
const ranges: [number, number][] = [];
let server: Server;
let url = '';

beforeAll(async () => {
  // 64 frames of 128 x 128 uint16 noise (past the first MiB the reader asks for), gzip 4 + shuffle,
  // one frame per chunk; frames 20-29 never written; frame 3 deflated at level 1 by hand.
  await h5py(
    SOURCE,
    'a',
    `import numpy as np, zlib, uuid
g = f['acquisition'].create_group('movie')
for k, v in {'neurodata_type': 'ImageSeries', 'namespace': 'core', 'object_id': str(uuid.uuid4()), 'description': 'noise', 'comments': 'no comments'}.items(): g.attrs[k] = v
d = g.create_dataset('data', shape=(64, 128, 128), dtype='uint16', chunks=(1, 128, 128), compression='gzip', compression_opts=4, shuffle=True)
for k, v in {'unit': 'n/a', 'conversion': 1.0, 'resolution': -1.0, 'offset': 0.0}.items(): d.attrs[k] = v
frames = np.random.default_rng(11).integers(0, 65535, size=(64, 128, 128)).astype('<u2')
d[0:20] = frames[0:20]
d[30:64] = frames[30:64]
d.id.write_direct_chunk((3, 0, 0), zlib.compress(frames[3].view(np.uint8).reshape(-1, 2).T.tobytes(), 1))
t = g.create_dataset('starting_time', data=0.0)
t.attrs['rate'] = 30.0
t.attrs['unit'] = 'seconds'`,
  );
  server = createServer((req, res) => {
    answerRange(res, SOURCE, req.headers.range, false)
      .then((served) => void (served && ranges.push(served)))
      .catch(() => res.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/movie.nwb`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  await temp.cleanup();
});

describe('a remote HDF5 NWB file converted to Zarr', () => {
  it('copies every stored chunk as it is, each asked for at most once, and nwb-validate agrees', async () => {
    const store = join(temp.dir, 'out.nwb.zarr');
    ranges.length = 0;
    const result = await runCli([url, store, '--quiet']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);

    const chunks = await expectChunksCopied(SOURCE, store, MOVIE);
    expect(chunks).toHaveLength(54);
    // The fixture's own movie is copied too.
    await expectChunksCopied(SOURCE, store, '/acquisition/CompressedSeries/data');

    const fileSize = (await (await import('node:fs/promises')).stat(SOURCE)).size;
    expect(chunks.some((c) => c.offset > 1024 * 1024 && c.offset < fileSize - 512 * 1024)).toBe(true);
    // No byte of a chunk is asked for twice: metadata reads next to a chunk may hold part of it,
    // and the chunk's read then asks only for the rest.
    for (const chunk of chunks) {
      const last = chunk.offset + chunk.size - 1;
      const asked = ranges.filter(([first, end]) => first <= last && end >= chunk.offset);
      const bytes = asked.reduce(
        (n, [first, end]) => n + Math.min(end, last) - Math.max(first, chunk.offset) + 1,
        0,
      );
      expect(bytes, `bytes asked for of chunk ${chunk.index.join('.')}`).toBe(chunk.size);
    }
    // Neighbouring chunks share requests: far fewer requests than chunks.
    expect(ranges.length).toBeLessThan(chunks.length);

    const [check, diff] = await Promise.all([
      nwbValidate('check', store),
      nwbValidate('diff', SOURCE, store),
    ]);
    expect(check.out).toMatch(/^OK/);
    expect(diff.out.trim()).toBe('no differences');
  });
});
