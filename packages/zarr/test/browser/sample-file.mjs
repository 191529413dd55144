/**
 * The NWB file both sides of the browser test write (the browser-mode child and the Node-mode
 * parent): one ImageSeries per codec, all holding the same frames, so every store can be checked
 * against {@link expectedFrames}. Plain JavaScript, since the child runs without TypeScript.
 */
import { Device, ImageSeries, NWBFile, ndarray } from '@nwbjs/core';

/** Shape of every series' data: 4 frames of 96 x 128 uint16 (96 KiB). */
export const SHAPE = [4, 96, 128];

/** Series name, and the layout it is written with (no compression: NWBZarrIO's Blosc default). */
export const SERIES = {
  gzipped: { chunks: [1, 96, 128], compression: { codec: 'gzip', level: 4 } },
  gzipped_shuffled: { chunks: [2, 48, 128], compression: { codec: 'gzip', level: 9, shuffle: true } },
  blosc_default: { chunks: [4, 96, 128] },
  blosc_zstd: {
    chunks: [2, 96, 128],
    compression: { codec: 'blosc', cname: 'zstd', level: 3, shuffle: true },
  },
  zstd: { chunks: [4, 96, 128], compression: { codec: 'zstd', level: 3, shuffle: true } },
  lz4: { chunks: [1, 96, 128], compression: { codec: 'lz4' } },
};

/** The frames every series holds: smooth gradients that compress, plus some noise that varies. */
export function expectedFrames() {
  const n = SHAPE[0] * SHAPE[1] * SHAPE[2];
  return Uint16Array.from(
    { length: n },
    (_, i) => ((i % 128) * 37 + Math.floor(i / 128) * 11 + ((i * 2654435761) >>> 28)) % 65536,
  );
}

/** The file: a camera and one series per entry of {@link SERIES}. */
export function sampleFile(identifier) {
  const camera = new Device({ name: 'camera', description: 'a test camera' });
  const acquisition = Object.entries(SERIES).map(
    ([name, layout]) =>
      new ImageSeries({
        name,
        data: ndarray('uint16', SHAPE, expectedFrames()),
        unit: 'n.a.',
        rate: 30,
        device: camera,
        dataLayout: layout,
      }),
  );
  return new NWBFile({
    sessionDescription: 'written by @nwbjs/zarr for the browser test',
    identifier,
    sessionStartTime: '2018-04-25T02:30:03-07:00',
    fileCreateDate: '2024-01-01T12:00:00+00:00',
    devices: [camera],
    acquisition,
  });
}

/** Whether a decoded array holds exactly {@link expectedFrames}. */
export function holdsExpectedFrames(array) {
  const want = expectedFrames();
  const got = array.data;
  if (
    array.dtype !== 'uint16' ||
    JSON.stringify(array.shape) !== JSON.stringify(SHAPE) ||
    got.length !== want.length
  )
    return false;
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) return false;
  return true;
}
