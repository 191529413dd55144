/**
 * What the viewer's tests open: the repo's reference fixtures, the TwoPhotonSeries file in
 * `test/data`, and stores made here in a temporary folder (many one-frame chunks, an external
 * video, a store that is not NWB, an unknown codec, files that are not what their names say).
 * Expected values always come from the library reading the files in Node.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NdArray, Selection } from '@nwbjs/core';
import type { DatasetInfo } from '@nwbjs/core/backend';
import { ImageSeries, NWBFile, ndarray } from '@nwbjs/core';
import { toHyperslab } from '@nwbjs/core/backend';
import { NWBHDF5IO, openHdf5 } from '@nwbjs/hdf5';
import { writeLindi } from '@nwbjs/lindi';
import { NWBZarrIO, openZarr } from '@nwbjs/zarr';

const here = fileURLToPath(new URL('.', import.meta.url));
/** The repo's reference fixtures (PyNWB and hdmf-zarr files). */
export const FIXTURES = resolve(here, '../../../fixtures');
/** Files kept with the viewer's tests. */
export const TEST_DATA = resolve(here, 'data');

/** The many-frames series: 40 frames of 32 x 48, one frame per chunk. */
export const MANY_FRAMES = { frames: 40, rows: 32, cols: 48, path: '/acquisition/frames' } as const;

/** The HDF5 movie a LINDI index points at: 20 frames of 64 x 96, one frame per chunk (deflate). */
export const LINDI_FRAMES = { frames: 20, rows: 64, cols: 96, path: '/acquisition/frames' } as const;

/** A pixel pattern that differs from frame to frame. */
export function manyFramesValue(frame: number, row: number, col: number): number {
  return (frame * 7 + row * 3 + col * 5) % 256;
}

/** The temporary folder of made stores; `remove()` deletes it. */
export interface MadeData {
  readonly dir: string;
  remove(): Promise<void>;
}

function session(identifier: string, series: ImageSeries): NWBFile {
  return new NWBFile({
    sessionDescription: 'viewer test',
    identifier,
    sessionStartTime: '2024-01-01T12:00:00+00:00',
    acquisition: [series],
  });
}

/**
 * A session whose ImageSeries `frames` holds `shape.frames` frames of {@link manyFramesValue}, one
 * frame per chunk, compressed as `compression` says (not at all by default).
 */
function movie(
  identifier: string,
  shape: { readonly frames: number; readonly rows: number; readonly cols: number },
  compression?: { readonly codec: 'gzip'; readonly level: number },
): NWBFile {
  const { frames, rows, cols } = shape;
  const pixels = new Uint8Array(frames * rows * cols);
  for (let f = 0; f < frames; f++)
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) pixels[(f * rows + r) * cols + c] = manyFramesValue(f, r, c);
  return session(
    identifier,
    new ImageSeries({
      name: 'frames',
      data: ndarray('uint8', [frames, rows, cols], pixels),
      unit: 'n.a.',
      rate: 10,
      dataLayout: { chunks: [1, rows, cols], ...(compression === undefined ? {} : { compression }) },
    }),
  );
}

/** Writes `file` with `io` and closes it. */
async function write(io: NWBZarrIO | NWBHDF5IO, file: NWBFile): Promise<void> {
  await io.write(file);
  await io.close();
}

/** Writes the made stores (see the module comment) into a new temporary folder. */
export async function makeTestData(): Promise<MadeData> {
  const dir = await mkdtemp(join(tmpdir(), 'nwb-viewer-test-'));
  const gzip = { codec: 'gzip', level: 1 } as const;
  await write(
    new NWBZarrIO(join(dir, 'many_frames.nwb.zarr'), 'w'),
    movie('viewer-many-frames', MANY_FRAMES, gzip),
  );
  // The same movie in hdmf-zarr 0.14's Zarr format 3 layout (bytes + zstd, chunk keys c/i/j/k).
  await write(
    new NWBZarrIO(join(dir, 'many_frames_v3.nwb.zarr'), 'w', { zarrFormat: 3 }),
    movie('viewer-many-frames-v3', MANY_FRAMES),
  );
  // The HDF5 file that the LINDI index of makeLindiIndex points at.
  await write(new NWBHDF5IO(join(dir, 'frames.nwb'), 'w'), movie('viewer-lindi-frames', LINDI_FRAMES, gzip));

  const video = new NWBZarrIO(join(dir, 'external_video.nwb.zarr'), 'w');
  await video.write(
    session(
      'viewer-external-video',
      new ImageSeries({ name: 'video', externalFile: ['movie.webm'], startingFrame: [0], rate: 10 }),
    ),
  );
  await video.close();

  const plain = await openZarr(join(dir, 'not_nwb.zarr'), 'w');
  await plain.createDataset(
    '/x',
    { dtype: 'uint8', shape: [4] },
    {},
    ndarray('uint8', [4], new Uint8Array(4)),
  );
  await plain.close();

  // An hdmf-zarr store whose movie names a compressor nobody has.
  const badCodec = join(dir, 'bad_codec.nwb.zarr');
  await cp(join(FIXTURES, 'compressed_imageseries.nwb.zarr'), badCodec, { recursive: true });
  const zarray = join(badCodec, 'acquisition/CompressedSeries/data/.zarray');
  const renamed = (text: string) => text.replace(/"id": ?"(zlib|gzip|blosc)"/, '"id": "lzma"');
  await writeFile(zarray, renamed(await readFile(zarray, 'utf8')));
  const consolidated = join(badCodec, '.zmetadata');
  const metadata = JSON.parse(await readFile(consolidated, 'utf8')) as {
    metadata: Record<string, { compressor: { id: string } }>;
  };
  metadata.metadata['acquisition/CompressedSeries/data/.zarray']!.compressor.id = 'lzma';
  await writeFile(consolidated, JSON.stringify(metadata));

  await cp(join(FIXTURES, 'tutorial_images.nwb'), join(dir, 'tutorial-copy'));
  await writeFile(join(dir, 'not_hdf5.nwb'), 'this is text, not HDF5\n'.repeat(10));
  await writeFile(
    join(dir, 'session.lindi.json'),
    JSON.stringify({ refs: { '.zgroup': { zarr_format: 2 } } }),
  );
  await writeFile(join(dir, 'broken.lindi.json'), '{"refs": {"');
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Writes `frames.lindi.json` in `made.dir`: the LINDI index of the made `frames.nwb`, its chunk
 * references naming `url` (where a test server serves that file). Returns the index's path.
 */
export async function makeLindiIndex(made: MadeData, url: string): Promise<string> {
  const target = join(made.dir, 'frames.lindi.json');
  await writeLindi(join(made.dir, 'frames.nwb'), target, { url });
  return target;
}

/** What the library itself reads at `path` of a file or store, for `selection`. */
export async function libraryRead(
  location: string,
  path: string,
  selection: Selection = [],
): Promise<NdArray> {
  const reader = location.endsWith('.zarr') ? await openZarr(location) : await openHdf5(location, 'r');
  try {
    const info = (await reader.stat(path)) as DatasetInfo;
    return await reader.readData(path, toHyperslab(info.shape, selection));
  } finally {
    await reader.close();
  }
}

/** The numbers of a numeric array. */
export function numbers(array: NdArray): number[] {
  return Array.from(array.data as ArrayLike<number | bigint>, Number);
}
