/* global process, console, performance, setInterval */
// Peak memory of writing a big ImageSeries from a stream of slabs with NWBZarrIO (its default
// compression, Blosc lz4 5, unless a gzip level is given). Run by hand after `npx turbo run build`
// (not a test: a 5 GiB write takes about a minute):
//   node scripts/stream-rss.mjs [GiB=5] [slabFrames=40] [gzipLevel]
// The store goes to a fresh temporary directory, removed at the end. Prints wall time, store size
// and VmHWM (peak RSS) from /proc/self/status. RSS_TRACE=1 prints RSS every 4 s;
// CODEC_WORKERS=n sets the codec worker count (0: in-thread).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageSeries, NWBFile } from '@nwbjs/core';
import { NWBZarrIO, setCodecWorkers } from '../dist/index.js';

const gib = Number(process.argv[2] ?? 5);
const slabFrames = Number(process.argv[3] ?? 40);
const gzip = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const dir = mkdtempSync(join(tmpdir(), 'nwbjs-rss-'));
const out = join(dir, 'stream.nwb.zarr');
const FRAME = 512 * 512;
const frames = Math.round((gib * 2 ** 30) / FRAME);

const status = (key) => Number(/\d+/.exec(readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(key)))[0]) / 1024;

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

if (process.env.CODEC_WORKERS !== undefined) await setCodecWorkers(Number(process.env.CODEC_WORKERS));
const t = performance.now();
if (process.env.RSS_TRACE) {
  setInterval(() => {
    const m = process.memoryUsage();
    console.log(`  t=${((performance.now() - t) / 1000).toFixed(0)}s rss ${status('VmRSS').toFixed(0)} MB, heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MB, array buffers ${(m.arrayBuffers / 2 ** 20).toFixed(0)} MB`);
  }, 4000).unref();
}
try {
  const io = new NWBZarrIO(out, 'w-');
  await io.write(file);
  await io.close();
  const s = (performance.now() - t) / 1000;
  const size = Number(execFileSync('du', ['-sb', out], { encoding: 'utf8' }).split('\t')[0]) / 2 ** 30;
  console.log(
    `zarr: ${frames} frames (${gib} GiB${gzip === undefined ? ', default blosc' : `, gzip ${gzip}`}), ${slabFrames} frames/slab: ` +
      `${s.toFixed(1)} s, store ${size.toFixed(2)} GiB, VmHWM ${status('VmHWM').toFixed(0)} MB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
