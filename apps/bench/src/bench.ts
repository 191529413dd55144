/** Latency added to every answer of the remote cases' server, in ms: none, and a far server's. */
const REMOTE_LATENCIES_MS = [0, 100];

/**
 * Runs the cases of issue #6 and collects a {@link BenchReport}. Every measured run is a child
 * process of its own (ours: Node, theirs: Python), alternating sides so that drift in the machine's
 * state hits both alike.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Side } from './child.js';
import { runJob } from './child.js';
import { serveDirectory } from './http-server.js';
import { FRAME_BYTES, FRAME_SIDE, randomFrames, writePool } from './movie.js';
import type { BenchOptions } from './options.js';
import type { Format, Job, JobResult } from './protocol.js';
import type { BenchReport, ComparedCase, RemoteCase, SideStats, StreamCase, Unavailable } from './results.js';
import { median } from './stats.js';
import { evaluateTargets } from './targets.js';

/** What the Python side can do on this machine (see setup.ts). */
export interface PythonSide {
  /** Why h5py/zarr-python cannot run, or undefined when they can. */
  missing: string | undefined;
  version: string;
}

type Log = (line: string) => void;

const EXT: Record<Format, string> = { hdf5: '.nwb', zarr: '.nwb.zarr' };

/** Runs the bench; temporary data live in a fresh directory removed at the end (unless `keep`). */
export async function runBench(options: BenchOptions, python: PythonSide, log: Log): Promise<BenchReport> {
  const dir = await mkdtemp(path.join(options.dir ?? os.tmpdir(), 'nwbjs-bench-'));
  log(`data in ${dir}`);
  try {
    return await benchIn(dir, options, python, log);
  } finally {
    if (options.keep) log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

async function benchIn(
  dir: string,
  options: BenchOptions,
  python: PythonSide,
  log: Log,
): Promise<BenchReport> {
  const poolPath = path.join(dir, 'pool.bin');
  await writePool(poolPath);
  const frames = options.frames;
  const movieBytes = frames * FRAME_BYTES;
  const only = new Set(options.only);
  const cases: ComparedCase[] = [];
  const remote: RemoteCase[] = [];
  const stream: StreamCase[] = [];
  const theirsMissing: Unavailable | undefined =
    python.missing === undefined ? undefined : { unavailable: python.missing };
  const ours = (format: Format, gzip: boolean): string =>
    path.join(dir, `ours-${gzip ? 'gzip' : 'raw'}${EXT[format]}`);
  const variants = [
    { gzip: false, label: 'uncompressed' },
    { gzip: true, label: 'gzip 4' },
  ];
  const needsFiles = only.has('read') || only.has('convert') || only.has('remote');

  const compare = async (
    c: Omit<ComparedCase, 'ours' | 'theirs' | 'ratio'>,
    job: (side: Side) => Job | undefined,
    theirsUnavailable?: Unavailable,
  ): Promise<void> => {
    log(`${c.id}: ${c.title}`);
    const runs: Record<Side, JobResult[]> = { ours: [], theirs: [] };
    const unavailable = theirsMissing ?? theirsUnavailable;
    for (let i = 0; i < options.warmup + options.runs; i++) {
      for (const side of ['ours', 'theirs'] as const) {
        if (side === 'theirs' && unavailable !== undefined) continue;
        const sideJob = job(side)!;
        // A conversion writes where nothing is: the output of the side's run before is removed
        // before the clock starts. Replacing it inside the clock favoured zarr-python, which
        // deletes first and writes into the memory just freed, over ours, which keeps the old
        // store until the new one is complete (README, "conversion by copying chunks").
        if (sideJob.kind === 'convert') await rm(sideJob.output, { recursive: true, force: true });
        const result = await runJob(side, sideJob, options.python);
        if (i >= options.warmup) runs[side].push(result);
      }
    }
    const oursStats = summarize(runs.ours);
    const theirs = unavailable ?? summarize(runs.theirs);
    const ratio = 'median' in theirs ? oursStats.median / theirs.median : null;
    cases.push({ ...c, ours: oursStats, theirs, ratio });
    log(
      `  ours ${oursStats.median.toFixed(3)} s` +
        ('median' in theirs ? `, theirs ${theirs.median.toFixed(3)} s, ratio ${ratio!.toFixed(2)}` : ''),
    );
  };

  // 1. Writes. The last measured run of ours stays on disk for the reads, conversion and remote cases.
  for (const format of ['hdf5', 'zarr'] as const) {
    for (const { gzip, label } of variants) {
      if (!only.has('write') && !needsFiles) continue;
      const writeJob = (side: Side): Extract<Job, { kind: 'write' }> => ({
        kind: 'write',
        format,
        path:
          side === 'ours'
            ? ours(format, gzip)
            : path.join(dir, `theirs-${gzip ? 'gzip' : 'raw'}${format === 'hdf5' ? '.h5' : '.zarr'}`),
        poolPath,
        frames,
        gzipLevel: gzip ? 4 : null,
      });
      if (!only.has('write')) {
        await runJob('ours', writeJob('ours'), options.python);
        continue;
      }
      await compare(
        {
          id: `${format}-write-${gzip ? 'gzip' : 'raw'}`,
          group: 'write',
          format,
          title: `${format === 'hdf5' ? 'HDF5' : 'Zarr'} write, ${label}`,
          work: { bytes: movieBytes },
        },
        writeJob,
      );
      await rm(writeJob('theirs').path, { recursive: true, force: true });
    }
  }

  // 2. Reads of the files ours wrote, by both sides.
  if (only.has('read')) {
    const picks = randomFrames(frames, options.randomFrames);
    for (const format of ['hdf5', 'zarr'] as const) {
      for (const { gzip, label } of variants) {
        const file = ours(format, gzip);
        const name = format === 'hdf5' ? 'HDF5' : 'Zarr';
        await compare(
          {
            id: `${format}-frames-${gzip ? 'gzip' : 'raw'}`,
            group: 'read',
            format,
            title: `${name} ${picks.length} random frames, ${label}`,
            work: { frames: picks.length },
          },
          () => ({ kind: 'read-frames', format, path: file, frames: picks }),
        );
        if (format === 'hdf5') {
          // The same frames into one buffer: no fresh memory per frame on either side.
          await compare(
            {
              id: `${format}-frames-${gzip ? 'gzip' : 'raw'}-into`,
              group: 'read',
              format,
              title: `${name} ${picks.length} random frames into one buffer, ${label}`,
              work: { frames: picks.length },
            },
            () => ({ kind: 'read-frames', format, path: file, frames: picks, into: true }),
          );
        }
        if (movieBytes > options.wholeReadLimit) {
          log(
            `${format}-whole: skipped (${movieBytes} bytes is above the ${options.wholeReadLimit}-byte limit of a whole read)`,
          );
          continue;
        }
        await compare(
          {
            id: `${format}-whole-${gzip ? 'gzip' : 'raw'}`,
            group: 'read',
            format,
            title: `${name} whole read, ${label}`,
            work: { bytes: movieBytes },
          },
          () => ({ kind: 'read-whole', format, path: file }),
        );
      }
    }
  }

  // 3. Conversion HDF5 -> Zarr (uncompressed and gzip: chunks are copied as they are stored) and
  // back. Theirs: a tree copy with h5py and zarr; then a plain `cp` of the same HDF5 file, the
  // floor any conversion of those bytes is measured against.
  if (only.has('convert')) {
    const hdmfZarr: Unavailable = { unavailable: 'hdmf-zarr is not a Debian package here' };
    const toZarr = (side: Side, gzip = false): string =>
      path.join(dir, `${side}-converted${gzip ? '-gzip' : ''}.nwb.zarr`);
    for (const { gzip, label } of variants) {
      await compare(
        {
          id: gzip ? 'convert-to-zarr-gzip' : 'convert-to-zarr',
          group: 'convert',
          format: 'zarr',
          title: `convert HDF5 -> Zarr, ${label}`,
          work: { bytes: movieBytes },
        },
        (side) => ({
          kind: 'convert',
          from: 'hdf5',
          to: 'zarr',
          input: ours('hdf5', gzip),
          output: toZarr(side, gzip),
        }),
      );
      const converted = cases[cases.length - 1]!;
      const input = ours('hdf5', gzip);
      const fileBytes = (await stat(input)).size;
      const copies: JobResult[] = [];
      for (let i = 0; i < options.warmup + options.runs; i++) {
        const copy = path.join(dir, 'cp-copy.nwb');
        const result = await runJob('ours', { kind: 'copy-file', input, output: copy }, options.python);
        await rm(copy, { force: true });
        if (i >= options.warmup) copies.push(result);
      }
      const cp = summarize(copies);
      cases.push({
        id: `${converted.id}-vs-cp`,
        group: 'convert',
        format: 'zarr',
        title: `convert HDF5 -> Zarr, ${label}, vs cp of the file (${(fileBytes / 1e6).toFixed(0)} MB)`,
        work: { bytes: fileBytes },
        ours: converted.ours,
        theirs: cp,
        ratio: converted.ours.median / cp.median,
      });
      log(`  cp ${cp.median.toFixed(3)} s, ratio ${(converted.ours.median / cp.median).toFixed(2)}`);
      await rm(toZarr('ours', true), { recursive: true, force: true });
      await rm(toZarr('theirs', true), { recursive: true, force: true });
    }
    await compare(
      {
        id: 'convert-to-hdf5',
        group: 'convert',
        format: 'hdf5',
        title: 'convert Zarr -> HDF5',
        work: { bytes: movieBytes },
      },
      (side) => ({
        kind: 'convert',
        from: 'zarr',
        to: 'hdf5',
        input: toZarr(side),
        output: path.join(dir, `${side}-back.nwb`),
      }),
    );
    cases.push({
      id: 'convert-hdmf-zarr',
      group: 'convert',
      format: 'zarr',
      title: 'convert HDF5 -> Zarr vs hdmf-zarr export',
      work: { bytes: movieBytes },
      ours: cases.find((c) => c.id === 'convert-to-zarr')!.ours,
      theirs: hdmfZarr,
      ratio: null,
    });
    for (const side of ['ours', 'theirs']) {
      await rm(path.join(dir, `${side}-converted.nwb.zarr`), { recursive: true, force: true });
      await rm(path.join(dir, `${side}-back.nwb`), { force: true });
    }
  }

  // 4. Remote reads over HTTP of the files ours wrote (Zarr stores, and HDF5 files read with Range
  // requests): at 127.0.0.1's own speed, and with latency added to every answer, where round trips
  // (not requests) decide how long opening takes.
  if (only.has('remote')) {
    const picks = randomFrames(frames, options.remoteFrames, 777);
    for (const latencyMs of REMOTE_LATENCIES_MS) {
      const server = await serveDirectory(dir, latencyMs);
      try {
        for (const format of ['zarr', 'hdf5'] as const) {
          for (const { gzip, label } of variants) {
            const id = `${format}-remote-${gzip ? 'gzip' : 'raw'}${latencyMs > 0 ? `-${latencyMs}ms` : ''}`;
            const location = ours(format, gzip);
            const name = path.basename(location);
            const formatName = format === 'hdf5' ? 'HDF5' : 'Zarr';
            log(
              `${id}: ${picks.length} random frames over HTTP, ${formatName}, ${label}, ${latencyMs} ms latency`,
            );
            const before = { requests: server.requests, bytes: server.bytes };
            const r = await runJob(
              'ours',
              { kind: 'remote-frames', format, url: `${server.url}/${name}`, frames: picks },
              options.python,
            );
            const x = r.extra ?? {};
            remote.push({
              id,
              title: `${formatName} over HTTP, ${picks.length} random frames, ${label}, +${latencyMs} ms`,
              format,
              fileBytes: await sizeOnDisk(location),
              frames: picks.length,
              chunkBytes:
                format === 'zarr'
                  ? await medianChunkBytes(path.join(location, 'acquisition', 'movie', 'data'))
                  : null,
              msPerFrame: (r.seconds * 1000) / picks.length,
              requestsPerFrame: (x.frameRequests ?? 0) / picks.length,
              bytesPerFrame: (x.frameBytes ?? 0) / picks.length,
              latencyMs,
              openSeconds: x.openSeconds ?? 0,
              openRequests: x.openRequests ?? 0,
              openRoundTrips: x.openRoundTrips ?? 0,
              roundTripsPerFrame: (x.frameRoundTrips ?? 0) / picks.length,
              openBytes: x.openBytes ?? 0,
              serverRequests: server.requests - before.requests,
              serverBytes: server.bytes - before.bytes,
              peakRssBytes: r.peakRssBytes,
              theirs: {
                unavailable:
                  'zarr-python and h5py over HTTP need fsspec and aiohttp (or ros3), not installed',
              },
            });
          }
        }
      } finally {
        await server.close();
      }
    }
  }

  // 5. Peak RSS of streamed writes at two sizes (ours; uncompressed, so the disk is the limit).
  if (only.has('stream')) {
    for (const bytes of options.streamBytes) {
      for (const format of ['hdf5', 'zarr'] as const) {
        const target = path.join(dir, `stream${EXT[format]}`);
        const streamFrames = Math.max(1, Math.round(bytes / FRAME_BYTES));
        log(`stream-${format}: streamed write of ${((streamFrames * FRAME_BYTES) / 2 ** 30).toFixed(2)} GiB`);
        const r = await runJob(
          'ours',
          { kind: 'write', format, path: target, poolPath, frames: streamFrames, gzipLevel: null },
          options.python,
        );
        stream.push({
          id: `stream-${format}-${streamFrames}`,
          format,
          bytes: streamFrames * FRAME_BYTES,
          seconds: r.seconds,
          peakRssBytes: r.peakRssBytes,
        });
        await rm(target, { recursive: true, force: true });
      }
    }
  }

  return {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryBytes: os.totalmem(),
      node: process.version,
      python: python.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
    },
    movie: {
      frames,
      shape: [frames, FRAME_SIDE, FRAME_SIDE],
      bytes: movieBytes,
      chunk: [1, FRAME_SIDE, FRAME_SIDE],
    },
    runs: options.runs,
    warmup: options.warmup,
    cases,
    remote,
    stream,
    targets: evaluateTargets(cases, stream),
  };
}

function summarize(results: JobResult[]): SideStats {
  const seconds = results.map((r) => r.seconds);
  const last = results[results.length - 1];
  return {
    seconds,
    median: median(seconds),
    peakRssBytes: Math.max(...results.map((r) => r.peakRssBytes)),
    ...(last?.extra === undefined ? {} : { extra: last.extra }),
  };
}

/** Bytes of a file, or of every file under a directory. */
async function sizeOnDisk(location: string): Promise<number> {
  const info = await stat(location);
  if (!info.isDirectory()) return info.size;
  const entries = await readdir(location, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => (await stat(path.join(e.parentPath, e.name))).size),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

/** Median size of the chunk files of a Zarr array directory (its `.z*` metadata excluded). */
async function medianChunkBytes(arrayDir: string): Promise<number> {
  const names = (await readdir(arrayDir)).filter((n) => !n.startsWith('.'));
  const sizes = await Promise.all(names.map(async (n) => (await stat(path.join(arrayDir, n))).size));
  return sizes.length === 0 ? 0 : median(sizes);
}
