/**
 * A read-only HDF5 storage backend in TypeScript alone: everything it knows of a file it reads
 * through a {@link ByteSource} (a local file, or an HTTP server answering range requests) with the
 * format reader of `../format/`, and it presents what it reads exactly as the h5wasm backend does.
 * Independent reads (the links of a group, the attributes of an object, chunks) are issued
 * together, so that over HTTP a read costs few round trips.
 */
import type { ArrayData, Attributes, DType, NdArray, NumericDType, StorageReader } from '@nwbjs/core';
import type { ChunkEncoding, Hyperslab, NodeInfo, ReadOptions } from '@nwbjs/core/backend';
import { UnsupportedError, isNWBError, isNumericDType, shapeSize } from '@nwbjs/core';
import {
  PromiseCache,
  baseName,
  checkSelection,
  emptyAttributes,
  hyperslabShape,
  normalizePath,
  parentPath,
} from '@nwbjs/core/backend';
import { platform } from '#platform';
import { BOOL_ATTRS_MARKER, DTYPE_MARKER, isReservedAttribute } from '../bool-marker.js';
import { HDF5_CAPABILITIES } from '../capabilities.js';
import { FORMAT, backendError, notFound, wrapError } from '../errors.js';
import type { FilterDecoders, Inflate } from '../fast-read/decode-chunk.js';
import { SlabReader } from '../fast-read/slab-reader.js';
import { StoredChunks } from '../fast-read/stored-chunks.js';
import type { AttributeStructure } from '../format/attribute.js';
import type { ByteSource } from '../format/byte-source.js';
import type { DatasetStructure } from '../format/dataset.js';
import { CorruptStructureError, UnreadStructureError } from '../format/errors.js';
import { Hdf5Structure, guardFormat } from '../format/hdf5-structure.js';
import type { Link } from '../format/links.js';
import { compressionOf } from '../layout.js';
import type { Hdf5DatasetInfo } from '../read.js';
import { emptyData } from '../read.js';
import { dtypeOfDatatype } from './dtype.js';
import { type ElementContext, decodeElements, isFixedNumeric, numericTarget } from './elements.js';
import { streamInflate } from './inflate.js';
import { ObjectPaths } from './object-paths.js';

/** Options of {@link Hdf5FormatReader.open}. */
export interface Hdf5FormatReaderOptions {
  /** The file's size in bytes, when known (bounds the search for the superblock). */
  size?: number;
  /** Where the file lives (a path or URL), for messages; default `'bytes'`. */
  location?: string;
  /**
   * Inflates zlib-wrapped deflate data (gzip-compressed chunks). Default: Node's zlib in Node,
   * the web's DecompressionStream elsewhere.
   */
  inflate?: Inflate;
  /**
   * Decoders of HDF5 filters beyond the built-in deflate, shuffle, fletcher32 and LZF, by filter
   * id (e.g. 32001 Blosc, 32015 Zstd): data passed through any other filter raises
   * UnsupportedError.
   */
  filterDecoders?: FilterDecoders;
}

/** What a path names, without following a link there. */
type Entry =
  | { readonly kind: 'group' | 'dataset' | 'other'; readonly address: number }
  | { readonly kind: 'soft'; readonly target: string }
  | { readonly kind: 'external'; readonly target: string; readonly file: string };

/** A group or dataset a path leads to (soft links followed). */
interface Target {
  readonly path: string;
  readonly kind: 'group' | 'dataset';
  readonly address: number;
}

/** Soft links followed to reach a target, at most (as the h5wasm backend). */
const MAX_HOPS = 8;

/** Filter names HDF5 reports for the filters it registers itself (a version-2 pipeline stores none). */
const FILTER_NAMES: Record<number, string> = {
  1: 'deflate',
  2: 'shuffle',
  3: 'fletcher32',
  4: 'szip',
  5: 'nbit',
  6: 'scaleoffset',
};

/** A numeric chunked dataset whose chunks are handed out as stored. */
interface ChunkSource {
  readonly encoding: ChunkEncoding;
  /** The dataset's own path (where `stat` found it). */
  readonly path: string;
  readonly dtype: NumericDType;
  readonly shape: readonly number[];
}

/**
 * An HDF5 file read through a {@link ByteSource}, as a {@link StorageReader}: no h5wasm, so it runs
 * wherever positioned reads can be made, and over HTTP range requests. Reads what the h5wasm
 * backend reads and gives the same values: text as text (fixed-length text with its
 * `textLength`), bools (h5py's enum and this package's markers), compounds, object and region
 * references, enums as their integers. Chunks compressed with anything but deflate or LZF (with shuffle
 * and fletcher32) raise an UnsupportedError naming the dataset, as do datatypes nwbjs has no
 * dtype for. Open one with {@link Hdf5FormatReader.open}.
 */
export class Hdf5FormatReader implements StorageReader {
  readonly format = FORMAT;
  readonly capabilities = HDF5_CAPABILITIES;
  /** Where the file lives, for messages. */
  readonly location: string;
  readonly #structure: Hdf5Structure;
  readonly #slabs: SlabReader;
  // Found once; a failure is not kept, so asking again reads again.
  readonly #entries = new PromiseCache<string, Entry | undefined>();
  readonly #linkNames = new PromiseCache<number, Map<string, Link>>();
  readonly #dtypes = new PromiseCache<number, DType>();
  readonly #objectPaths: ObjectPaths;
  readonly #storedChunks: StoredChunks;
  /** Per dataset path: its chunks as stored, where they can be handed out. */
  readonly #chunkSources = new PromiseCache<string, ChunkSource | undefined>();
  #closed = false;

  private constructor(
    structure: Hdf5Structure,
    source: ByteSource,
    location: string,
    inflate: Inflate,
    decoders: FilterDecoders,
  ) {
    this.#structure = structure;
    this.location = location;
    this.#slabs = new SlabReader(structure, source, inflate, decoders);
    this.#objectPaths = new ObjectPaths(structure);
    this.#storedChunks = new StoredChunks(structure, source);
  }

  /**
   * Opens the HDF5 file `source` reads (reading its superblock). InvalidFileError if it is not
   * HDF5 or is damaged. The source stays its owner's: `close()` does not close it.
   */
  static async open(source: ByteSource, options: Hdf5FormatReaderOptions = {}): Promise<Hdf5FormatReader> {
    const location = options.location ?? 'bytes';
    const structure = await guardFormat(location, 'opening the file', () =>
      Hdf5Structure.open(source, options.size),
    );
    const inflate = options.inflate ?? platform.fastReads?.inflate ?? streamInflate;
    return new Hdf5FormatReader(structure, source, location, inflate, options.filterDecoders ?? {});
  }

  async stat(rawPath: string): Promise<NodeInfo | undefined> {
    return this.#guard(rawPath, 'stat', async () => {
      const path = normalizePath(rawPath);
      if (path === undefined) return undefined;
      const entry = await this.#entry(path);
      switch (entry?.kind) {
        case 'group':
          return { kind: 'group', path };
        case 'dataset':
          return this.#datasetInfo(path, entry.address);
        case 'soft':
          return { kind: 'link', path, target: entry.target };
        case 'external':
          return { kind: 'link', path, target: entry.target, file: entry.file };
        default:
          // Named datatypes are not part of the storage model.
          return undefined;
      }
    });
  }

  async list(rawPath: string): Promise<string[]> {
    return this.#guard(rawPath, 'list', async () => {
      const target = await this.#target(rawPath);
      if (target === undefined) throw notFound(rawPath);
      if (target.kind !== 'group') throw notFound(rawPath, 'is not a group');
      return [...(await this.#links(target.address)).keys()].sort();
    });
  }

  /** The group's object header address (hex, as the h5wasm backend gives it): the same through every hard link. */
  async groupIdentity(rawPath: string): Promise<string | undefined> {
    return this.#guard(rawPath, 'finding the group', async () => {
      const target = await this.#target(rawPath);
      if (target === undefined) return undefined;
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(target.address), true);
      return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    });
  }

  async readAttributes(rawPath: string): Promise<Attributes> {
    return this.#guard(rawPath, 'reading attributes', async () => {
      const target = await this.#target(rawPath);
      if (target === undefined) throw notFound(rawPath);
      const { path, address } = target;
      const stored = await this.#structure.attributesAt(address);
      const values = await Promise.all(stored.map((a) => this.#attributeValue(path, a)));
      const marker = values.findIndex((_, i) => stored[i]!.name === BOOL_ATTRS_MARKER);
      const boolNames = new Set(marker < 0 ? [] : (values[marker]!.data as string[]));
      const attrs = emptyAttributes();
      stored.forEach((a, i) => {
        if (isReservedAttribute(a.name)) return;
        const value = values[i]!;
        attrs[a.name] =
          boolNames.has(a.name) && value.dtype === 'uint8' ? { ...value, dtype: 'bool' } : value;
      });
      return attrs;
    });
  }

  async readData(rawPath: string, slab: Hyperslab, options: ReadOptions = {}): Promise<NdArray> {
    return this.#guard(rawPath, 'reading data', async () => {
      const target = await this.#target(rawPath);
      if (target === undefined) throw notFound(rawPath);
      if (target.kind !== 'dataset') throw notFound(rawPath, 'is not a dataset');
      const { path, address } = target;
      const dataset = await this.#structure.datasetAt(address);
      const dtype = await this.#datasetDType(path, dataset);
      const shape = shapeOf(dataset);
      checkSelection(path, shape, slab);
      const outShape = hyperslabShape(slab);
      const count = shapeSize(slab.count);
      if (count === 0) return { dtype, shape: outShape, data: emptyData(dtype, options.out) };
      const type = dataset.datatype;
      const selection = shape.length === 0 ? { start: [], count: [], step: [] } : slab;
      if (
        isFixedNumeric(dtype) &&
        type.littleEndian &&
        numericTarget(dtype, 0).BYTES_PER_ELEMENT === type.size
      ) {
        // Stored elements are the typed array's: read straight into it.
        const data = numericTarget(dtype, count, options.out);
        await this.#slabs.read(
          path,
          dataset,
          shape,
          selection,
          new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        );
        return { dtype, shape: outShape, data };
      }
      const bytes = new Uint8Array(count * type.size);
      await this.#slabs.read(path, dataset, shape, selection, bytes);
      const data = await decodeElements(bytes, count, type, dtype, this.#context(path), options.out);
      return { dtype, shape: outShape, data, ...(type.class === 'string' ? { textLength: type.size } : {}) };
    });
  }

  /**
   * How the dataset's chunks are stored, when they can be handed out as they are (numeric chunked
   * data whose pipeline is deflate and shuffle: see `fast-read/stored-chunks.ts`), so that
   * conversion copies them without decoding. Undefined only for a dataset whose structure cannot be
   * copied; a failed read of the file (HTTP error, timeout, abort) or a corrupt structure rejects,
   * naming the dataset.
   */
  async chunkEncoding(rawPath: string): Promise<ChunkEncoding | undefined> {
    return (await this.#chunkSource(rawPath))?.encoding;
  }

  async *storedChunks(rawPath: string): AsyncGenerator<readonly number[]> {
    const source = await this.#requireChunkSource(rawPath);
    const indices = await this.#guard(rawPath, 'listing stored chunks', async () => {
      const found: (readonly number[])[] = [];
      for await (const index of this.#storedChunks.indices(source.path, source.dtype, source.shape))
        found.push(index);
      return found;
    });
    yield* indices;
  }

  async readStoredChunk(rawPath: string, index: readonly number[]): Promise<Uint8Array | undefined> {
    const source = await this.#requireChunkSource(rawPath);
    return this.#guard(rawPath, 'reading a stored chunk', () =>
      this.#storedChunks.read(source.path, source.dtype, source.shape, index),
    );
  }

  /**
   * Several chunks' stored bytes; chunks next to each other in the file are read with one read of
   * the source (over HTTP: one Range request). `into` is not used: the source returns new memory.
   */
  async readStoredChunks(
    rawPath: string,
    indices: readonly (readonly number[])[],
  ): Promise<(Uint8Array | undefined)[]> {
    const source = await this.#requireChunkSource(rawPath);
    return this.#guard(rawPath, 'reading stored chunks', () =>
      this.#storedChunks.readMany(source.path, source.dtype, source.shape, indices),
    );
  }

  /** Marks the reader closed; further calls fail. The byte source is left to its owner. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  /**
   * The dataset's stored chunks, where they can be handed out; found once per path (a failure is
   * not kept, so asking again reads again).
   */
  #chunkSource(rawPath: string): Promise<ChunkSource | undefined> {
    return this.#chunkSources.get(rawPath, () =>
      this.#guard(rawPath, 'finding stored chunks', async () => {
        const info = await this.stat(rawPath);
        if (info?.kind !== 'dataset' || !isNumericDType(info.dtype) || info.shape.length === 0)
          return undefined;
        const encoding = await this.#storedChunks.encoding(info.path, info.dtype, info.shape);
        return encoding === undefined
          ? undefined
          : { encoding, path: info.path, dtype: info.dtype, shape: info.shape };
      }),
    );
  }

  async #requireChunkSource(rawPath: string): Promise<ChunkSource> {
    const source = await this.#chunkSource(rawPath);
    if (source === undefined)
      throw new UnsupportedError('its chunks cannot be handed out as they are stored', {
        path: rawPath,
        feature: 'stored-chunks',
        backend: FORMAT,
      });
    return source;
  }

  async #datasetInfo(path: string, address: number): Promise<Hdf5DatasetInfo> {
    const dataset = await this.#structure.datasetAt(address);
    const info: Hdf5DatasetInfo = {
      kind: 'dataset',
      path,
      dtype: await this.#datasetDType(path, dataset),
      shape: shapeOf(dataset),
    };
    const { layout, dataspace, filters } = dataset;
    if (layout.kind !== 'chunked') return info;
    const withLayout: Hdf5DatasetInfo = {
      ...info,
      chunks: [...layout.chunkShape],
      maxShape: [...dataspace.maxShape],
    };
    if (filters.length === 0) return withLayout;
    const compression = compressionOf(filters.map((f) => ({ id: f.id, cd_values: [...f.values] })));
    return {
      ...withLayout,
      filters: filters.map((f) => ({ id: f.id, name: f.name ?? FILTER_NAMES[f.id] ?? '' })),
      ...(compression === undefined ? {} : { compression }),
    };
  }

  /** A dataset's dtype; uint8 datasets this package wrote for bools (marked so) read as bool. */
  #datasetDType(path: string, dataset: DatasetStructure): Promise<DType> {
    return this.#dtypes.get(dataset.address, async () => {
      const dtype = dtypeOfDatatype(dataset.datatype, path);
      if (dtype !== 'uint8') return dtype;
      const marker = (await this.#structure.attributesAt(dataset.address)).find(
        (a) => a.name === DTYPE_MARKER,
      );
      if (marker === undefined) return dtype;
      const value = await this.#attributeValue(path, marker);
      return (value.data as string[])[0] === 'bool' ? 'bool' : dtype;
    });
  }

  async #attributeValue(path: string, attribute: AttributeStructure): Promise<NdArray> {
    const where = `${path}@${attribute.name}`;
    const { datatype, dataspace } = attribute;
    const dtype = dtypeOfDatatype(datatype, where);
    // A null dataspace (h5py's Empty) holds nothing; it reads as an empty 1-D array.
    const shape = dataspace.kind === 'null' ? [0] : [...dataspace.shape];
    const count = dataspace.kind === 'null' ? 0 : shapeSize(shape);
    if (count === 0) return { dtype, shape, data: emptyData(dtype) };
    const data: ArrayData = await decodeElements(
      attribute.data,
      count,
      datatype,
      dtype,
      this.#context(where),
    );
    return { dtype, shape, data, ...(datatype.class === 'string' ? { textLength: datatype.size } : {}) };
  }

  #context(path: string): ElementContext {
    return { structure: this.#structure, path, pathOf: (address) => this.#objectPaths.pathOf(address) };
  }

  /** The links of a group by name (read once). */
  #links(address: number): Promise<Map<string, Link>> {
    return this.#linkNames.get(address, async () => {
      const links = await this.#structure.linksAt(address);
      return new Map(links.map((l) => [l.name, l]));
    });
  }

  /**
   * What the normalized `path` names. As in the h5wasm backend, every component before the last
   * must be a group reached by hard links: soft links are followed only at the end of a path.
   */
  #entry(path: string): Promise<Entry | undefined> {
    return this.#entries.get(path, () => this.#findEntry(path));
  }

  async #findEntry(path: string): Promise<Entry | undefined> {
    if (path === '/') return { kind: 'group', address: this.#structure.superblock.root };
    const parent = await this.#entry(parentPath(path));
    if (parent?.kind !== 'group') return undefined;
    const link = (await this.#links(parent.address)).get(baseName(path));
    if (link === undefined) return undefined;
    if (link.kind === 'soft') return { kind: 'soft', target: link.target };
    if (link.kind === 'external') return { kind: 'external', target: link.target, file: link.file };
    return { kind: await this.#structure.kindAt(link.address), address: link.address };
  }

  /** The group or dataset `rawPath` leads to, soft links followed, or undefined. */
  async #target(rawPath: string): Promise<Target | undefined> {
    let path = normalizePath(rawPath);
    for (let hops = 0; path !== undefined; hops++) {
      const entry = await this.#entry(path);
      if (entry === undefined) return undefined;
      if (entry.kind === 'group' || entry.kind === 'dataset')
        return { path, kind: entry.kind, address: entry.address };
      if (entry.kind !== 'soft' || hops >= MAX_HOPS) return undefined;
      path = normalizePath(entry.target);
    }
    return undefined;
  }

  /** Runs `fn`, turning format errors into nwbjs errors about `path`. */
  async #guard<T>(path: string, what: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw backendError(path, `${what}: the file is closed`);
    try {
      return await guardFormat(path, what, fn);
    } catch (error) {
      if (isNWBError(error)) throw error;
      if (error instanceof CorruptStructureError || error instanceof UnreadStructureError) throw error;
      throw wrapError(error, path, what);
    }
  }
}

/** A dataset's extent as the storage interface gives it (`[0]` for a null dataspace). */
function shapeOf(dataset: DatasetStructure): number[] {
  return dataset.dataspace.kind === 'null' ? [0] : [...dataset.dataspace.shape];
}
