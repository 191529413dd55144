/**
 * ZarrBackend: the storage interface over an hdmf-zarr (<= 0.13, Zarr format 2) store, on disk, in
 * a Map or over HTTP. Metadata is parsed lazily per node when reading (consolidated metadata saves
 * requests on remote stores) and kept in memory when writing, then stored with a complete
 * `.zmetadata` at close. Chunks are read and written directly, a bounded number at a time.
 */
import type { AbsolutePath } from '@zarrita/storage';
import type {
  Attributes,
  CompoundDType,
  CompoundRow,
  DatasetDefinition,
  DatasetInfo,
  Hyperslab,
  LinkTarget,
  NdArray,
  NodeInfo,
  NumericArray,
  ObjectRef,
  ReadOptions,
  StorageCapabilities,
  StorageWriter,
} from '@nwbjs/core';
import {
  BackendError,
  InvalidFileError,
  NotFoundError,
  UnsupportedError,
  ValidationError,
  checkBlock,
  checkDefinition,
  checkSelection,
  checkWholeData,
  chunksFor,
  baseName,
  emptyAttributes,
  holdsRegionReferences,
  hyperslabShape,
  isCompoundDType,
  isObjectRef,
  isNumericDType,
  isNWBError,
  isTextDType,
  joinPath,
  parentPath,
  shapeSize,
  typedArrayFor,
} from '@nwbjs/core';
import { BLOSC_CNAMES, SUPPORTED_CODECS, compressionFromMetadata, compressionMetadata } from './codecs.js';
import type { ChunkValues } from './conventions/elements.js';
import { decodeElements, encodeElements } from './conventions/elements.js';
import { RESERVED_ATTRIBUTES, attributeFromJson, attributeToJson } from './conventions/attributes.js';
import type { JsonOut, JsonValue } from './conventions/json.js';
import { JsonNumber, parseJson, stringifyJson } from './conventions/json.js';
import { linksToJson } from './conventions/links.js';
import { referenceFromStored, storedReference } from './conventions/references.js';
import { storageOf } from './conventions/zarr-dtype.js';
import { rowsFromStored, rowsToStored } from './conventions/compound.js';
import { axisParts, chunkRun, combinations, copyBlock, forEachLimit, strides } from './chunk-grid.js';
import { ChunkWriteQueue } from './chunk-queue.js';
import type { ArrayRecord, GroupRecord, NodeRecord } from './metadata.js';
import { arrayRecord, codecsOf, groupRecord, zarrayJson, zgroupJson } from './metadata.js';
import { readMetadataJson } from './stores/consolidated.js';
import { checkName, checkStorePath, isSafeName, keyOf } from './stores/keys.js';
import type { StagingStore, ZarrStore } from './stores/store.js';
import { isListable, prefixOf, storeName } from './stores/store.js';

/** Chunks fetched/decoded (reading) or encoded/stored (writing) at once by default: bounds memory, fills the cores. */
export const DEFAULT_CHUNK_CONCURRENCY = 8;
/** Unencoded bytes of chunks being written at once, at most (one chunk always goes). */
const MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

const CAPABILITIES: StorageCapabilities = {
  compression: SUPPORTED_CODECS,
  bloscCompressors: BLOSC_CNAMES,
  shuffle: true,
  externalLinks: true,
  compound: true,
  regionReferences: false,
  // Arrays up to this size get a single chunk when no chunk shape is given.
  maxUnchunkedBytes: 16 * 1024 * 1024,
};

/** How a backend was opened; see {@link openZarr}. */
export interface ZarrBackendInit {
  /**
   * The store read from: one that lists itself (a directory, a Map) or one wrapped with its
   * consolidated metadata (`withConsolidatedIndex`), which then answers metadata and listing.
   */
  readonly store: ZarrStore;
  /** Present when writing: where chunks and, at close, metadata go. */
  readonly staging?: StagingStore;
  /** Where the store lives (a directory, a URL, `memory`), for messages; the store's own name by default. */
  readonly location?: string;
  /**
   * True when each `get` of the store returns a new buffer nothing else holds (a file just read, a
   * response body), so a read of exactly one chunk can hand the chunk's bytes to the caller
   * without a copy. Leave it unset for stores that return values they keep (a Map does).
   */
  readonly freshValues?: boolean;
  /** Chunks read or written at once (default {@link DEFAULT_CHUNK_CONCURRENCY}). */
  readonly chunkConcurrency?: number;
}

/** The Zarr (hdmf-zarr, format 2) implementation of the storage interface. */
export class ZarrBackend implements StorageWriter {
  readonly format = 'zarr';
  readonly capabilities = CAPABILITIES;
  readonly location: string;
  readonly #store: ZarrStore;
  readonly #staging: StagingStore | undefined;
  readonly #freshValues: boolean;
  readonly #cache = new Map<string, Promise<NodeRecord | undefined>>();
  /** Writer: every node, and each group's children in creation order. */
  readonly #nodes = new Map<string, NodeRecord>();
  readonly #children = new Map<string, Set<string>>();
  readonly #concurrency: number;
  /** Writer: chunks being encoded and stored after their writeData call returned. */
  readonly #queue: ChunkWriteQueue | undefined;
  #closed = false;
  #failed = false;

  /** Use {@link openZarr}. */
  constructor(init: ZarrBackendInit) {
    this.#store = init.staging ?? init.store;
    this.#staging = init.staging;
    this.#freshValues = init.freshValues === true;
    this.location = init.location ?? storeName(init.store);
    this.#concurrency = Math.max(1, Math.floor(init.chunkConcurrency ?? DEFAULT_CHUNK_CONCURRENCY));
    this.#queue =
      this.#staging === undefined
        ? undefined
        : new ChunkWriteQueue({ limit: this.#concurrency, maxBytes: MAX_IN_FLIGHT_BYTES });
    if (this.#staging !== undefined) {
      const root: GroupRecord = {
        kind: 'group',
        path: '/',
        attrs: new Map(),
        links: new Map(),
        attributeDTypes: new Map(),
      };
      this.#nodes.set('/', root);
      this.#children.set('/', new Set());
    }
  }

  /** True when opened for writing. */
  get writable(): boolean {
    return this.#staging !== undefined;
  }

  // ---------------------------------------------------------------- reading

  async stat(path: string): Promise<NodeInfo | undefined> {
    this.#checkOpen(path);
    checkStorePath(path, path);
    if (path !== '/') {
      const parent = await this.#record(parentPath(path));
      if (parent?.kind !== 'group') return undefined;
      const link = parent.links.get(baseName(path));
      if (link !== undefined) return { kind: 'link', path, ...link.target };
    }
    const record = await this.#record(path);
    if (record === undefined) return undefined;
    return record.kind === 'group' ? { kind: 'group', path } : datasetInfo(record);
  }

  async list(path: string): Promise<string[]> {
    this.#checkOpen(path);
    const record = await this.#requireRecord(path);
    if (record.kind !== 'group') throw new NotFoundError('not a group', { path });
    const names = new Set<string>(record.links.keys());
    if (this.writable) {
      for (const name of this.#children.get(path) ?? []) names.add(name);
    } else {
      for (const name of await this.#storedChildren(path)) names.add(name);
    }
    return [...names].sort();
  }

  async readAttributes(path: string): Promise<Attributes> {
    this.#checkOpen(path);
    const record = await this.#requireRecord(path);
    const out = emptyAttributes();
    for (const [name, value] of record.attrs) {
      if (RESERVED_ATTRIBUTES.has(name)) continue;
      out[name] = attributeFromJson(value, name, path, path === '/', record.attributeDTypes.get(name));
    }
    return out;
  }

  async readData(path: string, slab: Hyperslab, options: ReadOptions = {}): Promise<NdArray> {
    this.#checkOpen(path);
    const record = await this.#requireArray(path);
    checkSelection(path, record.scalar ? [] : record.shape, slab);
    const start = record.scalar ? [0] : [...slab.start];
    const count = record.scalar ? [1] : [...slab.count];
    const step = record.scalar ? [1] : [...slab.step];
    const size = shapeSize(count);
    const perAxis = count.map((c, axis) => axisParts(start[axis]!, c, step[axis]!, record.chunks[axis]!));
    const chunkCount = shapeSize(record.chunks);
    const shape = record.scalar ? [] : hyperslabShape(slab);
    const touched = perAxis.reduce((n, p) => n * p.length, 1);
    // A selection of exactly one whole chunk (a frame of a one-frame-per-chunk movie) is the
    // decoded chunk itself when nobody else holds its bytes: no output buffer, no copy.
    if (
      touched === 1 &&
      options.out === undefined &&
      record.element.kind === 'numeric' &&
      size === chunkCount
    ) {
      const chunk =
        (await this.#readChunk(
          record,
          perAxis.map((p) => p[0]!.chunk),
          chunkCount,
          'own',
        )) ?? this.#fillChunk(record, chunkCount);
      return { dtype: record.dtype, shape, data: chunk as NumericArray };
    }
    const out = this.#output(record, size, options.out, path);
    await forEachLimit(combinations(perAxis), Math.min(touched, this.#concurrency), async (parts) => {
      const index = parts.map((p) => p.chunk);
      const chunk =
        (await this.#readChunk(record, index, chunkCount, 'share')) ?? this.#fillChunk(record, chunkCount);
      copyBlock(
        chunk,
        record.chunks,
        parts.map((p) => p.inChunk),
        step,
        out as unknown as { [i: number]: unknown; length: number },
        count,
        parts.map((p) => p.outStart),
        parts.map((p) => p.count),
      );
    });
    const data = await this.#neutralValues(record, out, path);
    return record.element.kind === 'fixed-text' && record.element.encoding === 'S' && record.dtype === 'ascii'
      ? { dtype: record.dtype, shape, data, textLength: record.element.length }
      : { dtype: record.dtype, shape, data };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#staging === undefined) return;
    const pending = this.#queue!;
    await pending.settle();
    if (this.#failed || pending.failure !== undefined) {
      await this.#staging.abort();
      const cause = pending.failure?.error;
      if (cause !== undefined && !this.#failed) throw cause;
      throw new BackendError('an earlier write failed; nothing was committed', {
        path: '/',
        backend: 'zarr',
        ...(cause === undefined ? {} : { cause }),
      });
    }
    try {
      await this.#writeMetadata(this.#staging);
      await this.#staging.commit();
    } catch (cause) {
      await this.#staging.abort().catch(() => undefined);
      if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new BackendError(`${this.location} already exists`, { path: '/', backend: 'zarr', cause });
      }
      if ((cause as NodeJS.ErrnoException).code === 'ENOTSTORE') {
        throw new BackendError((cause as Error).message, { path: '/', backend: 'zarr', cause });
      }
      throw isNWBError(cause)
        ? cause
        : new BackendError('could not commit the store', { path: '/', backend: 'zarr', cause });
    }
  }

  async abort(): Promise<void> {
    this.#closed = true;
    // Chunks still being written must land before the staging area is removed, or they recreate it.
    await this.#queue?.settle();
    await this.#staging?.abort();
  }

  // ---------------------------------------------------------------- writing

  async createGroup(path: string, attributes: Attributes = {}): Promise<void> {
    this.#checkWritable(path);
    this.#claim(path);
    const record: GroupRecord = {
      kind: 'group',
      path,
      attrs: new Map(),
      links: new Map(),
      attributeDTypes: new Map(),
    };
    this.#add(record);
    for (const [name, value] of Object.entries(attributes)) await this.setAttribute(path, name, value);
  }

  async createDataset(
    path: string,
    definition: DatasetDefinition,
    attributes: Attributes = {},
    data?: NdArray,
  ): Promise<void> {
    this.#checkWritable(path);
    const { dtype, shape } = definition;
    checkDefinition(path, definition);
    if (data !== undefined) checkWholeData(path, definition, data);
    this.#claim(path);
    const scalar = shape.length === 0;
    const isSpec = path.startsWith('/specifications/') && isTextDType(dtype) && scalar;
    if (scalar && isCompoundDType(dtype)) {
      throw new UnsupportedError('a scalar compound dataset has no hdmf-zarr layout', {
        path,
        feature: 'compound-scalar',
        backend: 'zarr',
      });
    }
    const storage = storageOf(dtype, path, isSpec && dtype === 'utf8', data?.textLength);
    const itemSize =
      storage.codec.kind === 'numeric' || storage.codec.kind === 'structured' ? storage.codec.itemSize : 8;
    if (definition.compression !== undefined && !SUPPORTED_CODECS.includes(definition.compression.codec)) {
      throw new UnsupportedError(
        `compression ${definition.compression.codec} is not supported by the Zarr backend`,
        {
          path,
          feature: `compression:${definition.compression.codec}`,
          backend: 'zarr',
        },
      );
    }
    const compression = isSpec ? undefined : definition.compression;
    const { compressor, filters: byteFilters } = compressionMetadata(compression, itemSize, path);
    const storedShape = scalar ? [1] : [...shape];
    // One chunk for the whole array unless core decides it needs chunks.
    const chunks = scalar ? [1] : (chunksFor(definition, CAPABILITIES) ?? shape.map((d) => Math.max(1, d)));
    const maxShape = definition.maxShape === undefined || scalar ? undefined : [...definition.maxShape];
    const filtersJson: JsonOut =
      storage.codec.kind === 'object' ? storage.filters : byteFilters.length > 0 ? byteFilters : null;
    const record: ArrayRecord = {
      kind: 'array',
      path,
      shape: storedShape,
      chunks,
      scalar,
      dtype,
      rawDType: toJsonValue(storage.zarrayDType),
      element: storage.codec,
      separator: '.',
      fill: toJsonValue(
        storage.codec.kind === 'structured'
          ? zeroRecordJson(storage.codec.itemSize)
          : storage.codec.kind === 'fixed-text'
            ? '' // zarr-python's fill for `S<n>`: the base64 of no bytes
            : fillJson(definition.fillValue, dtype),
      ),
      compressor: toJsonValue(compressor),
      filters: toJsonValue(filtersJson),
      maxShape,
      attrs: new Map([['zarr_dtype', scalar ? 'scalar' : toJsonValue(storage.zarrDType)]]),
      attributeDTypes: new Map(),
    };
    this.#add(record);
    for (const [name, value] of Object.entries(attributes)) await this.setAttribute(path, name, value);
    if (data !== undefined && shapeSize(shape) > 0)
      await this.writeData(
        path,
        shape.map(() => 0),
        data,
      );
  }

  async writeData(path: string, start: readonly number[], data: NdArray): Promise<void> {
    this.#checkWritable(path);
    const record = this.#nodes.get(path);
    if (record?.kind !== 'array') throw new NotFoundError('no such dataset', { path });
    checkBlock(path, { dtype: record.dtype, shape: record.scalar ? [] : record.shape }, start, data);
    const blockStart = record.scalar ? [0] : [...start];
    const blockShape = record.scalar ? [1] : [...data.shape];
    const values = this.#storedValues(record, data);
    const perAxis = blockShape.map((c, axis) => axisParts(blockStart[axis]!, c, 1, record.chunks[axis]!));
    const chunkCount = shapeSize(record.chunks);
    const ones = blockShape.map(() => 1);
    const blockStrides = strides(blockShape);
    const numeric =
      record.element.kind === 'numeric' && ArrayBuffer.isView(values) ? (values as NumericArray) : undefined;
    const queue = this.#queue!;
    try {
      // Chunks are cut out one after another and handed to the write-behind queue, which encodes
      // and stores several at once; this call returns once the last is handed over, so the next
      // block is prepared while earlier chunks still compress.
      //
      // Because this call returns while chunks are still queued, compressing or being written, a
      // queued chunk is never a view of the caller's data: the caller may refill its buffer as soon
      // as the call resolves (a DataStream may yield one reused buffer; writeTree awaits each
      // writeData before asking for the next slab). Each chunk is therefore copied exactly once,
      // into a buffer of its own: with one set() when the chunk is a contiguous run of the block
      // (whole frames into one-frame chunks), else with copyBlock into a filled chunk. From then on
      // the chunk is ours, so it goes to the encoder and the store without another copy, and a
      // store may keep it. (Passing views and waiting for their writes instead would stall the
      // caller on every call, and a stream of single frames would lose its compression overlap.)
      for (const parts of combinations(perAxis)) {
        const index = parts.map((p) => p.chunk);
        const key = this.#chunkKey(record, index);
        const run =
          numeric === undefined ? undefined : chunkRun(parts, record.chunks, blockShape, blockStrides);
        let chunk: ChunkValues;
        if (run !== undefined && record.element.kind === 'numeric') {
          // Not slice(): on a Node Buffer that is a view, not a copy.
          const copy = new (typedArrayFor(record.element.dtype))(chunkCount);
          (copy as unknown as { set(from: ArrayLike<unknown>): void }).set(
            numeric!.subarray(run, run + chunkCount),
          );
          chunk = copy as NumericArray;
        } else {
          const full = parts.every(
            (p, axis) =>
              p.inChunk === 0 &&
              p.count ===
                Math.min(record.chunks[axis]!, record.shape[axis]! - index[axis]! * record.chunks[axis]!),
          );
          chunk =
            (full ? undefined : await this.#readChunk(record, index, chunkCount, 'own')) ??
            this.#fillChunk(record, chunkCount);
          copyBlock(
            values as unknown as { [i: number]: unknown; length: number },
            blockShape,
            parts.map((p) => p.outStart),
            ones,
            chunk as unknown as { [i: number]: unknown; length: number },
            record.chunks,
            parts.map((p) => p.inChunk),
            parts.map((p) => p.count),
          );
        }
        const bytes =
          record.element.kind === 'numeric' || record.element.kind === 'structured'
            ? chunkCount * record.element.itemSize
            : chunkCount * 16;
        await queue.add(key, bytes, () => this.#writeChunk(record, index, chunk));
      }
    } catch (error) {
      this.#failed = true;
      throw isNWBError(error)
        ? error
        : new BackendError('writing failed', { path, backend: 'zarr', cause: error });
    }
  }

  async resize(path: string, shape: readonly number[]): Promise<void> {
    this.#checkWritable(path);
    const record = this.#nodes.get(path);
    if (record?.kind !== 'array') throw new NotFoundError('no such dataset', { path });
    if (record.scalar || shape.length !== record.shape.length)
      throw new ValidationError('resize cannot change the rank', { path, rule: 'resize-rank' });
    shape.forEach((d, axis) => {
      const max = record.maxShape?.[axis];
      if (!Number.isSafeInteger(d) || d < 0 || (max !== undefined && max !== null && d > max)) {
        throw new ValidationError(`shape [${shape.join(', ')}] exceeds maxShape`, {
          path,
          rule: 'max-shape',
        });
      }
    });
    record.shape = [...shape];
  }

  async setAttribute(path: string, name: string, value: NdArray): Promise<void> {
    this.#checkWritable(path);
    const record = this.#nodes.get(path);
    if (record === undefined) throw new NotFoundError('no such group or dataset', { path });
    if (RESERVED_ATTRIBUTES.has(name) || name.length === 0)
      throw new ValidationError(`attribute name ${name} is reserved`, { path, rule: 'attribute-name' });
    const { json, dtypeNote } = attributeToJson(value, name, path, path === '/', this.#rootObjectId());
    record.attrs.set(name, toJsonValue(json));
    if (dtypeNote === undefined) record.attributeDTypes.delete(name);
    else record.attributeDTypes.set(name, dtypeNote);
  }

  async createLink(path: string, target: LinkTarget): Promise<void> {
    this.#checkWritable(path);
    checkStorePath(target.target, path);
    this.#claim(path);
    const parent = this.#nodes.get(parentPath(path)) as GroupRecord;
    parent.links.set(baseName(path), {
      name: baseName(path),
      target: target.file === undefined ? { target: target.target } : { ...target },
    });
  }

  // ---------------------------------------------------------------- internals

  #checkOpen(path: string): void {
    if (this.#closed) throw new BackendError('the store is closed', { path, backend: 'zarr' });
  }

  #checkWritable(path: string): void {
    this.#checkOpen(path);
    if (this.#staging === undefined)
      throw new UnsupportedError('the store is open read-only', { path, feature: 'write', backend: 'zarr' });
  }

  /** Checks that `path` can be created: a safe new name in an existing group. */
  #claim(path: string): void {
    if (path === '/') throw new ValidationError('the root exists', { path, rule: 'exists' });
    checkStorePath(path, path);
    checkName(baseName(path), path);
    const parent = this.#nodes.get(parentPath(path));
    if (parent?.kind !== 'group') throw new NotFoundError('parent group does not exist', { path });
    if (this.#nodes.has(path) || parent.links.has(baseName(path)))
      throw new ValidationError('an object exists at this path', { path, rule: 'exists' });
  }

  #add(record: NodeRecord): void {
    this.#nodes.set(record.path, record);
    this.#children.get(parentPath(record.path))!.add(baseName(record.path));
    if (record.kind === 'group') this.#children.set(record.path, new Set());
  }

  #rootObjectId(): string | undefined {
    const id = this.#nodes.get('/')?.attrs.get('object_id');
    return typeof id === 'string' ? id : undefined;
  }

  async #record(path: string): Promise<NodeRecord | undefined> {
    if (this.writable) return this.#nodes.get(path);
    let pending = this.#cache.get(path);
    if (pending === undefined) {
      pending = this.#loadRecord(path);
      this.#cache.set(path, pending);
    }
    return pending;
  }

  async #requireRecord(path: string): Promise<NodeRecord> {
    checkStorePath(path, path);
    const record = await this.#record(path);
    if (record === undefined) throw new NotFoundError('no such group or dataset', { path });
    return record;
  }

  async #requireArray(path: string): Promise<ArrayRecord> {
    const record = await this.#requireRecord(path);
    if (record.kind !== 'array') throw new NotFoundError('not a dataset', { path });
    return record;
  }

  async #loadRecord(path: string): Promise<NodeRecord | undefined> {
    if (path !== '/') {
      const parent = await this.#record(parentPath(path));
      if (parent?.kind !== 'group') return undefined;
    }
    // A store wrapped with consolidated metadata answers these from memory, without a request.
    const zarray = await this.#metadata(path, '.zarray');
    const zgroup = zarray === undefined ? await this.#metadata(path, '.zgroup') : undefined;
    if (zarray === undefined && zgroup === undefined) return undefined;
    const zattrs = await this.#metadata(path, '.zattrs');
    return zarray !== undefined ? arrayRecord(path, zarray, zattrs) : groupRecord(path, zgroup!, zattrs);
  }

  /** One metadata file of the node at `path`, parsed. */
  async #metadata(path: string, file: string): Promise<JsonValue | undefined> {
    const key = keyOf(path, file);
    try {
      return await readMetadataJson(this.#store, key, path);
    } catch (cause) {
      if (isNWBError(cause)) throw cause;
      throw new BackendError(`could not read ${key.slice(1)}${causeDetail(cause)}`, {
        path,
        backend: 'zarr',
        cause,
      });
    }
  }

  async #storedChildren(path: string): Promise<string[]> {
    if (!isListable(this.#store)) {
      throw new UnsupportedError('listing a remote store needs consolidated metadata (.zmetadata)', {
        path,
        feature: 'list',
        backend: 'zarr',
      });
    }
    const candidates = (await this.#store.listChildren(prefixOf(path))).filter(isSafeName);
    const found = await Promise.all(
      candidates.map(async (name) =>
        (await this.#record(joinPath(path, name))) !== undefined ? name : undefined,
      ),
    );
    return found.filter((n): n is string => n !== undefined);
  }

  #chunkKey(record: ArrayRecord, index: readonly number[]): AbsolutePath {
    return keyOf(record.path, index.length === 0 ? '0' : index.join(record.separator));
  }

  /**
   * Reads and decodes one chunk (undefined when it was never written). A numeric chunk may be a
   * view over the bytes the store returned: with `share` the caller only reads it; with `own` the
   * caller keeps or changes it, so it is copied unless those bytes are new (decoded by a codec, or
   * from a store whose values are fresh), never shared with a store's own values.
   */
  async #readChunk(
    record: ArrayRecord,
    index: readonly number[],
    count: number,
    use: 'share' | 'own',
  ): Promise<ChunkValues | undefined> {
    const key = this.#chunkKey(record, index);
    await this.#queue?.waitFor(key);
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.#store.get(key);
    } catch (cause) {
      throw new BackendError(`could not read chunk ${key.slice(1)}${causeDetail(cause)}`, {
        path: record.path,
        backend: 'zarr',
        cause,
      });
    }
    if (bytes === undefined) return undefined;
    const { filters, compressor } = await codecsOf(record);
    try {
      const expected =
        record.element.kind === 'numeric' || record.element.kind === 'structured'
          ? count * record.element.itemSize
          : undefined;
      let b = compressor === undefined ? bytes : await compressor.decode(bytes, expected);
      for (let i = filters.length - 1; i >= 0; i--) b = await filters[i]!.decode(b);
      const fresh = b.buffer !== bytes.buffer || this.#freshValues;
      return decodeElements(record.element, b, count, use === 'own' && !fresh);
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new InvalidFileError(`chunk ${key.slice(1)} is corrupt: ${detail}`, { path: record.path, cause });
    }
  }

  async #writeChunk(record: ArrayRecord, index: readonly number[], chunk: ChunkValues): Promise<void> {
    const key = this.#chunkKey(record, index);
    try {
      const { filters, compressor } = await codecsOf(record);
      let b = encodeElements(record.element, chunk, record.chunks);
      for (const f of filters) b = await f.encode(b);
      // No copy for uncompressed chunks: writeData gave this chunk a buffer of its own.
      if (compressor !== undefined) b = await compressor.encode(b);
      await this.#staging!.set(key, b);
    } catch (cause) {
      throw isNWBError(cause)
        ? cause
        : new BackendError(`could not write chunk ${key.slice(1)}`, {
            path: record.path,
            backend: 'zarr',
            cause,
          });
    }
  }

  #fillChunk(record: ArrayRecord, count: number): ChunkValues {
    if (record.element.kind === 'structured') return new Array<unknown>(count).fill({});
    if (record.element.kind !== 'numeric')
      return new Array<unknown>(count).fill(isTextDType(record.dtype) ? '' : undefined);
    const out = new (typedArrayFor(record.element.dtype))(count) as NumericArray;
    const fill = fillNumber(record.fill);
    if (fill !== 0) {
      if (out instanceof BigInt64Array || out instanceof BigUint64Array) out.fill(BigInt(Math.trunc(fill)));
      else out.fill(fill);
    }
    return out;
  }

  #output(record: ArrayRecord, size: number, out: NdArray['data'] | undefined, path: string): ChunkValues {
    if (record.element.kind !== 'numeric') return new Array<unknown>(size);
    const ctor = typedArrayFor(record.element.dtype);
    if (out === undefined) return new ctor(size) as NumericArray;
    if (!(out instanceof ctor) || out.length < size) {
      throw new ValidationError(`out must be a ${ctor.name} of at least ${size} elements`, {
        path,
        rule: 'out-buffer',
      });
    }
    return out.length === size ? out : (out.subarray(0, size) as NumericArray);
  }

  /** Chunk element values as neutral values: references resolved and checked, text as text. */
  async #neutralValues(record: ArrayRecord, values: ChunkValues, path: string): Promise<NdArray['data']> {
    if (ArrayBuffer.isView(values)) return values;
    if (isCompoundDType(record.dtype)) {
      const rows =
        record.element.kind === 'structured'
          ? (values as CompoundRow[]).map((row) => zeroFilled(record.dtype as CompoundDType, row))
          : rowsFromStored(record.dtype, missingAsError(values, path), path);
      await this.#checkTargets(
        rows.flatMap((row) => Object.values(row).filter(isObjectRef)),
        path,
      );
      return rows;
    }
    if (holdsRegionReferences(record.dtype)) {
      throw new UnsupportedError('region references are not supported in Zarr', {
        path,
        feature: 'dtype:region',
        backend: 'zarr',
      });
    }
    if (record.dtype === 'ref') {
      const refs: ObjectRef[] = values.map((v) => {
        if (v === undefined || v === null || typeof v !== 'object')
          throw new InvalidFileError('a reference element is missing or not a reference', { path });
        return referenceFromStored(v, path);
      });
      await this.#checkTargets(refs, path);
      return refs;
    }
    return values.map((v) =>
      typeof v === 'string' ? v : v === undefined || v === null || v === 0 ? '' : JSON.stringify(v),
    );
  }

  /** Checks that every reference points at an object of this store. */
  async #checkTargets(refs: readonly ObjectRef[], path: string): Promise<void> {
    const targets = [...new Set(refs.map((r) => r.path))];
    await Promise.all(
      targets.map(async (target) => {
        if ((await this.stat(target)) === undefined)
          throw new NotFoundError(`reference to a missing object ${target}`, { path });
      }),
    );
  }

  #storedValues(record: ArrayRecord, data: NdArray): ChunkValues {
    if (isCompoundDType(record.dtype) && record.element.kind === 'object')
      return rowsToStored(record.dtype, data.data as CompoundRow[], this.#rootObjectId(), record.path);
    if (record.dtype === 'ref') {
      const root = this.#rootObjectId();
      return (data.data as ObjectRef[]).map((r) => ({ ...storedReference(r, root) }));
    }
    return data.data as ChunkValues;
  }

  async #writeMetadata(store: StagingStore): Promise<void> {
    const files = new Map<AbsolutePath, JsonOut>();
    for (const record of this.#nodes.values()) {
      const attrs = new Map<string, JsonOut>(record.attrs);
      if (record.kind === 'group') {
        if (record.links.size > 0) attrs.set('zarr_link', linksToJson(record.links.values()));
        files.set(keyOf(record.path, '.zgroup'), zgroupJson(record));
        if (attrs.size > 0 || record.path === '/') files.set(keyOf(record.path, '.zattrs'), attrs);
      } else {
        files.set(keyOf(record.path, '.zarray'), zarrayJson(record));
        files.set(keyOf(record.path, '.zattrs'), attrs);
      }
    }
    const encoder = new TextEncoder();
    const sorted = [...files.keys()].sort();
    await forEachLimit(sorted, this.#concurrency, async (key) =>
      store.set(key, encoder.encode(stringifyJson(files.get(key)!))),
    );
    const consolidated = {
      metadata: new Map(sorted.map((k) => [k.slice(1), files.get(k)!])),
      zarr_consolidated_format: 1,
    };
    await store.set('/.zmetadata', encoder.encode(stringifyJson(consolidated)));
  }
}

function datasetInfo(record: ArrayRecord): DatasetInfo {
  const compression = record.scalar ? undefined : compressionFromMetadata(record.compressor, record.filters);
  const fill = fillNumber(record.fill);
  return {
    kind: 'dataset',
    path: record.path,
    dtype: record.dtype,
    shape: record.scalar ? [] : [...record.shape],
    ...(record.scalar ? {} : { chunks: [...record.chunks] }),
    ...(record.maxShape !== undefined ? { maxShape: [...record.maxShape] } : {}),
    ...(compression !== undefined ? { compression } : {}),
    ...(record.element.kind === 'numeric' && fill !== 0 && !Number.isNaN(fill) ? { fillValue: fill } : {}),
  };
}

function fillJson(fill: DatasetDefinition['fillValue'], dtype: DatasetDefinition['dtype']): JsonOut {
  if (!isNumericDType(dtype) && dtype !== 'bool') return 0;
  if (dtype === 'bool') return fill === true;
  const isFloat = dtype === 'float32' || dtype === 'float64';
  if (fill === undefined || typeof fill === 'string') return isFloat ? new JsonNumber('0.0', true) : 0;
  if (typeof fill === 'boolean') return fill ? 1 : 0;
  if (typeof fill === 'bigint') return fill;
  if (!isFloat) return Math.trunc(fill);
  if (Number.isNaN(fill)) return 'NaN';
  if (!Number.isFinite(fill)) return fill > 0 ? 'Infinity' : '-Infinity';
  return new JsonNumber(String(fill).match(/[.eE]/) ? String(fill) : `${fill}.0`, true);
}

function fillNumber(fill: JsonValue): number {
  if (fill instanceof JsonNumber) return fill.value;
  if (fill === 'NaN') return NaN;
  if (fill === 'Infinity') return Infinity;
  if (fill === '-Infinity') return -Infinity;
  if (fill === true) return 1;
  return 0;
}

/** zarr-python's fill value for packed records: a zeroed record, base64-encoded. */
function zeroRecordJson(itemSize: number): JsonOut {
  return btoa(String.fromCharCode(...new Uint8Array(itemSize)));
}

/** A record with every field present (fields of a chunk never written are zero). */
function zeroFilled(dtype: CompoundDType, row: CompoundRow): CompoundRow {
  if (dtype.compound.every((f) => f.name in row)) return row;
  const out: CompoundRow = {};
  for (const f of dtype.compound) {
    out[f.name] =
      row[f.name] ?? (f.dtype === 'bool' ? false : f.dtype === 'int64' || f.dtype === 'uint64' ? 0n : 0);
  }
  return out;
}

/** Object elements of chunks never written are missing: a compound has no fill value to give. */
function missingAsError(values: readonly unknown[], path: string): unknown[] {
  if (values.some((v) => v === undefined))
    throw new InvalidFileError('a compound element is missing (a chunk was never written)', { path });
  return values as unknown[];
}

/** A JSON value as the reader sees it (so a writer reads back what it will store). */
function toJsonValue(value: JsonOut): JsonValue {
  return parseJson(stringifyJson(value, 0, false));
}

/** `: why` for a store's own refusals (a key outside the store), which say more than the wrapper. */
function causeDetail(cause: unknown): string {
  return (cause as { code?: unknown }).code === 'EOUTSIDESTORE' ? `: ${(cause as Error).message}` : '';
}
