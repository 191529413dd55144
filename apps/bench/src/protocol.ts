/**
 * What the bench asks a child process to do, and what the child answers (one JSON line on stdout).
 * Node children run dist/worker.js, Python children python/worker.py; both take the same job.
 */

/** Storage format of a case. */
export type Format = 'hdf5' | 'zarr';

/** One measured job, given to a child as JSON in argv. */
export type Job =
  | {
      kind: 'write';
      format: Format;
      path: string;
      poolPath: string;
      frames: number;
      /** Deflate level (HDF5 gzip filter, Zarr GZip compressor), or null for none. */
      gzipLevel: number | null;
    }
  /**
   * `into`: every frame is read into one buffer made before the clock starts (ours
   * `read([f], { out })`, h5py `read_direct`), instead of a fresh array per frame.
   */
  | { kind: 'read-frames'; format: Format; path: string; frames: number[]; into?: boolean }
  | { kind: 'read-whole'; format: Format; path: string }
  | { kind: 'convert'; from: Format; to: Format; input: string; output: string }
  /** A plain `cp` of a file (the floor conversion is compared with). */
  | { kind: 'copy-file'; input: string; output: string }
  | { kind: 'remote-frames'; format: Format; url: string; frames: number[] };

/** A child's answer. */
export interface JobResult {
  /** Seconds of the timed part (imports, data generation and process start excluded). */
  seconds: number;
  /** Peak resident set size of the child, bytes. */
  peakRssBytes: number;
  /** Case-specific numbers (bytes read, requests, ...). */
  extra?: Record<string, number>;
}

/** The dataset path of the movie in the files the bench writes. */
export const MOVIE_PATH = '/acquisition/movie/data';
