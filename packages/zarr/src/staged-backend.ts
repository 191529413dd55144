/**
 * The writing half shared by both Zarr formats: nodes kept in memory until close (`WrittenNodes`),
 * blocks cut into chunks and handed to the write-behind queue (`write-data.ts`), and at close the
 * metadata stored and the staging area committed, or everything dropped after a failed write.
 *
 * What differs between format 2 and format 3 is a {@link WriteLayout}: how a definition becomes an
 * array record, how an attribute is spelled in JSON, how a chunk is keyed and encoded, and which
 * metadata documents close stores. Each backend extends {@link StagedZarrBackend} with its reading.
 */
import type { Attributes, NdArray, StorageCapabilities, StorageWriter } from '@nwbjs/core';
import type {
  ChunkEncoding,
  DatasetDefinition,
  EncodedChunk,
  Hyperslab,
  LinkTarget,
  NodeInfo,
  ReadOptions,
} from '@nwbjs/core/backend';
import {
  BackendError,
  NotFoundError,
  UnsupportedError,
  ValidationError,
  isNWBError,
  shapeSize,
} from '@nwbjs/core';
import {
  baseName,
  checkBlock,
  checkDefinition,
  checkResize,
  checkWholeData,
  parentPath,
} from '@nwbjs/core/backend';
import type { ChunkReader } from './chunk-io.js';
import { chunkKey } from './chunk-io.js';
import { ChunkWriteQueue } from './chunk-queue.js';
import type { ChunkValues } from './conventions/elements.js';
import type { JsonOut } from './conventions/json.js';
import { toJsonValue } from './conventions/json.js';
import type { ArrayRecord, GroupRecord, NodeRecord } from './metadata.js';
import { checkChunkIndex } from './stored-chunks.js';
import { checkStorePath } from './stores/keys.js';
import type { StagingStore } from './stores/store.js';
import { StoreWriteError } from './stores/store.js';
import { writeArray } from './write-data.js';
import { WrittenNodes, emptyGroupRecord } from './written-nodes.js';

/** Chunks fetched/decoded (reading) or encoded/stored (writing) at once by default: bounds memory, fills the cores. */
export const DEFAULT_CHUNK_CONCURRENCY = 8;
/** Unencoded bytes of chunks being written at once, at most (one chunk always goes). */
const MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

/** What one Zarr format decides when writing; the rest of writing is the same for both. */
export interface WriteLayout {
  /** Attribute names the layout uses for itself, refused from callers. */
  readonly reservedAttributes: ReadonlySet<string>;
  /** The record of a new array at `path` (definition and data already checked). */
  arrayRecord(path: string, definition: DatasetDefinition, data: NdArray | undefined): ArrayRecord;
  /** What to store for an attribute, and the dtype JSON cannot say (kept aside by the layout). */
  attributeJson(
    value: NdArray,
    name: string,
    path: string,
    isRoot: boolean,
    rootObjectId: string | undefined,
  ): { json: JsonOut; dtypeNote?: string };
  /** A chunk already staged (a write covering part of it starts from it); undefined if none. */
  readonly readChunk: ChunkReader;
  /** Encodes one chunk and stages it; the chunk's buffer is handed on, not copied. */
  writeChunk(record: ArrayRecord, index: readonly number[], chunk: ChunkValues): Promise<void>;
  /**
   * For conversion by copying chunks (optional): the record of a new array whose chunks are
   * stored encoded as `encoding` (definition already checked); undefined when this format cannot
   * name that encoding.
   */
  encodedArrayRecord?(
    path: string,
    definition: DatasetDefinition,
    encoding: ChunkEncoding,
  ): ArrayRecord | undefined;
  /**
   * Stages chunks' stored bytes as they are (with `encodedArrayRecord`), in one go where the store
   * can (see `setAll`); settles once the store is done with the bytes.
   */
  storeChunks?(record: ArrayRecord, chunks: readonly EncodedChunk[]): Promise<void>;
  /** Stages the metadata of every node, at close, before the commit. */
  writeMetadata(nodes: Iterable<NodeRecord>, staging: StagingStore, concurrency: number): Promise<void>;
}

/** What both backends are opened with. */
export interface StagedBackendInit {
  /** Where the store lives (a directory, a URL, `memory`), for messages. */
  readonly location: string;
  /** Present when writing: where chunks and, at close, metadata go. */
  readonly staging?: StagingStore;
  /** Chunks read or written at once (default {@link DEFAULT_CHUNK_CONCURRENCY}). */
  readonly chunkConcurrency?: number;
}

/**
 * A Zarr store's storage interface with the writing done here and the reading left to the format's
 * backend. Opened for writing (a staging store and a layout given), nodes live in memory until
 * close, chunks are staged behind the write calls, and close commits all or nothing.
 */
export abstract class StagedZarrBackend implements StorageWriter {
  readonly format = 'zarr';
  abstract readonly capabilities: StorageCapabilities;
  readonly location: string;
  /** Chunks read, or encoded and stored, at once. */
  protected readonly concurrency: number;
  /** Writer: every node created, kept until close. */
  protected readonly nodes: WrittenNodes | undefined;
  /** Writer: chunks being encoded and stored after their writeData call returned. */
  protected readonly queue: ChunkWriteQueue | undefined;
  readonly #staging: StagingStore | undefined;
  readonly #layout: WriteLayout | undefined;
  #closed = false;
  #failed = false;

  protected constructor(init: StagedBackendInit, layout: WriteLayout | undefined) {
    this.location = init.location;
    this.concurrency = Math.max(1, Math.floor(init.chunkConcurrency ?? DEFAULT_CHUNK_CONCURRENCY));
    this.#staging = init.staging;
    this.#layout = layout;
    if (init.staging !== undefined && layout !== undefined) {
      this.nodes = new WrittenNodes();
      this.queue = new ChunkWriteQueue({ limit: this.concurrency, maxBytes: MAX_IN_FLIGHT_BYTES });
    }
  }

  /** True when opened for writing. */
  get writable(): boolean {
    return this.nodes !== undefined;
  }

  abstract stat(path: string): Promise<NodeInfo | undefined>;
  abstract list(path: string): Promise<string[]>;
  abstract readAttributes(path: string): Promise<Attributes>;
  abstract readData(path: string, slab: Hyperslab, options?: ReadOptions): Promise<NdArray>;

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const staging = this.#staging;
    if (staging === undefined || this.nodes === undefined) return;
    const pending = this.queue!;
    await pending.settle();
    if (this.#failed || pending.failure !== undefined) {
      await staging.abort();
      const cause = pending.failure?.error;
      if (cause !== undefined && !this.#failed) throw cause;
      throw new BackendError('an earlier write failed; nothing was committed', {
        path: '/',
        backend: 'zarr',
        ...(cause === undefined ? {} : { cause }),
      });
    }
    try {
      await this.#layout!.writeMetadata(this.nodes.records(), staging, this.concurrency);
      await staging.commit();
    } catch (cause) {
      await staging.abort().catch(() => undefined);
      throw isNWBError(cause)
        ? cause
        : new BackendError('could not commit the store', { path: '/', backend: 'zarr', cause });
    }
  }

  async abort(): Promise<void> {
    this.#closed = true;
    // Chunks still being written must land before the staging area is removed, or they recreate it.
    await this.queue?.settle();
    await this.#staging?.abort();
  }

  async createGroup(path: string, attributes: Attributes = {}): Promise<void> {
    const nodes = this.#writer(path);
    nodes.claim(path);
    nodes.add(emptyGroupRecord(path));
    for (const [name, value] of Object.entries(attributes)) await this.setAttribute(path, name, value);
  }

  async createDataset(
    path: string,
    definition: DatasetDefinition,
    attributes: Attributes = {},
    data?: NdArray,
  ): Promise<void> {
    const nodes = this.#writer(path);
    checkDefinition(path, definition);
    if (data !== undefined) checkWholeData(path, definition, data);
    nodes.claim(path);
    nodes.add(this.#layout!.arrayRecord(path, definition, data));
    for (const [name, value] of Object.entries(attributes)) await this.setAttribute(path, name, value);
    if (data !== undefined && shapeSize(definition.shape) > 0)
      await this.writeData(
        path,
        definition.shape.map(() => 0),
        data,
      );
  }

  /**
   * Creates an array whose chunks are stored encoded as `encoding`, for chunks copied as they are;
   * false (nothing created) where the format's layout cannot name that encoding.
   */
  async createEncodedDataset(
    path: string,
    definition: DatasetDefinition,
    encoding: ChunkEncoding,
    attributes: Attributes = {},
  ): Promise<boolean> {
    const nodes = this.#writer(path);
    checkDefinition(path, definition);
    const record = this.#layout!.encodedArrayRecord?.(path, definition, encoding);
    if (record === undefined) return false;
    nodes.claim(path);
    nodes.add(record);
    for (const [name, value] of Object.entries(attributes)) await this.setAttribute(path, name, value);
    return true;
  }

  /**
   * Stages one chunk's stored bytes as they are. Unlike `writeData`'s chunks, the call resolves
   * only once the chunk is stored, so that the caller may reuse `bytes`; the queue still bounds how
   * many are stored at once.
   */
  async writeStoredChunk(path: string, index: readonly number[], bytes: Uint8Array): Promise<void> {
    return this.writeStoredChunks(path, [{ index, bytes }]);
  }

  /**
   * Stages several chunks' stored bytes as they are, as one write (a directory store writes their
   * files in one go); resolves once they are stored, like {@link writeStoredChunk}.
   */
  async writeStoredChunks(path: string, chunks: readonly EncodedChunk[]): Promise<void> {
    const record = this.#array(this.#writer(path), path);
    const store = this.#layout!.storeChunks;
    if (store === undefined)
      throw new UnsupportedError('this format stores no chunks as they are', {
        path,
        feature: 'stored-chunks',
        backend: 'zarr',
      });
    if (chunks.length === 0) return;
    for (const { index } of chunks) checkChunkIndex(record, index);
    const keys = chunks.map(({ index }) => chunkKey(record, index));
    const bytes = chunks.reduce((n, { bytes: b }) => n + b.length, 0);
    try {
      let stored: Promise<void> | undefined;
      await this.queue!.add(keys, bytes, () => (stored = store(record, chunks)));
      await stored;
    } catch (error) {
      this.#failed = true;
      if (isNWBError(error)) throw error;
      // The store names the chunk that failed; the message names it as the format keys it.
      const failed = error instanceof StoreWriteError ? error : undefined;
      const key = failed?.key ?? (keys.length === 1 ? keys[0]! : undefined);
      throw new BackendError(
        key === undefined ? `could not write ${keys.length} chunks` : `could not write chunk ${key.slice(1)}`,
        { path, backend: 'zarr', cause: failed?.cause ?? error },
      );
    }
  }

  async writeData(path: string, start: readonly number[], data: NdArray): Promise<void> {
    const nodes = this.#writer(path);
    const record = this.#array(nodes, path);
    checkBlock(path, { dtype: record.dtype, shape: record.scalar ? [] : record.shape }, start, data);
    const layout = this.#layout!;
    try {
      await writeArray(
        {
          queue: this.queue!,
          readChunk: (r, index, count, use) => this.readStagedChunk(r, index, count, use),
          writeChunk: (r, index, chunk) => layout.writeChunk(r, index, chunk),
          rootObjectId: () => nodes.rootObjectId(),
        },
        record,
        start,
        data,
      );
    } catch (error) {
      this.#failed = true;
      throw isNWBError(error)
        ? error
        : new BackendError('writing failed', { path, backend: 'zarr', cause: error });
    }
  }

  async resize(path: string, shape: readonly number[]): Promise<void> {
    const record = this.#array(this.#writer(path), path);
    const extent = record.scalar
      ? { shape: [] }
      : {
          shape: record.shape,
          chunks: record.chunks,
          ...(record.maxShape === undefined ? {} : { maxShape: record.maxShape }),
        };
    checkResize(path, extent, shape);
    record.shape = [...shape];
  }

  async setAttribute(path: string, name: string, value: NdArray): Promise<void> {
    const nodes = this.#writer(path);
    const record = nodes.get(path);
    if (record === undefined) throw new NotFoundError('no such group or dataset', { path });
    const layout = this.#layout!;
    if (layout.reservedAttributes.has(name) || name.length === 0)
      throw new ValidationError(`attribute name ${name} is reserved`, { path, rule: 'attribute-name' });
    const { json, dtypeNote } = layout.attributeJson(value, name, path, path === '/', nodes.rootObjectId());
    record.attrs.set(name, toJsonValue(json));
    if (dtypeNote === undefined) record.attributeDTypes.delete(name);
    else record.attributeDTypes.set(name, dtypeNote);
  }

  async createLink(path: string, target: LinkTarget): Promise<void> {
    const nodes = this.#writer(path);
    checkStorePath(target.target, path);
    nodes.claim(path);
    const parent = nodes.get(parentPath(path)) as GroupRecord;
    parent.links.set(baseName(path), {
      name: baseName(path),
      target: target.file === undefined ? { target: target.target } : { ...target },
    });
  }

  /** Refuses any use after close or abort. */
  protected checkOpen(path: string): void {
    if (this.#closed) throw new BackendError('the store is closed', { path, backend: 'zarr' });
  }

  /** A staged chunk, once any queued write of it has landed. */
  protected async readStagedChunk(
    record: ArrayRecord,
    index: readonly number[],
    count: number,
    use: 'share' | 'own',
  ): Promise<ChunkValues | undefined> {
    await this.queue!.waitFor(chunkKey(record, index));
    return this.#layout!.readChunk(record, index, count, use);
  }

  /** The writer's nodes, after checking that the store is open for writing. */
  #writer(path: string): WrittenNodes {
    this.checkOpen(path);
    if (this.nodes === undefined)
      throw new UnsupportedError('the store is open read-only', { path, feature: 'write', backend: 'zarr' });
    return this.nodes;
  }

  #array(nodes: WrittenNodes, path: string): ArrayRecord {
    const record = nodes.get(path);
    if (record?.kind !== 'array') throw new NotFoundError('no such dataset', { path });
    return record;
  }
}
