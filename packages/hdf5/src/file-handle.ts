/**
 * An open HDF5 file and what is known about it: the h5wasm module and file id, heap buffers, and
 * caches of group listings and dataset metadata. Finding out what lives at a path goes through
 * here, one path component at a time, so that no lookup ever asks HDF5 about a path that does not
 * exist (each HDF5 error thrown through the WASM stack costs stack space that is never given back).
 */
import type { DType } from '@nwbjs/core';
import { InvalidFileError } from '@nwbjs/core';
import { baseName, normalizePath, parentPath } from '@nwbjs/core/backend';
import type { BoolStandIn } from './bool-enum.js';
import { backendError, guard } from './errors.js';
import { ScratchBuffer } from './heap.js';
import type { H5Module, Metadata } from './module.js';
import { ReferencePaths, addressKey } from './reference-paths.js';
import { RegionDecoder } from './region-refs.js';
import type { Hdf5DatasetInfo } from './read.js';

/** H5G object types that h5wasm's `get_type` reports. */
const H5G_GROUP = 0;
const H5G_DATASET = 1;

/**
 * How many levels below the root a link may be for this package to ask HDF5 what it is. h5wasm
 * checks every prefix of a path from the root before answering, so that asking about each group of
 * a chain costs the cube of its depth: 100 levels take about a second, 200 five, 1000 ten minutes.
 * NWB files nest fewer than ten.
 */
export const MAX_LINK_DEPTH = 100;

/** What a link in a group is, without following it. */
export type LinkKind =
  | { readonly kind: 'group' }
  | { readonly kind: 'dataset' }
  | { readonly kind: 'soft'; readonly target: string }
  | { readonly kind: 'external'; readonly target: string; readonly file: string }
  | { readonly kind: 'other' };

/**
 * What is known about one dataset, worked out once and kept until this package changes the dataset
 * (resize, attributes): its metadata as h5wasm reports it, and what the read code derives from it.
 * Without it every read listed the dataset's attributes to look for the bool marker.
 */
export interface DatasetFacts {
  readonly meta: Metadata;
  /** The extent of each axis (`[0]` for a null dataspace). */
  readonly shape: readonly number[];
  /** The nwbjs dtype, bool marker applied; filled in by the read code on first use. */
  dtype?: DType;
  /** The description `stat` gives (layout and filters included); filled in on first use. */
  info?: Hdf5DatasetInfo;
}

/** The open file, shared by the read and write code. */
export class Hdf5File {
  readonly module: H5Module;
  readonly fileId: bigint;
  /** Heap buffer that reads land in. */
  readonly readBuffer: ScratchBuffer;
  /** Heap buffer that blocks of data are copied into before HDF5 writes them. */
  readonly writeBuffer: ScratchBuffer;
  readonly #children = new Map<string, Set<string>>();
  readonly #kinds = new Map<string, LinkKind>();
  readonly #datasets = new Map<string, DatasetFacts>();
  /** Paths as callers spell them, resolved; links are never removed, so a found target stays valid. */
  readonly #targets = new Map<string, { path: string; kind: 'group' | 'dataset' }>();

  /** Paths of the objects references point at. */
  readonly referencePaths = new ReferencePaths(this);
  /** Decodes region references (from the file's bytes); absent when the file's path is unknown. */
  readonly regions: RegionDecoder | undefined;
  /** Where HDF5 has the file, in h5wasm's file system. */
  readonly fsPath: string | undefined;
  /** Bools written as stand-ins, by id, to be rewritten into h5py's enum when the file closes. */
  readonly boolStandIns = new Map<string, BoolStandIn>();

  constructor(module: H5Module, fileId: bigint, fsPath?: string) {
    this.module = module;
    this.fileId = fileId;
    this.fsPath = fsPath;
    this.regions = fsPath === undefined ? undefined : new RegionDecoder(module, fileId, fsPath);
    this.readBuffer = new ScratchBuffer(module);
    this.writeBuffer = new ScratchBuffer(module);
  }

  /** Gives the heap buffers back (the file is being closed). */
  freeBuffers(): void {
    this.readBuffer.free();
    this.writeBuffer.free();
  }

  /** What is at `path` (not following a link there), or undefined; `path` must be normalized. */
  kindOf(path: string): LinkKind | undefined {
    if (path === '/') return { kind: 'group' };
    const cached = this.#kinds.get(path);
    if (cached !== undefined) return cached;
    const parent = parentPath(path);
    if (this.kindOf(parent)?.kind !== 'group') return undefined;
    if (!this.childNames(parent).has(baseName(path))) return undefined;
    if (depthOf(path) > MAX_LINK_DEPTH)
      throw new InvalidFileError(
        `groups nest deeper than ${MAX_LINK_DEPTH} levels, more than nwbjs reads from an HDF5 file`,
        { path },
      );
    const kind = guard(path, 'inspecting the link', () => this.#inspect(path));
    this.#kinds.set(path, kind);
    return kind;
  }

  #inspect(path: string): LinkKind {
    const soft = this.module.get_symbolic_link(this.fileId, path) as string | null;
    if (typeof soft === 'string') return { kind: 'soft', target: soft };
    const external = this.module.get_external_link(this.fileId, path) as {
      filename?: string;
      obj_path?: string;
    };
    if (typeof external.filename === 'string') {
      return { kind: 'external', target: external.obj_path ?? '/', file: external.filename };
    }
    const type = this.module.get_type(this.fileId, path);
    if (type === H5G_GROUP) return { kind: 'group' };
    if (type === H5G_DATASET) return { kind: 'dataset' };
    return { kind: 'other' };
  }

  /**
   * The object header address of the group or dataset at `path`, as the hex of the object
   * reference HDF5 makes to it: the same through every hard link.
   */
  addressOf(path: string): string {
    const bytes = guard(path, "finding the object's address", () =>
      this.module.create_object_reference(this.fileId, path),
    );
    return addressKey(bytes as ArrayLike<number>);
  }

  /** Names of the links in the group at `path` (which must be a group). */
  childNames(path: string): Set<string> {
    let names = this.#children.get(path);
    if (names === undefined) {
      const listed = guard(path, 'listing the group', () => this.module.get_names(this.fileId, path, false));
      names = new Set(listed);
      this.#children.set(path, names);
    }
    return names;
  }

  /**
   * The path of the group or dataset `path` names, following soft links on the way (at most a few
   * hops), or undefined if it leads nowhere in this file.
   */
  resolve(path: string, hops = 0): { path: string; kind: 'group' | 'dataset' } | undefined {
    const kind = this.kindOf(path);
    if (kind === undefined) return undefined;
    if (kind.kind === 'group' || kind.kind === 'dataset') return { path, kind: kind.kind };
    if (kind.kind === 'soft' && hops < 8) {
      const target = normalizePath(kind.target);
      return target === undefined ? undefined : this.resolve(target, hops + 1);
    }
    return undefined;
  }

  /**
   * The group or dataset `rawPath` (as a caller spells it) names, soft links followed, or
   * undefined. Found targets are remembered: reading frame after frame of one dataset resolves
   * its path once.
   */
  target(rawPath: string): { path: string; kind: 'group' | 'dataset' } | undefined {
    const known = this.#targets.get(rawPath);
    if (known !== undefined) return known;
    const path = normalizePath(rawPath);
    const found = path === undefined ? undefined : this.resolve(path);
    // Misses are not remembered: the object may be created later by this writer.
    if (found !== undefined) this.#targets.set(rawPath, found);
    return found;
  }

  /** What is known about the dataset at `path` (normalized, resolved), read on first use. */
  datasetFacts(path: string): DatasetFacts {
    let facts = this.#datasets.get(path);
    if (facts === undefined) {
      const meta = guard(path, 'reading dataset metadata', () =>
        this.module.get_dataset_metadata(this.fileId, path),
      );
      facts = { meta, shape: meta.shape ?? [0] };
      this.#datasets.set(path, facts);
    }
    return facts;
  }

  /** Dataset metadata (datatype, shape, chunks), cached until the dataset changes. */
  datasetMetadata(path: string): Metadata {
    return this.datasetFacts(path).meta;
  }

  /** Records a new link `name` in group `parent`, created by this writer. */
  added(path: string, kind: LinkKind): void {
    this.#children.get(parentPath(path))?.add(baseName(path));
    this.#kinds.set(path, kind);
  }

  /** Forgets what is cached about an object this writer changed (its shape or its attributes). */
  changed(path: string): void {
    this.#datasets.delete(path);
  }

  /** Checks that a call that returns a status code succeeded. */
  check(status: number, path: string, what: string): void {
    if (typeof status === 'number' && status < 0)
      throw backendError(path, `${what} failed (HDF5 status ${status})`);
  }
}

/** How many names a normalized path has (`/` has none). */
function depthOf(path: string): number {
  let depth = 0;
  for (let at = path.indexOf('/'); at >= 0; at = path.indexOf('/', at + 1)) depth++;
  return path === '/' ? 0 : depth;
}
