/* global process, console, performance */
// Wall time of writing a (frames, 512, 512) uint8 movie stream, one frame per chunk, with 1 to 8
// chunks in flight. Run by hand after `npm run build`:
//   node scripts/bench-write.mjs [frames=400] [codec=gzip] [level=4] [slabFrames=1]
// Not a test: timings depend on the machine. For blosc/zstd/lz4 it also runs with the codec
// workers off (in-thread), to show what the worker pool adds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetNode, groupNode, writeTree } from '@nwbjs/core';
import { openZarr, setCodecWorkers } from '../dist/index.js';

const frames = Number(process.argv[2] ?? 400);
const codec = process.argv[3] ?? 'gzip';
const level = Number(process.argv[4] ?? 4);
const slabFrames = Number(process.argv[5] ?? 1);
const FRAME = 512 * 512;

/** A movie-like frame: a drifting gradient plus noise (deflate ratio about 1.1-1.3). */
function frame(k) {
  const f = new Uint8Array(FRAME);
  let s = (k * 7919 + 1) >>> 0;
  for (let i = 0; i < FRAME; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    f[i] = (((i >> 9) + (i & 511) + k) >> 2) ^ ((s >>> 26) & 15);
  }
  return f;
}
const pattern = Array.from({ length: 16 }, (_, k) => frame(k));

async function* slabs() {
  for (let start = 0; start < frames; start += slabFrames) {
    const n = Math.min(slabFrames, frames - start);
    const data = new Uint8Array(n * FRAME);
    for (let i = 0; i < n; i++) data.set(pattern[(start + i) % 16], i * FRAME);
    yield { dtype: 'uint8', shape: [n, 512, 512], data };
  }
}

async function run(concurrency) {
  // Always a fresh directory inside a fresh temporary directory.
  const dir = mkdtempSync(join(tmpdir(), 'nwbjs-zbench-'));
  try {
    const w = await openZarr(join(dir, 'movie.zarr'), 'w-', { chunkConcurrency: concurrency });
    const stream = { kind: 'stream', dtype: 'uint8', shape: [frames, 512, 512], slabs: slabs() };
    const layout = { chunks: [1, 512, 512], compression: { codec, level } };
    const root = groupNode({}, [['data', datasetNode(stream, {}, layout)]]);
    const t = performance.now();
    await writeTree(w, root);
    await w.close();
    const s = (performance.now() - t) / 1000;
    const mbs = (frames * FRAME) / 1e6 / s;
    console.log(
      `${codec} ${level}, ${slabFrames} frame(s)/slab, ${concurrency} in flight: ${s.toFixed(2)} s, ${mbs.toFixed(1)} MB/s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const n of [1, 2, 4, 8]) await run(n);
if (codec !== 'gzip') {
  await setCodecWorkers(0);
  console.log('(codec workers off: in-thread)');
  await run(1);
  await run(8);
}
