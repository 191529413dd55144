#!/usr/bin/env node
/**
 * The Node side of one measured job (see protocol.ts): run in a child process of its own so that
 * its peak memory is the job's. Prints one JSON line, a {@link JobResult}.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { DataStream, DatasetHandle, NdArray } from '@nwbjs/core';
import { ImageSeries, NWBFile, fromTypedArray, isDatasetHandle } from '@nwbjs/core';
import { NWBHDF5IO, createHdf5InMemory } from '@nwbjs/hdf5';
import { NWBZarrIO } from '@nwbjs/zarr';
import { convert } from 'nwb-convert';
import { FRAME_BYTES, FRAME_SIDE, SLAB_FRAMES, movieSlab } from './movie.js';
import { peakRssBytes } from './peak-rss.js';
import type { Format, Job, JobResult } from './protocol.js';

type Io = NWBHDF5IO | NWBZarrIO;

function openIo(format: Format, location: string, mode: 'r' | 'w', fetchCounter?: FetchCounter): Io {
  const options = fetchCounter === undefined ? {} : { fetch: fetchCounter.fetch };
  if (format === 'hdf5') return new NWBHDF5IO(location, mode, options);
  return new NWBZarrIO(location, mode, options);
}

/** The movie as a stream of fresh slabs, the way a user hands frames from an acquisition. */
function movieStream(pool: Uint8Array, frames: number): DataStream {
  async function* slabs(): AsyncIterable<NdArray> {
    for (let from = 0; from < frames; from += SLAB_FRAMES) {
      const to = Math.min(frames, from + SLAB_FRAMES);
      yield fromTypedArray(movieSlab(pool, from, to), [to - from, FRAME_SIDE, FRAME_SIDE]);
    }
  }
  return { kind: 'stream', dtype: 'uint8', shape: [frames, FRAME_SIDE, FRAME_SIDE], slabs: slabs() };
}

function movieFile(pool: Uint8Array, frames: number, gzipLevel: number | null): NWBFile {
  const file = new NWBFile({
    sessionDescription: 'nwbjs benchmark movie',
    identifier: 'nwbjs-bench-movie',
    sessionStartTime: '2026-12-03T09:00:00+00:00',
    fileCreateDate: '2026-12-03T09:00:00+00:00',
  });
  file.addAcquisition(
    new ImageSeries({
      name: 'movie',
      description: 'A synthetic (frame, 512, 512) uint8 movie',
      unit: 'n.a.',
      rate: 30.0,
      data: movieStream(pool, frames),
      dataLayout: {
        chunks: [1, FRAME_SIDE, FRAME_SIDE],
        ...(gzipLevel === null ? {} : { compression: { codec: 'gzip' as const, level: gzipLevel } }),
      },
    }),
  );
  return file;
}

async function movieHandle(io: Io): Promise<DatasetHandle> {
  const file = await io.read();
  const series = file.acquisition.get('movie');
  if (!(series instanceof ImageSeries))
    throw new Error(`${String(io)}: /acquisition/movie is not an ImageSeries`);
  const data = series.data;
  if (!isDatasetHandle(data)) throw new Error('/acquisition/movie/data was not read as a lazy handle');
  return data;
}

/** Counts requests and response bytes of a remote reader's fetches. */
class FetchCounter {
  requests = 0;
  bytes = 0;
  /**
   * Round trips so far: the longest chain of requests each started after the one before it had
   * answered. A request is one deeper than the deepest answered when it starts, so requests made
   * together count once, and each wait for an answer before asking again counts once more.
   */
  roundTrips = 0;
  #answeredDepth = 0;
  readonly fetch = async (request: Request): Promise<Response> => {
    this.requests++;
    const depth = this.#answeredDepth + 1;
    this.roundTrips = Math.max(this.roundTrips, depth);
    const response = await fetch(request);
    const body = new Uint8Array(await response.arrayBuffer());
    this.#answeredDepth = Math.max(this.#answeredDepth, depth);
    this.bytes += body.byteLength;
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

async function run(job: Job): Promise<Omit<JobResult, 'peakRssBytes'>> {
  switch (job.kind) {
    case 'write': {
      const pool = new Uint8Array(await readFile(job.poolPath));
      const started = performance.now();
      const file = movieFile(pool, job.frames, job.gzipLevel);
      const io = openIo(job.format, job.path, 'w');
      // 'keep': exactly the layout asked for (NWBZarrIO would otherwise add its Blosc default).
      await io.write(file, { compression: 'keep' });
      await io.close();
      return { seconds: (performance.now() - started) / 1000, extra: { bytes: job.frames * FRAME_BYTES } };
    }
    case 'read-frames': {
      const io = openIo(job.format, job.path, 'r');
      const data = await movieHandle(io);
      const options = job.into === true ? { out: new Uint8Array(FRAME_BYTES) } : {};
      await data.read([0], options); // warm-up: opens the dataset and its codec.
      const started = performance.now();
      let checksum = 0;
      for (const f of job.frames) checksum += (await data.read([f], options)).data[4] as number;
      const seconds = (performance.now() - started) / 1000;
      await io.close();
      return { seconds, extra: { frames: job.frames.length, checksum } };
    }
    case 'read-whole': {
      const io = openIo(job.format, job.path, 'r');
      const data = await movieHandle(io);
      const started = performance.now();
      const all = await data.read();
      const seconds = (performance.now() - started) / 1000;
      await io.close();
      return { seconds, extra: { bytes: all.data.length } };
    }
    case 'convert': {
      // As the Python side imports h5py and zarr before its clock starts, the HDF5 runtime
      // (h5wasm's WebAssembly module) is loaded first.
      await (await createHdf5InMemory()).abort();
      const started = performance.now();
      await convert(job.input, job.output, { to: job.to, overwrite: true });
      return { seconds: (performance.now() - started) / 1000 };
    }
    case 'copy-file': {
      const started = performance.now();
      execFileSync('cp', [job.input, job.output]);
      return { seconds: (performance.now() - started) / 1000 };
    }
    case 'remote-frames': {
      const counter = new FetchCounter();
      const io = openIo(job.format, job.url, 'r', counter);
      const openStarted = performance.now();
      const data = await movieHandle(io);
      const openSeconds = (performance.now() - openStarted) / 1000;
      const openRequests = counter.requests;
      const openBytes = counter.bytes;
      const openRoundTrips = counter.roundTrips;
      const started = performance.now();
      for (const f of job.frames) await data.read([f]);
      const seconds = (performance.now() - started) / 1000;
      await io.close();
      return {
        seconds,
        extra: {
          openSeconds,
          openRequests,
          openBytes,
          openRoundTrips,
          frameRoundTrips: counter.roundTrips - openRoundTrips,
          frameRequests: counter.requests - openRequests,
          frameBytes: counter.bytes - openBytes,
          frames: job.frames.length,
          frameBytesRaw: FRAME_BYTES,
        },
      };
    }
  }
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
run(job).then(
  (result) => {
    process.stdout.write(
      `${JSON.stringify({ ...result, peakRssBytes: peakRssBytes() } satisfies JobResult)}\n`,
    );
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
