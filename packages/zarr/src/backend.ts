/**
 * ZarrBackend: the storage interface over an hdmf-zarr (<= 0.13, Zarr format 2) store, on disk, in
 * a Map or over HTTP. Metadata is parsed lazily per node when reading (consolidated metadata saves
 * requests on remote stores) and kept in memory when writing, then stored with a complete
 * `.zmetadata` at close. Chunks are read and written directly, a bounded number at a time.
 *
 * This file holds the reading half and the format 2 write layout; writing itself is shared with
 * format 3 (`staged-backend.ts`). The jobs are elsewhere: reading a selection (`read-data.ts`),
 * writing a block (`write-data.ts`), one chunk (`chunk-io.ts`), records of a store read
 * (`stored-records.ts`) or written (`written-nodes.ts`), an array's record (`array-record.ts`) and
 * the metadata stored at close (`store-metadata.ts`).
 */
import type { Attributes, NdArray } from '@nwbjs/core';
import type { ChunkEncoding, Hyperslab, NodeInfo, ReadOptions } from '@nwbjs/core/backend';
import { NotFoundError } from '@nwbjs/core';
import { baseName, checkSelection, emptyAttributes, parentPath } from '@nwbjs/core/backend';
import { datasetInfo, newArrayRecord } from './array-record.js';
import { ZARR_CAPABILITIES } from './capabilities.js';
import type { ChunkUse } from './chunk-io.js';
import { chunkKey, readChunk, writeChunk } from './chunk-io.js';
import { RESERVED_ATTRIBUTES, attributeFromJson, attributeToJson } from './conventions/attributes.js';
import type { ChunkValues } from './conventions/elements.js';
import type { ArrayRecord, NodeRecord } from './metadata.js';
import { readArray } from './read-data.js';
import type { WriteLayout } from './staged-backend.js';
import { StagedZarrBackend } from './staged-backend.js';
import { writeMetadata } from './store-metadata.js';
import {
  checkChunkIndex,
  encodedArrayRecord,
  encodingOf,
  readStoredChunk,
  storedChunkIndices,
} from './stored-chunks.js';
import { StoredRecords } from './stored-records.js';
import { checkStorePath } from './stores/keys.js';
import type { StagingStore, ZarrStore } from './stores/store.js';
import { isSpanReadable, setAll, storeName } from './stores/store.js';

export { DEFAULT_CHUNK_CONCURRENCY } from './staged-backend.js';

/** hdmf-zarr's format 2 layout for writing: `.zarray`/`.zattrs`, chunk keys `i.j`, `.zmetadata`. */
function v2Layout(staging: StagingStore, freshValues: boolean): WriteLayout {
  return {
    reservedAttributes: RESERVED_ATTRIBUTES,
    arrayRecord: newArrayRecord,
    attributeJson: attributeToJson,
    readChunk: (record, index, count, use) => readChunk(staging, record, index, count, use, freshValues),
    writeChunk: (record, index, chunk) => writeChunk(staging, record, index, chunk),
    encodedArrayRecord: (path, definition, encoding) => encodedArrayRecord(path, definition, encoding),
    storeChunks: (record, chunks) =>
      setAll(
        staging,
        chunks.map(({ index, bytes }) => [chunkKey(record, index), bytes] as const),
      ),
    writeMetadata,
  };
}

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
export class ZarrBackend extends StagedZarrBackend {
  readonly capabilities = ZARR_CAPABILITIES;
  readonly #store: ZarrStore;
  readonly #freshValues: boolean;
  /** Reader: records loaded from the store. */
  readonly #stored: StoredRecords | undefined;

  /** Use {@link openZarr}. */
  constructor(init: ZarrBackendInit) {
    const freshValues = init.freshValues === true;
    super(
      {
        location: init.location ?? storeName(init.store),
        ...(init.staging === undefined ? {} : { staging: init.staging }),
        ...(init.chunkConcurrency === undefined ? {} : { chunkConcurrency: init.chunkConcurrency }),
      },
      init.staging === undefined ? undefined : v2Layout(init.staging, freshValues),
    );
    this.#store = init.staging ?? init.store;
    this.#freshValues = freshValues;
    if (init.staging === undefined) this.#stored = new StoredRecords(this.#store);
  }

  // ---------------------------------------------------------------- reading

  async stat(path: string): Promise<NodeInfo | undefined> {
    this.checkOpen(path);
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
    this.checkOpen(path);
    const record = await this.#requireRecord(path);
    if (record.kind !== 'group') throw new NotFoundError('not a group', { path });
    const names = new Set<string>(record.links.keys());
    const children = this.nodes?.children(path) ?? (await this.#stored!.children(path));
    for (const name of children) names.add(name);
    return [...names].sort();
  }

  async readAttributes(path: string): Promise<Attributes> {
    this.checkOpen(path);
    const record = await this.#requireRecord(path);
    const out = emptyAttributes();
    for (const [name, value] of record.attrs) {
      if (RESERVED_ATTRIBUTES.has(name)) continue;
      out[name] = attributeFromJson(value, name, path, path === '/', record.attributeDTypes.get(name));
    }
    return out;
  }

  async readData(path: string, slab: Hyperslab, options: ReadOptions = {}): Promise<NdArray> {
    this.checkOpen(path);
    const record = await this.#requireArray(path);
    checkSelection(path, record.scalar ? [] : record.shape, slab);
    return readArray(
      {
        concurrency: this.concurrency,
        readChunk: (r, index, count, use, alone) => this.#readChunk(r, index, count, use, alone),
        exists: async (target) => (await this.stat(target)) !== undefined,
        ...(this.writable || !isSpanReadable(this.#store) ? {} : { spans: this.#store }),
      },
      record,
      slab,
      options.out,
    );
  }

  /** How the array's chunks are stored, when they can be copied as they are (see `stored-chunks.ts`). */
  async chunkEncoding(path: string): Promise<ChunkEncoding | undefined> {
    this.checkOpen(path);
    return encodingOf(await this.#requireArray(path));
  }

  async *storedChunks(path: string): AsyncGenerator<readonly number[]> {
    this.checkOpen(path);
    const record = await this.#requireArray(path);
    await this.queue?.settle();
    yield* storedChunkIndices(this.#store, record);
  }

  async readStoredChunk(path: string, index: readonly number[]): Promise<Uint8Array | undefined> {
    this.checkOpen(path);
    const record = await this.#requireArray(path);
    checkChunkIndex(record, index);
    await this.queue?.waitFor(chunkKey(record, index));
    return readStoredChunk(this.#store, record, index);
  }

  // ---------------------------------------------------------------- internals

  async #record(path: string): Promise<NodeRecord | undefined> {
    return this.nodes?.get(path) ?? this.#stored?.get(path);
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

  /** One chunk: of the store read, or (writing) as staged once any queued write of it has landed. */
  async #readChunk(
    record: ArrayRecord,
    index: readonly number[],
    count: number,
    use: ChunkUse,
    alone?: boolean,
  ): Promise<ChunkValues | undefined> {
    if (this.writable) return this.readStagedChunk(record, index, count, use);
    return readChunk(this.#store, record, index, count, use, this.#freshValues, alone);
  }
}
