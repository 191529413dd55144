/**
 * The child-process script both backends' memory tests run: it streams a movie through a backend's
 * NWB IO class and reports the process's peak RSS. A separate process, because VmHWM is per process
 * and only a fresh one measures one write.
 */
import type { DatasetLayout } from '../storage/backend.js';

/**
 * Source of an ES module for `node --input-type=module -e SCRIPT MODULE_URL MIB OUT`: imports
 * `ioClass` (e.g. `NWBHDF5IO`) from MODULE_URL, writes an ImageSeries of MIB MiB of 512x512 uint8
 * frames to OUT from a stream of 40-frame slabs with `dataLayout`, and prints `{"hwm": MiB}`, the
 * peak RSS (Linux only: it reads /proc/self/status).
 */
export function streamWriteProbe(ioClass: string, dataLayout: DatasetLayout): string {
  return `
import { readFileSync } from 'node:fs';
import { ImageSeries, NWBFile } from '@nwbjs/core';
const { ${ioClass}: IO } = await import(process.argv[1]);
const [mib, out] = [Number(process.argv[2]), process.argv[3]];
const FRAME = 512 * 512, SLAB = 40, frames = Math.round((mib * 2 ** 20) / FRAME);
async function* slabs() {
  for (let start = 0; start < frames; start += SLAB) {
    const n = Math.min(SLAB, frames - start);
    const data = new Uint8Array(n * FRAME);
    for (let i = 0; i < n; i++) data.fill((start + i) % 251, i * FRAME, (i + 1) * FRAME);
    yield { dtype: 'uint8', shape: [n, 512, 512], data };
  }
}
const movie = new ImageSeries({ name: 'movie', unit: 'n.a.', rate: 30, dataLayout: ${JSON.stringify(dataLayout)},
  data: { kind: 'stream', dtype: 'uint8', shape: [frames, 512, 512], slabs: slabs() } });
const file = new NWBFile({ sessionDescription: 'memory', identifier: 'memory', sessionStartTime: '2024-01-01T00:00:00+00:00', acquisition: [movie] });
const io = new IO(out, 'w-');
await io.write(file);
await io.close();
const line = readFileSync('/proc/self/status', 'utf8').split('\\n').find((l) => l.startsWith('VmHWM'));
console.log(JSON.stringify({ hwm: Number(/\\d+/.exec(line)[0]) / 1024 }));
`;
}
