/* global process, console, performance */
// Peak memory of writing a big ImageSeries from a stream of slabs with NWBHDF5IO. Run by hand after
// `npx turbo run build` (not a test: a 5 GiB write takes a while):
//   node scripts/stream-rss.mjs [GiB=5] [slabFrames=40] [gzipLevel]
// The file goes to a fresh temporary directory, removed at the end. Prints wall time, file size
// and VmHWM (peak RSS) from /proc/self/status.
import { readFileSync, rmSync, statSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageSeries, NWBFile } from '@nwbjs/core';
import { NWBHDF5IO } from '../dist/index.js';

const gib = Number(process.argv[2] ?? 5);
const slabFrames = Number(process.argv[3] ?? 40);
const gzip = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const dir = mkdtempSync(join(tmpdir(), 'nwbjs-rss-'));
const out = join(dir, 'stream.nwb');
const FRAME = 512 * 512;
const frames = Math.round((gib * 2 ** 30) / FRAME);

const vm = (key) => Number(/\d+/.exec(readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(key)))[0]) / 1024;

async function* slabs() {
  for (let start = 0; start < frames; start += slabFrames) {
    const n = Math.min(slabFrames, frames - start);
    // A fresh buffer per slab, as a real source (a decoder, a socket) would hand over.
    const data = new Uint8Array(n * FRAME);
    for (let i = 0; i < n; i++) data.fill((start + i) % 251, i * FRAME, (i + 1) * FRAME);
    yield { dtype: 'uint8', shape: [n, 512, 512], data };
  }
}

const movie = new ImageSeries({
  name: 'movie',
  data: { kind: 'stream', dtype: 'uint8', shape: [frames, 512, 512], slabs: slabs() },
  unit: 'n.a.',
  rate: 30,
  dataLayout: { chunks: [1, 512, 512], ...(gzip === undefined ? {} : { compression: { codec: 'gzip', level: gzip } }) },
});
const file = new NWBFile({
  sessionDescription: 'streaming memory check',
  identifier: 'stream-rss',
  sessionStartTime: '2024-01-01T00:00:00+00:00',
  acquisition: [movie],
});

const t = performance.now();
try {
  const io = new NWBHDF5IO(out, 'w-');
  await io.write(file);
  await io.close();
  const s = (performance.now() - t) / 1000;
  console.log(
    `hdf5: ${frames} frames (${gib} GiB${gzip === undefined ? ', raw' : `, gzip ${gzip}`}), ${slabFrames} frames/slab: ` +
      `${s.toFixed(1)} s, file ${(statSync(out).size / 2 ** 30).toFixed(2)} GiB, VmHWM ${vm('VmHWM').toFixed(0)} MB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
