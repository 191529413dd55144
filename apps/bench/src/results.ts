/**
 * The bench's results, as printed and as written with `--json`.
 */
import type { Format } from './protocol.js';

/** Several runs of one side of a case. */
export interface SideStats {
  /** Seconds of each measured run. */
  seconds: number[];
  /** Median of `seconds`. */
  median: number;
  /** Largest peak RSS over the runs, bytes. */
  peakRssBytes: number;
  /** The last run's extra numbers. */
  extra?: Record<string, number>;
}

/** A side that could not run, and why. */
export interface Unavailable {
  unavailable: string;
}

/** A case measured on both sides. */
export interface ComparedCase {
  id: string;
  group: 'write' | 'read' | 'convert';
  title: string;
  format: Format;
  /** Bytes of movie the case moves (for MB/s), or frames read (for ms/frame). */
  work: { bytes: number } | { frames: number };
  ours: SideStats;
  theirs: SideStats | Unavailable;
  /** ours median / theirs median (below 1: we are faster); null when theirs is unavailable. */
  ratio: number | null;
}

/** Reading frames over HTTP (ours only). */
export interface RemoteCase {
  id: string;
  title: string;
  frames: number;
  /** The format read over HTTP. */
  format: 'hdf5' | 'zarr';
  /** Bytes of the file (HDF5) or store (Zarr, all its files) on the server. */
  fileBytes: number;
  /** Median bytes of one chunk on disk (one frame per chunk); null for HDF5 (chunks are inside the file). */
  chunkBytes: number | null;
  msPerFrame: number;
  requestsPerFrame: number;
  bytesPerFrame: number;
  /** Latency the server added to every answer, in ms (0: as fast as 127.0.0.1 goes). */
  latencyMs: number;
  openSeconds: number;
  openRequests: number;
  /** Round trips opening cost: requests made together count once (see the worker's FetchCounter). */
  openRoundTrips: number;
  /** Round trips per frame read. */
  roundTripsPerFrame: number;
  openBytes: number;
  /** What the server counted over the whole job. */
  serverRequests: number;
  serverBytes: number;
  peakRssBytes: number;
  theirs: Unavailable;
}

/** One streamed write of case 5 (ours). */
export interface StreamCase {
  id: string;
  format: Format;
  bytes: number;
  seconds: number;
  peakRssBytes: number;
}

/** A target of issue #6: met when every listed case's ratio is at most `maxRatio`. */
export interface TargetResult {
  name: string;
  caseIds: string[];
  maxRatio: number;
  /** The worst (largest) ratio among the cases, or the worst peak RSS for the memory target. */
  measured: number | null;
  met: boolean | null;
  note?: string;
}

/** Everything one bench run found. */
export interface BenchReport {
  date: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
    node: string;
    python: string;
    platform: string;
  };
  movie: { frames: number; shape: number[]; bytes: number; chunk: number[] };
  runs: number;
  warmup: number;
  cases: ComparedCase[];
  remote: RemoteCase[];
  stream: StreamCase[];
  targets: TargetResult[];
}
