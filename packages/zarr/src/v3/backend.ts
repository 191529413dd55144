/**
 * ZarrV3Backend: the storage interface over an hdmf-zarr >= 0.14 store, Zarr format 3.
 *
 * Node documents come from the root `zarr.json`'s consolidated metadata when it has some (one
 * request opens a remote store, as `zarr.open_consolidated` does in Python), otherwise from each
 * node's own `zarr.json`, listed through the store. Numbers, bools and text are read by zarrita
 * (`zarr.Array` built from the parsed document, `zarr.get`, its codec registry and sharding);
 * packed records (`struct`, `fixed_length_utf32`) by `packed-chunks.ts`. A chunk that was never
 * written reads as the fill value: zarr-python does not write chunks equal to it.
 */
import type { AbsolutePath, Readable } from '@zarrita/storage';
import * as zarr from 'zarrita';
import type {
  Attributes,
  DatasetInfo,
  Hyperslab,
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
  baseName,
  hyperslabShape,
  isNWBError,
  isObjectRef,
  joinPath,
  parentPath,
  shapeSize,
  typedArrayFor,
} from '@nwbjs/core';
import { SUPPORTED_CODECS } from '../codecs.js';
import type { JsonObject } from '../conventions/json.js';
import { JsonNumber, parseJson, toPlain } from '../conventions/json.js';
import type { StoredLink } from '../conventions/links.js';
import { linksFromJson } from '../conventions/links.js';
import { referenceFromStored } from '../conventions/references.js';
import { parseMetadataBytes } from '../metadata.js';
import { checkStorePath, isSafeName, keyOf } from '../stores/keys.js';
import type { ZarrStore } from '../stores/store.js';
import { isListable, prefixOf } from '../stores/store.js';
import { v3Attributes } from './attributes.js';
import { compressionOfCodecs } from './compression.js';
import { consolidatedDocuments } from './consolidated.js';
import type { V3Element } from './element-type.js';
import { elementOf } from './element-type.js';
import type { V3Array, V3Group } from './node-document.js';
import { parseNodeDocument } from './node-document.js';
import { readPackedSelection } from './packed-chunks.js';
import { registerV3Codecs } from './vlen-utf8.js';

/** Chunks fetched and decoded at once by default. */
const DEFAULT_CONCURRENCY = 8;

/** What a v3 store can hold, as the storage interface asks. */
export const ZARR_V3_CAPABILITIES: StorageCapabilities = {
  compression: SUPPORTED_CODECS,
  shuffle: true,
  externalLinks: true,
  compound: true,
  regionReferences: false,
};

/** How a {@link ZarrV3Backend} is opened (see `openZarr`). */
export interface ZarrV3BackendInit {
  readonly store: ZarrStore;
  /** The root `zarr.json`, parsed. */
  readonly root: JsonObject;
  /** Where the store lives, for messages. */
  readonly location: string;
  readonly chunkConcurrency?: number;
}

interface GroupState {
  readonly node: V3Group;
  readonly links: Map<string, StoredLink>;
}

interface ArrayState {
  readonly node: V3Array;
  readonly element: V3Element;
  /** Shape (1,) marked as a scalar (`_SCALAR`, legacy `zarr_dtype: "scalar"`): read as shape []. */
  readonly scalarOne: boolean;
  zarrita?: zarr.Array<zarr.DataType, Readable>;
}

type State = GroupState | ArrayState;

function isGroup(state: State): state is GroupState {
  return state.node.kind === 'group';
}

/** The storage interface over a Zarr format 3 (hdmf-zarr >= 0.14) store. */
export class ZarrV3Backend implements StorageWriter {
  readonly format = 'zarr';
  readonly capabilities = ZARR_V3_CAPABILITIES;
  readonly location: string;
  /** Always 3: which Zarr format the store is. */
  readonly zarrFormat = 3;
  readonly #store: ZarrStore;
  readonly #consolidated: Map<string, JsonObject> | undefined;
  readonly #root: JsonObject;
  readonly #states = new Map<string, Promise<State | undefined>>();
  readonly #concurrency: number;
  #closed = false;

  /** Use `openZarr`, which detects the format. */
  constructor(init: ZarrV3BackendInit) {
    registerV3Codecs();
    this.#store = init.store;
    this.#root = init.root;
    this.#consolidated = consolidatedDocuments(init.root);
    this.location = init.location;
    this.#concurrency = Math.max(1, Math.floor(init.chunkConcurrency ?? DEFAULT_CONCURRENCY));
  }

  /** True when node documents came from the root's consolidated metadata. */
  get consolidated(): boolean {
    return this.#consolidated !== undefined;
  }

  async stat(path: string): Promise<NodeInfo | undefined> {
    this.#checkOpen(path);
    checkStorePath(path, path);
    if (path !== '/') {
      const parent = await this.#state(parentPath(path));
      if (parent === undefined || !isGroup(parent)) return undefined;
      const link = parent.links.get(baseName(path));
      if (link !== undefined) return { kind: 'link', path, ...link.target };
    }
    const state = await this.#state(path);
    if (state === undefined) return undefined;
    return isGroup(state) ? { kind: 'group', path } : datasetInfo(state);
  }

  async list(path: string): Promise<string[]> {
    this.#checkOpen(path);
    const state = await this.#require(path);
    if (!isGroup(state)) throw new NotFoundError('not a group', { path });
    const names = new Set<string>(state.links.keys());
    for (const name of await this.#children(path)) names.add(name);
    return [...names].sort();
  }

  async readAttributes(path: string): Promise<Attributes> {
    this.#checkOpen(path);
    const state = await this.#require(path);
    return v3Attributes(state.node.attrs, path);
  }

  async readData(path: string, slab: Hyperslab, options: ReadOptions = {}): Promise<NdArray> {
    this.#checkOpen(path);
    const state = await this.#require(path);
    if (isGroup(state)) throw new NotFoundError('not a dataset', { path });
    const logical = state.scalarOne ? [] : state.node.shape;
    checkSelection(path, slab, logical);
    const shape = logical.length === 0 ? [] : hyperslabShape(slab);
    const start = state.scalarOne ? [0] : slab.start;
    const count = state.scalarOne ? [1] : slab.count;
    const step = state.scalarOne ? [1] : slab.step;
    const { element } = state;
    if (shapeSize(count) === 0) return emptyOf(element.dtype, shape);
    if (element.kind === 'packed') {
      const values = await readPackedSelection(
        this.#store,
        state.node,
        element,
        start,
        count,
        step,
        this.#concurrency,
      );
      if (element.dtype === 'float32')
        return { dtype: 'float32', shape, data: Float32Array.from(values as number[]) };
      const data = await this.#neutral(element.dtype, element.refFields, values, path);
      return { dtype: element.dtype, shape, data } as NdArray;
    }
    const values = await this.#zarritaRead(state, start, count, step);
    if (element.dtype === 'utf8' || element.dtype === 'ref') {
      const texts = Array.from(values as ArrayLike<unknown>, (v) => (typeof v === 'string' ? v : ''));
      if (element.dtype === 'utf8') return { dtype: 'utf8', shape, data: texts };
      const refs = texts.map((t) => referenceOfText(t, path));
      await this.#checkTargets(refs, path);
      return { dtype: 'ref', shape, data: refs };
    }
    const ctor = typedArrayFor(element.dtype);
    let data: NumericArray;
    if (values instanceof ctor) data = values as NumericArray;
    else if (element.dtype === 'bool') {
      const b = values as unknown as { buffer: ArrayBufferLike; byteOffset: number; length: number };
      data = new Uint8Array(b.buffer, b.byteOffset, b.length);
    } else
      data = (ctor as unknown as { from(v: ArrayLike<unknown>): NumericArray }).from(
        values as ArrayLike<unknown>,
      );
    if (options.out !== undefined) {
      const size = shapeSize(count);
      const out = options.out;
      if (!(out instanceof ctor) || out.length < size)
        throw new ValidationError(`out must be a ${ctor.name} of at least ${size} elements`, {
          path,
          rule: 'out-buffer',
        });
      (out as unknown as { set(a: ArrayLike<unknown>): void }).set(data as ArrayLike<unknown>);
      data = (out.length === size ? out : (out as NumericArray).subarray(0, size)) as NumericArray;
    }
    return { dtype: element.dtype, shape, data };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  /** False: writing Zarr format 3 is not available yet. */
  get writable(): boolean {
    return false;
  }

  async abort(): Promise<void> {
    this.#closed = true;
  }

  async createGroup(path: string): Promise<void> {
    throw readOnly(path);
  }

  async createDataset(path: string): Promise<void> {
    throw readOnly(path);
  }

  async writeData(path: string): Promise<void> {
    throw readOnly(path);
  }

  async resize(path: string): Promise<void> {
    throw readOnly(path);
  }

  async setAttribute(path: string): Promise<void> {
    throw readOnly(path);
  }

  async createLink(path: string): Promise<void> {
    throw readOnly(path);
  }

  // ---------------------------------------------------------------- internals

  #checkOpen(path: string): void {
    if (this.#closed) throw new BackendError('the store is closed', { path, backend: 'zarr' });
  }

  async #require(path: string): Promise<State> {
    checkStorePath(path, path);
    const state = await this.#state(path);
    if (state === undefined) throw new NotFoundError('no such group or dataset', { path });
    return state;
  }

  #state(path: string): Promise<State | undefined> {
    let pending = this.#states.get(path);
    if (pending === undefined) {
      pending = this.#load(path);
      this.#states.set(path, pending);
    }
    return pending;
  }

  async #load(path: string): Promise<State | undefined> {
    if (path !== '/') {
      const parent = await this.#state(parentPath(path));
      if (parent === undefined || !isGroup(parent)) return undefined;
    }
    const doc = path === '/' ? this.#root : await this.#document(path);
    if (doc === undefined) return undefined;
    const node = parseNodeDocument(doc, path);
    if (node.kind === 'group') {
      const stored = node.attrs.get('_LINKS') ?? node.attrs.get('zarr_link');
      const links = new Map(linksFromJson(stored, path).map((l) => [l.name, l]));
      return { node, links };
    }
    const marker = node.attrs.get('_SCALAR') === true || node.attrs.get('zarr_dtype') === 'scalar';
    const scalarOne = marker && node.shape.length === 1 && node.shape[0] === 1;
    return { node, element: elementOf(node), scalarOne };
  }

  async #document(path: string): Promise<JsonObject | undefined> {
    if (this.#consolidated !== undefined) return this.#consolidated.get(path);
    const key = keyOf(path, 'zarr.json');
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.#store.get(key);
    } catch (cause) {
      if (isNWBError(cause)) throw cause;
      throw new BackendError(`could not read ${key.slice(1)}: ${(cause as Error).message}`, {
        path,
        backend: 'zarr',
        cause,
      });
    }
    if (bytes === undefined) return undefined;
    const doc = parseMetadataBytes(bytes, 'zarr.json', path);
    if (!(doc instanceof Map)) throw new InvalidFileError('zarr.json is not a JSON object', { path });
    return doc;
  }

  async #children(path: string): Promise<string[]> {
    if (this.#consolidated !== undefined) {
      const names: string[] = [];
      for (const p of this.#consolidated.keys())
        if (p !== '/' && parentPath(p) === path) names.push(baseName(p));
      return names;
    }
    if (!isListable(this.#store)) {
      throw new BackendError(
        'listing a store without consolidated metadata needs a store that lists itself',
        {
          path,
          backend: 'zarr',
        },
      );
    }
    const candidates = (await this.#store.listChildren(prefixOf(path))).filter(isSafeName);
    const found = await Promise.all(
      candidates.map(async (name) =>
        (await this.#state(joinPath(path, name))) !== undefined ? name : undefined,
      ),
    );
    return found.filter((n): n is string => n !== undefined);
  }

  #zarritaArray(state: ArrayState): zarr.Array<zarr.DataType, Readable> {
    if (state.zarrita === undefined) {
      const doc = toPlain(state.node.document) as Record<string, unknown>;
      const metadata = { ...doc, attributes: {} };
      try {
        state.zarrita = new zarr.Array(
          this.#store as Readable,
          state.node.path as AbsolutePath,
          metadata as never,
        );
      } catch (cause) {
        throw new InvalidFileError(`zarrita cannot read this array: ${(cause as Error).message}`, {
          path: state.node.path,
          cause,
        });
      }
    }
    return state.zarrita;
  }

  async #zarritaRead(
    state: ArrayState,
    start: readonly number[],
    count: readonly number[],
    step: readonly number[],
  ): Promise<ArrayLike<unknown>> {
    const array = this.#zarritaArray(state);
    const path = state.node.path;
    try {
      if (state.node.shape.length === 0) {
        const value = await zarr.get(array, null);
        return [value];
      }
      const selection = start.map((s, axis) =>
        zarr.slice(s, count[axis]! === 0 ? s : s + (count[axis]! - 1) * step[axis]! + 1, step[axis]!),
      );
      const chunk = (await zarr.get(array, selection)) as zarr.Chunk<zarr.DataType>;
      return cOrder(chunk);
    } catch (cause) {
      if (isNWBError(cause)) throw cause;
      const message = (cause as Error).message;
      throw new InvalidFileError(`could not read the data: ${message}`, { path, cause });
    }
  }

  /** Reference fields (and reference arrays) as ObjectRefs, checked to exist. */
  async #neutral(
    dtype: NdArray['dtype'],
    refFields: ReadonlySet<string>,
    values: unknown[],
    path: string,
  ): Promise<NdArray['data']> {
    if (dtype === 'ref') {
      const refs = values.map((v) => referenceOfText(String(v), path));
      await this.#checkTargets(refs, path);
      return refs;
    }
    if (refFields.size === 0) return values as NdArray['data'];
    const rows = values.map((row) => {
      const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
      for (const f of refFields) out[f] = referenceOfText(String(out[f]), path);
      return out;
    });
    await this.#checkTargets(
      rows.flatMap((r) => Object.values(r).filter(isObjectRef)),
      path,
    );
    return rows as NdArray['data'];
  }

  async #checkTargets(refs: readonly ObjectRef[], path: string): Promise<void> {
    const targets = [...new Set(refs.map((r) => r.path))];
    await Promise.all(
      targets.map(async (target) => {
        if ((await this.stat(target)) === undefined)
          throw new NotFoundError(`reference to a missing object ${target}`, { path });
      }),
    );
  }
}

/** A selection of no elements. */
function emptyOf(dtype: NdArray['dtype'], shape: number[]): NdArray {
  if (
    typeof dtype === 'string' &&
    dtype !== 'utf8' &&
    dtype !== 'ascii' &&
    dtype !== 'ref' &&
    dtype !== 'region'
  )
    return { dtype, shape, data: new (typedArrayFor(dtype))(0) };
  return { dtype, shape, data: [] } as NdArray;
}

function readOnly(path: string): UnsupportedError {
  return new UnsupportedError('the store is open read-only', { path, feature: 'write', backend: 'zarr' });
}

/** A reference element: a plain target path, or the JSON text of `{"source", "path"}`. */
function referenceOfText(text: string, where: string): ObjectRef {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = toPlain(parseJson(trimmed));
    } catch (cause) {
      throw new InvalidFileError('a reference element is neither a path nor a reference object', {
        path: where,
        cause,
      });
    }
    return referenceFromStored(parsed, where);
  }
  if (text === '') throw new InvalidFileError('a reference element is empty', { path: where });
  return referenceFromStored({ source: '.', path: text }, where);
}

/** zarrita's result in C order (a `transpose` codec gives it in the stored order). */
function cOrder(chunk: zarr.Chunk<zarr.DataType>): ArrayLike<unknown> {
  const { data, shape, stride } = chunk;
  const c = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    c[i] = s;
    s *= shape[i]!;
  }
  if (stride.every((v, i) => v === c[i] || shape[i] === 1)) return data as ArrayLike<unknown>;
  const n = s;
  const src = data as unknown as { get?(i: number): unknown; [i: number]: unknown };
  const read = typeof src.get === 'function' ? (i: number) => src.get!(i) : (i: number) => src[i];
  const out = new Array<unknown>(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let at = 0;
    for (let a = 0; a < shape.length; a++) at += idx[a]! * stride[a]!;
    out[k] = read(at);
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a]! < shape[a]!) break;
      idx[a] = 0;
    }
  }
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const ctor = (data as unknown as { constructor: { from(v: unknown[]): ArrayLike<unknown> } }).constructor;
    return ctor.from(out);
  }
  return out;
}

function checkSelection(path: string, slab: Hyperslab, logical: readonly number[]): void {
  if (slab.start.length !== logical.length) {
    throw new ValidationError(`selection has ${slab.start.length} axes, the dataset ${logical.length}`, {
      path,
      rule: 'selection-rank',
    });
  }
  logical.forEach((d, axis) => {
    const count = slab.count[axis]!;
    const last = slab.start[axis]! + (count - 1) * slab.step[axis]!;
    if (count > 0 && (slab.start[axis]! < 0 || last >= d)) {
      throw new ValidationError(`selection is outside axis ${axis} of length ${d}`, {
        path,
        rule: 'selection-bounds',
      });
    }
  });
}

function datasetInfo(state: ArrayState): DatasetInfo {
  const { node, element } = state;
  const scalar = state.scalarOne || node.shape.length === 0;
  const compression = scalar ? undefined : compressionOfCodecs(node.codecs);
  const fill = node.fill instanceof JsonNumber ? node.fill.value : undefined;
  const numeric =
    element.kind === 'zarrita' &&
    element.dtype !== 'utf8' &&
    element.dtype !== 'ref' &&
    element.dtype !== 'bool';
  return {
    kind: 'dataset',
    path: node.path,
    dtype: element.dtype,
    shape: scalar ? [] : [...node.shape],
    ...(scalar ? {} : { chunks: [...node.chunkShape] }),
    ...(compression !== undefined ? { compression } : {}),
    ...(numeric && fill !== undefined && fill !== 0 && !Number.isNaN(fill) ? { fillValue: fill } : {}),
  };
}
