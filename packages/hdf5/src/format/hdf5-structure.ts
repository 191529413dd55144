/**
 * An HDF5 file's structure read from its bytes: the objects at paths, the links of groups and, for
 * each dataset, its dataspace, datatype, filters, layout and the location of every chunk. Reads only
 * through a {@link ByteSource}, so the same code serves local files and HTTP range requests. Errors
 * name the object they were reading: InvalidFileError for corrupt structures, UnsupportedError for
 * structures this reader does not read (whose callers then use h5wasm).
 */
import { InvalidFileError } from '@nwbjs/core';
import { PromiseCache, joinPath, normalizePath, pathNames } from '@nwbjs/core/backend';
import { unsupported } from '../errors.js';
import { type ByteSource, MetadataReader } from './byte-source.js';
import { type ChunkLocation, readChunkIndex } from './chunk-index/index.js';
import { type DatasetStructure, isDataset, readDataset } from './dataset.js';
import { CorruptStructureError, UnreadStructureError, corrupt, unread } from './errors.js';
import { isGroup, readLinks } from './group.js';
import type { Link } from './links.js';
import { type AttributeStructure, readAttributeMessages } from './attribute.js';
import type { FieldSizes } from './cursor.js';
import { GlobalHeap } from './global-heap.js';
import { type HeaderMessage, MessageType, readObjectHeader } from './object-header.js';
import { type Superblock, readSuperblock } from './superblock.js';

/** Soft links followed while resolving one path, at most. */
const MAX_LINK_HOPS = 64;

/** An object found at a path. */
interface FoundObject {
  readonly address: number;
  readonly messages: readonly HeaderMessage[];
}

/** The structure of one HDF5 file. */
export class Hdf5Structure {
  readonly #reader: MetadataReader;
  /** The file's superblock. */
  readonly superblock: Superblock;
  // Read once; a failed read is read again when asked again.
  readonly #headers = new PromiseCache<number, HeaderMessage[]>();
  readonly #links = new PromiseCache<number, Link[]>();
  readonly #datasets = new PromiseCache<string, DatasetStructure>();
  readonly #datasetsAt = new PromiseCache<number, DatasetStructure>();
  readonly #attributes = new PromiseCache<number, AttributeStructure[]>();
  /** Variable-length elements and region selections. */
  readonly globalHeap: GlobalHeap;

  private constructor(reader: MetadataReader, superblock: Superblock) {
    this.#reader = reader;
    this.superblock = superblock;
    this.globalHeap = new GlobalHeap(reader);
  }

  /** Sizes of addresses and lengths in this file. */
  get sizes(): FieldSizes {
    return this.#reader.sizes;
  }

  /** The messages of the object header at `address` (read once). */
  header(address: number): Promise<HeaderMessage[]> {
    return this.#header(address);
  }

  /** What the header at `address` is: a group, a dataset, or something else (a named datatype). */
  async kindAt(address: number): Promise<'group' | 'dataset' | 'other'> {
    const messages = await this.#header(address);
    if (isDataset(messages)) return 'dataset';
    if (isGroup(messages) || messages.some((m) => m.type === MessageType.groupInfo)) return 'group';
    return 'other';
  }

  /** The links of the group whose header is at `address`. */
  async linksAt(address: number): Promise<Link[]> {
    return this.#groupLinks({ address, messages: await this.#header(address) });
  }

  /** The dataset whose header is at `address` (read once). */
  datasetAt(address: number): Promise<DatasetStructure> {
    return this.#datasetsAt.get(address, async () => {
      const messages = await this.#header(address);
      if (!isDataset(messages)) corrupt('not a dataset');
      return readDataset(this.#reader, address, messages);
    });
  }

  /** The attributes of the object whose header is at `address` (read once). */
  attributesAt(address: number): Promise<AttributeStructure[]> {
    return this.#attributes.get(address, async () =>
      readAttributeMessages(this.#reader, await this.#header(address)),
    );
  }

  /** Reads the superblock of the file `source` reads; `size` (bytes), when known, bounds the search for it. */
  static async open(source: ByteSource, size?: number): Promise<Hdf5Structure> {
    const reader = new MetadataReader(source);
    const superblock = await guardFormat('/', 'reading the superblock', () => readSuperblock(reader, size));
    return new Hdf5Structure(reader, superblock);
  }

  /** Absolute file offset of `address` (addresses are relative to the superblock's base). */
  fileOffset(address: number): number {
    return this.#reader.base + address;
  }

  /** The links of the group at `path`. */
  async links(path: string): Promise<Link[]> {
    return guardFormat(path, 'listing the group', async () => {
      const found = await this.#resolve(path);
      if (!isGroup(found.messages)) corrupt('not a group');
      return this.#groupLinks(found);
    });
  }

  /** What the format says of the dataset at `path`. */
  dataset(path: string): Promise<DatasetStructure> {
    return this.#datasets.get(path, () =>
      guardFormat(path, 'reading the dataset header', async () => {
        const found = await this.#resolve(path);
        return this.datasetAt(found.address);
      }),
    );
  }

  /**
   * Every stored chunk of the chunked dataset at `path`, sorted by offset (chunks never written are
   * absent); a contiguous dataset has one chunk covering it, a compact one none.
   */
  async chunks(path: string): Promise<ChunkLocation[]> {
    return this.chunksOf(path, await this.dataset(path));
  }

  /** {@link chunks} of a dataset already read (`path` names it in errors). */
  chunksOf(path: string, dataset: DatasetStructure): Promise<ChunkLocation[]> {
    return guardFormat(path, 'reading the chunk index', async () => {
      const { layout, dataspace, datatype, filters } = dataset;
      if (dataset.external) unread('data in external files');
      if (layout.kind === 'compact') return [];
      if (layout.kind === 'contiguous') {
        if (layout.address === undefined) return [];
        this.#reader.checkRange(layout.address, layout.size, 'contiguous data');
        return [
          { offset: dataspace.shape.map(() => 0), address: layout.address, size: layout.size, filterMask: 0 },
        ];
      }
      if (layout.chunkShape.length !== dataspace.shape.length) {
        corrupt(`chunks of rank ${layout.chunkShape.length} for a dataset of rank ${dataspace.shape.length}`);
      }
      return readChunkIndex({
        reader: this.#reader,
        layout,
        shape: dataspace.shape,
        maxShape: dataspace.maxShape,
        elementSize: datatype.size,
        filtered: filters.length > 0,
      });
    });
  }

  #header(address: number): Promise<HeaderMessage[]> {
    return this.#headers.get(address, () => readObjectHeader(this.#reader, address));
  }

  #groupLinks(group: FoundObject): Promise<Link[]> {
    return this.#links.get(group.address, () => readLinks(this.#reader, group.messages));
  }

  /** The object at `path`, following hard and soft links. */
  async #resolve(path: string, hops = 0): Promise<FoundObject> {
    const normalized = normalizePath(path);
    if (normalized === undefined) corrupt(`"${path}" is not a path`);
    let current: FoundObject = {
      address: this.superblock.root,
      messages: await this.#header(this.superblock.root),
    };
    let at = '/';
    for (const name of pathNames(normalized)) {
      if (!isGroup(current.messages)) corrupt(`${at} is not a group`);
      const link = (await this.#groupLinks(current)).find((l) => l.name === name);
      if (link === undefined) corrupt(`${joinPath(at, name)} does not exist`);
      at = joinPath(at, name);
      if (link.kind === 'external') unread(`external link ${at}`);
      if (link.kind === 'soft') {
        if (hops >= MAX_LINK_HOPS) corrupt(`too many soft links resolving ${path}`);
        if (!link.target.startsWith('/')) unread(`relative soft link ${at}`);
        current = await this.#resolve(link.target, hops + 1);
      } else {
        current = { address: link.address, messages: await this.#header(link.address) };
      }
    }
    return current;
  }
}

/** Runs `fn`, turning format errors into nwbjs errors about `path` that say what was being done. */
export async function guardFormat<T>(path: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CorruptStructureError) {
      throw new InvalidFileError(`${what}: ${error.message}`, { path, cause: error });
    }
    if (error instanceof UnreadStructureError) {
      throw unsupported(
        path,
        `${what}: ${error.message} is not read by the HDF5 format reader`,
        'hdf5-format',
      );
    }
    throw error;
  }
}
