/**
 * Reading through the object mapper is lazy: opening a file reads only small metadata, and reading
 * one frame of a series reads that frame and nothing else. The reader below records every
 * `readData` call the memory backend serves, by path and element count.
 */
import { describe, expect, it } from 'vitest';
import type { StorageReader } from '../src/storage/backend.js';
import type { Hyperslab } from '../src/storage/selection.js';
import { hyperslabShape } from '../src/storage/selection.js';
import { shapeSize } from '../src/storage/values.js';
import { isDatasetHandle } from '../src/tree/nodes.js';
import { ImageSeries, NWBFile } from '../src/model/index.js';
import { readNWBFile, writeNWBFile } from '../src/mapping/index.js';
import { MemoryBackend, MemoryVolume } from './memory-backend.js';
import { pattern } from './tutorial-file.js';

const FRAMES = 10;
const FRAME_SHAPE = [16, 12];
const FRAME_ELEMENTS = FRAME_SHAPE[0]! * FRAME_SHAPE[1]!;

/** One `readData` call: the dataset and how many elements it returned. */
interface ReadCall {
  path: string;
  elements: number;
}

/** Wraps a reader so that every `readData` call is recorded; everything else passes through. */
function recordingReader(inner: StorageReader, calls: ReadCall[]): StorageReader {
  return {
    format: inner.format,
    location: inner.location,
    capabilities: inner.capabilities,
    stat: (path) => inner.stat(path),
    list: (path) => inner.list(path),
    readAttributes: (path) => inner.readAttributes(path),
    readData: (path: string, slab: Hyperslab, options) => {
      calls.push({ path, elements: shapeSize(hyperslabShape(slab)) });
      return inner.readData(path, slab, options);
    },
    close: () => inner.close(),
  };
}

async function writeMovieFile(volume: MemoryVolume): Promise<void> {
  const file = new NWBFile({
    sessionDescription: 'laziness',
    identifier: 'lazy-read',
    sessionStartTime: '2018-04-25T02:30:03-07:00',
  });
  file.addAcquisition(
    new ImageSeries({
      name: 'movie',
      unit: 'n.a.',
      data: pattern([FRAMES, ...FRAME_SHAPE], Uint16Array, 1, 0, 4000),
      timestamps: Array.from({ length: FRAMES }, (_, i) => i / 30),
      dataLayout: { chunks: [1, ...FRAME_SHAPE] },
    }),
  );
  const writer = MemoryBackend.create(volume, 'movie.nwb');
  await writeNWBFile(writer, file);
  await writer.close();
}

describe('lazy reading through the mapper', () => {
  it('reads no frame when opening the file, and exactly one frame when asked for one', async () => {
    const volume = new MemoryVolume();
    await writeMovieFile(volume);
    const backend = MemoryBackend.open(volume, 'movie.nwb');
    const calls: ReadCall[] = [];
    const file = await readNWBFile(recordingReader(backend, calls));

    // Opening reads small metadata only (scalars such as the series' format), never the frames,
    // the timestamps or the cached specification.
    const opened = calls.map((c) => c.path);
    expect(opened).not.toContain('/acquisition/movie/data');
    expect(opened).not.toContain('/acquisition/movie/timestamps');
    expect(opened.filter((p) => p.startsWith('/specifications/'))).toEqual([]);
    expect(calls.every((c) => c.elements <= 1)).toBe(true);

    const movie = file.getAcquisition('movie') as ImageSeries;
    const data = movie.data;
    if (!isDatasetHandle(data)) throw new Error('the movie data should be a lazy handle');
    expect(isDatasetHandle(movie.timestamps!)).toBe(true);
    expect(movie.numSamples).toBe(FRAMES);

    calls.length = 0;
    const before = { ...backend.stats };
    const frame = await data.read([7]);
    expect(calls).toEqual([{ path: '/acquisition/movie/data', elements: FRAME_ELEMENTS }]);
    expect(backend.stats.readDataCalls - before.readDataCalls).toBe(1);
    expect(backend.stats.elementsRead - before.elementsRead).toBe(FRAME_ELEMENTS);
    expect(frame.shape).toEqual(FRAME_SHAPE);
    const first = 7 * FRAME_ELEMENTS;
    expect(Array.from((frame.data as Uint16Array).slice(0, 3))).toEqual([first, first + 1, first + 2]);
    await backend.close();
  });
});
