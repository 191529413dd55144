/**
 * ZarrBackend: the storage interface over an hdmf-zarr (<= 0.13, Zarr format 2) store, on disk, in
 * a Map or over HTTP. Metadata is parsed lazily per node when reading (consolidated metadata saves
 * requests on remote stores) and kept in memory when writing, then stored with a complete
 * `.zmetadata` at close. Chunks are read and written directly, a bounded number at a time.
 *
 * This file holds the backend's state (open, closed, failed) and the storage interface; the jobs
 * are elsewhere: reading a selection (`read-data.ts`), writing a block (`write-data.ts`), one chunk
 * (`chunk-io.ts`), records of a store read (`stored-records.ts`) or written (`written-nodes.ts`),
 * an array's record (`array-record.ts`) and the metadata stored at close (`store-metadata.ts`).
 */
import type { Attributes, NdArray, StorageWriter } from '@nwbjs/core';
import type { DatasetDefinition, Hyperslab, LinkTarget, NodeInfo, ReadOptions } from '@nwbjs/core/backend';
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
  checkSelection,
  checkWholeData,
  emptyAttributes,
  parentPath,
} from '@nwbjs/core/backend';
import { datasetInfo, newArrayRecord } from './array-record.js';
import { ZARR_CAPABILITIES } from './capabilities.js';
import type { ChunkUse } from './chunk-io.js';
import { chunkKey, readChunk, writeChunk } from './chunk-io.js';
import { ChunkWriteQueue } from './chunk-queue.js';
import { RESERVED_ATTRIBUTES, attributeFromJson, attributeToJson } from './conventions/attributes.js';
import type { ChunkValues } from './conventions/elements.js';
import { toJsonValue } from './conventions/json.js';
import type { ArrayRecord, GroupRecord, NodeRecord } from './metadata.js';
import { readArray } from './read-data.js';
import { writeMetadata } from './store-metadata.js';
import { StoredRecords } from './stored-records.js';
import { checkStorePath } from './stores/keys.js';
import type { StagingStore, ZarrStore } from './stores/store.js';
import { storeName } from './stores/store.js';
import { writeArray } from './write-data.js';
import { WrittenNodes, emptyGroupRecord } from './written-nodes.js';

/** Chunks fetched/decoded (reading) or encoded/stored (writing) at once by default: bounds memory, fills the cores. */
export const DEFAULT_CHUNK_CONCURRENCY = 8;
/** Unencoded bytes of chunks being written at once, at most (one chunk always goes). */
const MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

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
  readonly capabilities = ZARR_CAPABILITIES;
  readonly location: string;
  readonly #store: ZarrStore;
  readonly #staging: StagingStore | undefined;
  readonly #freshValues: boolean;
  readonly #concurrency: number;
  /** Reader: records loaded from the store. */
  readonly #stored: StoredRecords | undefined;
  /** Writer: every node created, kept until close. */
  readonly #nodes: WrittenNodes | undefined;
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
    if (this.#staging === undefined) {
      this.#stored = new StoredRecords(this.#store);
    } else {
      this.#nodes = new WrittenNodes();
      this.#queue = new ChunkWriteQueue({ limit: this.#concurrency, maxBytes: MAX_IN_FLIGHT_BYTES });
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
    const children = this.#nodes?.children(path) ?? (await this.#stored!.children(path));
    for (const name of children) names.add(name);
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
    return readArray(
      {
        concurrency: this.#concurrency,
        readChunk: (r, index, count, use) => this.#readChunk(r, index, count, use),
        exists: async (target) => (await this.stat(target)) !== undefined,
      },
      record,
      slab,
      options.out,
    );
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
      await writeMetadata(this.#nodes!.records(), this.#staging, this.#concurrency);
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
    nodes.add(newArrayRecord(path, definition, data?.textLength));
    for (const [name, value] of Object.entries(attributes)) await this.setAttribute(path, name, value);
    if (data !== undefined && shapeSize(definition.shape) > 0)
      await this.writeData(
        path,
        definition.shape.map(() => 0),
        data,
      );
  }

  async writeData(path: string, start: readonly number[], data: NdArray): Promise<void> {
    const nodes = this.#writer(path);
    const record = nodes.get(path);
    if (record?.kind !== 'array') throw new NotFoundError('no such dataset', { path });
    checkBlock(path, { dtype: record.dtype, shape: record.scalar ? [] : record.shape }, start, data);
    try {
      await writeArray(
        {
          queue: this.#queue!,
          readChunk: (r, index, count, use) => this.#readChunk(r, index, count, use),
          writeChunk: (r, index, chunk) => writeChunk(this.#staging!, r, index, chunk),
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
    const nodes = this.#writer(path);
    const record = nodes.get(path);
    if (record?.kind !== 'array') throw new NotFoundError('no such dataset', { path });
    checkResize(path, datasetInfo(record), shape);
    record.shape = [...shape];
  }

  async setAttribute(path: string, name: string, value: NdArray): Promise<void> {
    const nodes = this.#writer(path);
    const record = nodes.get(path);
    if (record === undefined) throw new NotFoundError('no such group or dataset', { path });
    if (RESERVED_ATTRIBUTES.has(name) || name.length === 0)
      throw new ValidationError(`attribute name ${name} is reserved`, { path, rule: 'attribute-name' });
    const { json, dtypeNote } = attributeToJson(value, name, path, path === '/', nodes.rootObjectId());
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

  // ---------------------------------------------------------------- internals

  #checkOpen(path: string): void {
    if (this.#closed) throw new BackendError('the store is closed', { path, backend: 'zarr' });
  }

  /** The writer's nodes, after checking that the store is open for writing. */
  #writer(path: string): WrittenNodes {
    this.#checkOpen(path);
    if (this.#nodes === undefined)
      throw new UnsupportedError('the store is open read-only', { path, feature: 'write', backend: 'zarr' });
    return this.#nodes;
  }

  async #record(path: string): Promise<NodeRecord | undefined> {
    return this.#nodes?.get(path) ?? this.#stored?.get(path);
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

  /** One chunk, once any queued write of it has landed. */
  async #readChunk(
    record: ArrayRecord,
    index: readonly number[],
    count: number,
    use: ChunkUse,
  ): Promise<ChunkValues | undefined> {
    await this.#queue?.waitFor(chunkKey(record, index));
    return readChunk(this.#store, record, index, count, use, this.#freshValues);
  }
}
