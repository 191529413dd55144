/**
 * The storage interface: what every backend (HDF5, Zarr) implements and everything above it uses.
 *
 * It speaks of groups, datasets, attributes and links at absolute paths (`/`, `/acquisition/movie/data`),
 * with values in the neutral forms of `values.ts`. How a format spells them (HDF5 scalar dataspaces and
 * object references; hdmf-zarr's `zarr_dtype`, `zarr_link`, shape-(1,) scalars and reference dicts) is the
 * backend's business and never leaks through: a reader of this interface cannot tell the formats apart
 * except by `format` and `capabilities`.
 */
import type { DType } from './dtype.js';
import type { Hyperslab } from './selection.js';
import type { NdArray } from './values.js';

/**
 * Attribute name to value; a scalar attribute has shape `[]`. Names come from files, so an object
 * of attributes has no prototype (see {@link emptyAttributes}): `__proto__`, `constructor` or
 * `toString` are attributes like any other.
 */
export type Attributes = Record<string, NdArray>;

/**
 * A new, empty {@link Attributes} object without a prototype. Build attributes read from a file
 * in one of these (assigning `attrs['__proto__']` to a plain object would change its prototype
 * and lose the attribute); copy them with `Object.entries` or spread, never `Object.assign` onto a
 * plain object.
 */
export function emptyAttributes(): Attributes {
  return Object.create(null) as Attributes;
}

/**
 * How a dataset's chunks are compressed. Backends refuse codecs they lack with an UnsupportedError;
 * writeTree asks for none of those (it decides from {@link StorageCapabilities}).
 */
export interface Compression {
  /** `gzip` is deflate (HDF5 filter 1, Zarr `zlib`/`gzip`); the rest are the usual plugin codecs. */
  codec: 'gzip' | 'zstd' | 'blosc' | 'lz4' | 'bz2' | 'lzf';
  /** Compression level, in the codec's own range (gzip 0-9, zstd 1-22, blosc 0-9). */
  level?: number;
  /** Byte-shuffle before compressing (HDF5 shuffle filter, numcodecs Shuffle or Blosc's own shuffle). */
  shuffle?: boolean;
  /** Blosc's inner compressor (`lz4`, `zstd`, `blosclz`, `zlib`, ...). */
  cname?: string;
}

/**
 * One step of the pipeline that turns a chunk's element bytes into the bytes stored, named as
 * numcodecs names it (HDF5's filters map onto these: deflate writes a `zlib` stream, shuffle is
 * `shuffle` with the element size). Settings beyond the id and `elementSize` describe how the
 * chunk was encoded; decoding needs none of them.
 */
export type ChunkCodec =
  | {
      /** Byte shuffle: byte k of every element together (numcodecs Shuffle, HDF5 filter 2). */
      readonly id: 'shuffle';
      /** Bytes per element shuffled. */
      readonly elementSize: number;
    }
  | {
      /** `zlib`: a zlib-wrapped deflate stream (HDF5 deflate); `gzip`: a gzip-wrapped one. */
      readonly id: 'zlib' | 'gzip';
      /** Compression level, 0-9. */
      readonly level: number;
    }
  | {
      /** Zstandard frames. */
      readonly id: 'zstd';
      /** Compression level. */
      readonly level: number;
    }
  | {
      /** LZ4 (numcodecs' framing: the decoded size first). */
      readonly id: 'lz4';
    }
  | {
      /** A Blosc frame, which carries its own shuffle and inner compressor. */
      readonly id: 'blosc';
      /** Inner compressor (`lz4`, `zstd`, `blosclz`, `zlib`, ...). */
      readonly cname: string;
      /** Compression level, 0-9. */
      readonly level: number;
      /** 0 none, 1 byte shuffle, 2 bit shuffle. */
      readonly shuffle: number;
    };

/**
 * How a dataset's chunks are stored, so that their encoded bytes can move from one store to
 * another without being decoded (see {@link StorageReader.chunkEncoding}). Every chunk holds a
 * whole chunk shape of elements (edge chunks too, the part past the dataset's extent unused),
 * little-endian, in C order, then passes through `codecs` in order.
 */
export interface ChunkEncoding {
  /** Element type: a numeric dtype. */
  readonly dtype: DType;
  /** Elements per chunk along each axis. */
  readonly chunks: readonly number[];
  /** The codecs applied when writing, first to last; empty: the chunk is its raw element bytes. */
  readonly codecs: readonly ChunkCodec[];
}

/** One chunk's bytes as stored (encoded as its dataset's {@link ChunkEncoding} says) and where it goes. */
export interface EncodedChunk {
  /** The chunk's index in the dataset's chunk grid. */
  readonly index: readonly number[];
  /** The chunk's encoded bytes. */
  readonly bytes: Uint8Array;
}

/**
 * The memory budget of one chunk: no backend decodes a chunk whose elements take more than this
 * (1 GiB), nor lets a chunk's codecs inflate it past its declared size. A file asking for more is
 * broken or hostile (a decompression bomb) and gets an InvalidFileError naming the dataset.
 */
export const MAX_CHUNK_BYTES = 1024 * 1024 * 1024;

/** Storage layout of a dataset: chunking, growth, compression and fill. All optional. */
export interface DatasetLayout {
  /**
   * Chunk shape; absent means one piece: contiguous (HDF5) or one chunk for the whole array (Zarr).
   * Where a dataset needs chunks and has none, the backend takes core's `chunksFor`.
   */
  chunks?: readonly number[];
  /** Largest shape the dataset may grow to; `null` marks an unlimited axis. Needs chunks. */
  maxShape?: readonly (number | null)[];
  /** Codec and settings; absent means uncompressed. */
  compression?: Compression;
  /** Value of elements never written. */
  fillValue?: number | bigint | boolean | string;
}

/** What a dataset is: element type, current shape and layout. */
export interface DatasetDefinition extends DatasetLayout {
  /** Element type. */
  dtype: DType;
  /** Current extent of each axis (`[]` for a scalar). */
  shape: readonly number[];
}

/** A group, as `stat` reports it. */
export interface GroupInfo {
  /** Always `group`. */
  readonly kind: 'group';
  /** Absolute path. */
  readonly path: string;
}

/** A dataset, as `stat` reports it. */
export interface DatasetInfo extends DatasetDefinition {
  /** Always `dataset`. */
  readonly kind: 'dataset';
  /** Absolute path. */
  readonly path: string;
}

/**
 * A link, as `stat` reports it (links are never followed by `stat`). A soft link has only `target`,
 * an absolute path in the same file; an external link also has `file`, a path relative to this file.
 */
export interface LinkInfo {
  /** Always `link`. */
  readonly kind: 'link';
  /** Absolute path of the link itself. */
  readonly path: string;
  /** Absolute path the link points at. */
  readonly target: string;
  /** For an external link, the file holding the target. */
  readonly file?: string;
}

/** Whatever lives at a path. */
export type NodeInfo = GroupInfo | DatasetInfo | LinkInfo;

/** Where a link points: a path in this file, or in another file when `file` is set. */
export interface LinkTarget {
  /** Absolute path of the target. */
  target: string;
  /** The other file (relative to this one) for an external link. */
  file?: string;
}

/** What a backend can do beyond the interface's core; callers check these, never the format. */
export interface StorageCapabilities {
  /** Codecs `createDataset` accepts. */
  readonly compression: readonly Compression['codec'][];
  /**
   * Blosc's inner compressors (`compression.cname`) `createDataset` accepts, where it accepts
   * blosc; absent: any. writeTree writes data asking for another one uncompressed, with a warning.
   */
  readonly bloscCompressors?: readonly string[];
  /**
   * Whether variable-length text (text without `textLength`) can be compressed; absent: it can.
   * writeTree writes such text uncompressed, with a warning, where it cannot.
   */
  readonly textCompression?: boolean;
  /** Whether `compression.shuffle` is honoured together with a codec. */
  readonly shuffle: boolean;
  /** Whether external links can be created. */
  readonly externalLinks: boolean;
  /** Whether compound dtypes can be written. */
  readonly compound: boolean;
  /**
   * Whether region references (dtype `region`, also as compound fields) can be written. Writers
   * that cannot (hdmf-zarr has no layout for them) are given no such dataset by `writeTree`, which
   * leaves it out with a warning; an empty one is still written.
   */
  readonly regionReferences?: boolean;
  /**
   * Whether other readers of the format tell ASCII text from UTF-8 text; absent: they do. Where they
   * cannot (Zarr format 3 has one text type), `writeTree` writes ASCII datasets with a warning.
   */
  readonly asciiText?: boolean;
  /**
   * The largest dataset (in the estimated bytes of `arrayBytes`) stored in one piece when no chunk
   * shape is given; bigger ones are chunked (see `chunksFor`). Absent: any size.
   */
  readonly maxUnchunkedBytes?: number;
}

/** Options for {@link StorageBackend.readData}. */
export interface ReadOptions {
  /**
   * A typed array to read into, of the dataset's typed-array type and at least as long as the
   * selection. Reusing one buffer for many reads of the same size avoids an allocation per read.
   */
  out?: NdArray['data'];
}

/** The read side of a store: enough to walk a file and read any part of it. */
export interface StorageReader {
  /** The format's name, e.g. `hdf5` or `zarr`, for messages and reports. */
  readonly format: string;
  /** Where the store lives (a file path or URL), for messages. */
  readonly location: string;
  /** What this backend can do; check these instead of `format`. */
  readonly capabilities: StorageCapabilities;

  /** What is at `path` (without following a link there), or undefined if nothing is. */
  stat(path: string): Promise<NodeInfo | undefined>;
  /** Names of a group's children (groups, datasets and links), sorted. */
  list(path: string): Promise<string[]>;
  /**
   * Optional: what is the same for every path that reaches the group at `path`, where a format
   * lets one group sit at several paths (HDF5 hard links: its object address). Walkers use it to
   * see a group again, which is how a hard link that makes a cycle is told apart. Backends where
   * each group has one path leave it out.
   */
  groupIdentity?(path: string): Promise<string | undefined>;
  /** The attributes of a group or dataset; reserved storage attributes are not included. */
  readAttributes(path: string): Promise<Attributes>;
  /**
   * Reads part of a dataset. The result's shape is `hyperslabShape(slab)`; reading touches only
   * the chunks the selection needs.
   */
  readData(path: string, slab: Hyperslab, options?: ReadOptions): Promise<NdArray>;
  /**
   * Optional, with {@link storedChunks} and {@link readStoredChunk}: how the chunks of the dataset
   * at `path` are stored, when this reader can hand them out still encoded; undefined when it
   * cannot (contiguous or compact data, a codec or filter it does not name, chunks that skipped a
   * filter, data in other files, a non-numeric dtype). Conversion copies such chunks as they are
   * where the target stores the same encoding.
   */
  chunkEncoding?(path: string): Promise<ChunkEncoding | undefined>;
  /**
   * Optional (see {@link chunkEncoding}), for a dataset whose `chunkEncoding` is defined
   * (elsewhere it may throw): the grid index of every chunk of the dataset at `path` that was
   * written, in no particular order. A chunk not yielded was never written and reads as
   * the fill value. A store that cannot list its chunks may also yield indices of chunks that do
   * not exist (at worst the whole grid); {@link readStoredChunk} answers undefined for those.
   */
  storedChunks?(path: string): AsyncIterable<readonly number[]>;
  /**
   * Optional (see {@link chunkEncoding}): the stored bytes of the chunk at grid index `index`
   * (chunk coordinates, not element offsets), encoded as `chunkEncoding(path)` says; undefined
   * when the chunk was never written. Several calls may be in flight at once.
   */
  readStoredChunk?(path: string, index: readonly number[]): Promise<Uint8Array | undefined>;
  /**
   * Optional (see {@link chunkEncoding}): the stored bytes of several chunks at once, in the order
   * of `indices`, each what {@link readStoredChunk} would answer for it (undefined for a chunk
   * never written). A reader implements it where chunks that lie next to each other in storage
   * can be read with one request; the results may then be views of one shared buffer. Conversion
   * by copying chunks uses it, when present, to read many chunks per request. `into` is memory
   * the caller lends for the results: a reader may read chunks into it and hand them out as views
   * of it (so the caller lends it again only once done with them), or ignore it.
   */
  readStoredChunks?(
    path: string,
    indices: readonly (readonly number[])[],
    into?: Uint8Array,
  ): Promise<(Uint8Array | undefined)[]>;
  /** Releases the store. Further calls fail. For a writer, commits what was written. */
  close(): Promise<void>;
}

/**
 * The write side. A writer's output becomes visible at its target only when `close()` succeeds;
 * `abort()` (or a failed `close()`) leaves nothing at the target that looks like a complete file.
 */
export interface StorageWriter extends StorageReader {
  /** Creates a group (its parent must exist) with attributes. */
  createGroup(path: string, attributes?: Attributes): Promise<void>;
  /**
   * Creates a dataset (its parent must exist). With `data`, writes the whole content at once (the
   * data's shape must equal `definition.shape`); without, the dataset holds the fill value until
   * written with `writeData`.
   */
  createDataset(
    path: string,
    definition: DatasetDefinition,
    attributes?: Attributes,
    data?: NdArray,
  ): Promise<void>;
  /** Writes a block whose first element lands at `start`; the block's shape is `data.shape`. */
  writeData(path: string, start: readonly number[], data: NdArray): Promise<void>;
  /**
   * Optional, with {@link writeStoredChunk}: creates a dataset like `createDataset` without data,
   * whose chunks are stored encoded exactly as `encoding` says (its chunk shape and dtype are the
   * definition's), so that chunks read with `readStoredChunk` can be stored as they are. Answers
   * false, creating nothing, when this writer cannot store that encoding (a codec it cannot name,
   * a chunk shape or dtype that differs from the definition's); the caller then uses
   * `createDataset` and writes decoded data.
   */
  createEncodedDataset?(
    path: string,
    definition: DatasetDefinition,
    encoding: ChunkEncoding,
    attributes?: Attributes,
  ): Promise<boolean>;
  /**
   * Optional (see {@link createEncodedDataset}): stores the encoded bytes of the chunk at grid
   * index `index` of a dataset made with `createEncodedDataset`, as they are. Chunks never stored
   * stay unwritten (they read as the fill value). Several calls may be in flight at once. Settles
   * once the writer is done with `bytes` (the caller may then reuse that memory).
   */
  writeStoredChunk?(path: string, index: readonly number[], bytes: Uint8Array): Promise<void>;
  /**
   * Optional, a faster {@link writeStoredChunk} for several chunks of one dataset at once: each is
   * stored as one `writeStoredChunk` call would store it, at the writer's cost of one write rather
   * than one per chunk (a directory store writes the batch's files in one go). Settles once the
   * writer is done with every chunk's bytes. A failure names the chunk that failed; chunks before
   * it may be stored, and, as after any failed write, nothing is committed at close. Callers use
   * `writeStoredChunk` where a writer lacks this.
   */
  writeStoredChunks?(path: string, chunks: readonly EncodedChunk[]): Promise<void>;
  /** Changes a chunked dataset's shape, within its `maxShape`. */
  resize(path: string, shape: readonly number[]): Promise<void>;
  /** Sets (creates or replaces) one attribute of a group or dataset. */
  setAttribute(path: string, name: string, value: NdArray): Promise<void>;
  /** Creates a soft or external link at `path`. */
  createLink(path: string, target: LinkTarget): Promise<void>;
  /** Discards everything written; nothing is left at the target. */
  abort(): Promise<void>;
}

/** How a store is opened: read; create (failing if it exists); or create, replacing what is there. */
export type OpenMode = 'r' | 'w-' | 'w';
