/**
 * What a storage package tells the rest of nwbjs about itself, so that one IO class and the CLI
 * serve every format without naming any: its format name, how to recognise its files or stores,
 * how to open them, and what it writes by default.
 */
import type { Compression, OpenMode, StorageWriter } from '../storage/backend.js';

/**
 * What is at a location, as far as telling formats apart needs: its kind, a file's first bytes,
 * and a way to look for entries of a directory. Whoever has the location (e.g. the CLI, on Node)
 * fills it in; descriptors only look.
 */
export interface LocationProbe {
  /** The location, as given. */
  readonly location: string;
  /** An http(s) URL, a directory, or a file (or bytes in memory). */
  readonly kind: 'url' | 'directory' | 'file';
  /** A file's first bytes: as many as the largest {@link BackendDescriptor.headBytes}, fewer if it is shorter. */
  readonly head: Uint8Array;
  /** Whether a directory holds an entry named `name` (false for anything else). */
  has(name: string): Promise<boolean>;
}

/** What a backend writes unless told otherwise. */
export interface WriteDefaults {
  /**
   * The compression numeric and bool datasets given in memory or as streams get when the caller
   * sets none (data read from another file keep theirs).
   */
  compression?: Compression;
}

/**
 * One storage format's entry point, exported by its package (`hdf5Descriptor` by @nwbjs/hdf5,
 * `zarrDescriptor` by @nwbjs/zarr). {@link NWBIO} opens files through it; apps pick a format by
 * asking each descriptor ({@link recognizes}, {@link extensions}) instead of naming formats.
 */
export interface BackendDescriptor<
  Location = string,
  Options = undefined,
  Backend extends StorageWriter = StorageWriter,
> {
  /** The format's name, as its readers report it in `format` (e.g. `hdf5`, `zarr`). */
  readonly format: string;
  /** Name endings that ask for this format when creating a file (e.g. `.nwb`), lower case. */
  readonly extensions: readonly string[];
  /** How many of a file's first bytes {@link recognizes} looks at. */
  readonly headBytes: number;
  /** Whether what the probe describes is in this format. */
  recognizes(probe: LocationProbe): boolean | Promise<boolean>;
  /** Opens `location` for reading (`'r'`) or writing (`'w'`, `'w-'`). */
  open(location: Location, mode: OpenMode, options?: Options): Promise<Backend>;
  /** The location named in messages (a path, a URL, `memory`). */
  describe(location: Location): string;
  /** What it writes unless told otherwise. */
  readonly writeDefaults: WriteDefaults;
}
