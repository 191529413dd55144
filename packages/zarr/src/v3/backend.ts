/**
 * ZarrV3Backend: the storage interface over an hdmf-zarr >= 0.14 store, Zarr format 3.
 *
 * Writing is the package's (`staged-backend.ts`, shared with format 2) with the v3 layout below:
 * records from `array-definition.ts`, chunks through `chunk-sink.ts` and, at close, every
 * `zarr.json` with the consolidated metadata on the root (`documents.ts`).
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
  NdArray,
  NumericArray,
  NumericDType,
  ObjectRef,
  StorageCapabilities,
} from '@nwbjs/core';
import type { ChunkEncoding, DatasetInfo, Hyperslab, NodeInfo, ReadOptions } from '@nwbjs/core/backend';
import {
  BackendError,
  InvalidFileError,
  NotFoundError,
  ValidationError,
  isNWBError,
  isObjectRef,
  shapeSize,
} from '@nwbjs/core';
import {
  baseName,
  checkSelection,
  chunksFor,
  holdsRegionReferences,
  hyperslabShape,
  joinPath,
  parentPath,
  PromiseCache,
  typedArrayFor,
} from '@nwbjs/core/backend';
import { ZARR_CAPABILITIES } from '../capabilities.js';
import type { JsonObject } from '../conventions/json.js';
import { JsonNumber, parseJson, stringifyJson, toPlain } from '../conventions/json.js';
import type { StoredLink } from '../conventions/links.js';
import { linksFromJson } from '../conventions/links.js';
import { referenceFromStored } from '../conventions/references.js';
import { parseMetadataBytes } from '../metadata.js';
import type { WriteLayout } from '../staged-backend.js';
import { StagedZarrBackend } from '../staged-backend.js';
import { checkChunkIndex, readStoredKey, storedChunkIndices } from '../stored-chunks.js';
import { checkStorePath, isSafeName, keyOf } from '../stores/keys.js';
import type { StagingStore, ZarrStore } from '../stores/store.js';
import { isListable, isSpanReadable, prefixOf } from '../stores/store.js';
import { readRawChunks } from '../raw-chunks.js';
import type { V3ArrayRecord } from './array-definition.js';
import { v3ArrayRecord } from './array-definition.js';
import { V3_RESERVED_ATTRIBUTES, v3AttributeToJson, v3Attributes } from './attributes.js';
import { V3ChunkSink } from './chunk-sink.js';
import { compressionOfCodecs } from './compression.js';
import { consolidatedDocuments } from './consolidated.js';
import { documentOf, writeV3Documents } from './documents.js';
import type { V3Element } from './element-type.js';
import { elementOf } from './element-type.js';
import { numericFill } from './fill-value.js';
import { v3PlainChunks } from './plain-chunks.js';
import type { V3Array, V3Group, V3Node } from './node-document.js';
import { chunkKeyOf, parseNodeDocument } from './node-document.js';
import { readPackedSelection } from './packed-chunks.js';
import { v3EncodedArrayRecord, v3EncodingOf } from './stored-chunks.js';
import { registerV3Codecs } from './vlen-utf8.js';

/**
 * What a v3 store can hold: what a v2 store can, except that other readers see one kind of text
 * (ASCII is kept for nwbjs in the `nwbjs` member, and writeTree warns).
 */
const ZARR_V3_CAPABILITIES: StorageCapabilities = { ...ZARR_CAPABILITIES, asciiText: false };

/**
 * hdmf-zarr 0.14's layout for writing: one `zarr.json` a node with the consolidated metadata on the
 * root, chunk keys `c/i/j`, `_REFERENCE` attributes, chunks equal to the fill value not stored.
 */
function v3Layout(staging: StagingStore): WriteLayout {
  const sink = new V3ChunkSink(staging);
  return {
    reservedAttributes: V3_RESERVED_ATTRIBUTES,
    arrayRecord: (path, definition, data) => {
      const chunks =
        definition.shape.length === 0
          ? undefined
          : (definition.chunks ?? chunksFor(definition, ZARR_V3_CAPABILITIES));
      return v3ArrayRecord(path, definition, chunks, data);
    },
    attributeJson: (value, name, path, isRoot) => v3AttributeToJson(value, name, path, isRoot),
    readChunk: (record, index, count, use) => sink.readChunk(record as V3ArrayRecord, index, count, use),
    writeChunk: (record, index, chunk) => sink.writeChunk(record as V3ArrayRecord, index, chunk),
    encodedArrayRecord: (path, definition, encoding) => v3EncodedArrayRecord(path, definition, encoding),
    storeChunks: (record, chunks) => sink.storeChunks(record as V3ArrayRecord, chunks),
    writeMetadata: writeV3Documents,
  };
}

/** How a {@link ZarrV3Backend} is opened (see `openZarr`). */
export interface ZarrV3BackendInit {
  readonly store: ZarrStore;
  /** The root `zarr.json`, parsed (reading). */
  readonly root?: JsonObject;
  /** Present when writing: where chunks and, at close, metadata go. */
  readonly staging?: StagingStore;
  /** Where the store lives, for messages. */
  readonly location: string;
  readonly chunkConcurrency?: number;
}

/** What this library keeps in a node's `nwbjs` member (see documents.ts). */
interface Extension {
  readonly attributeDTypes: ReadonlyMap<string, string>;
  readonly ascii: boolean;
  readonly textLength: number | undefined;
  readonly maxShape: (number | null)[] | undefined;
}

interface GroupState {
  readonly node: V3Group;
  readonly links: Map<string, StoredLink>;
  readonly ext: Extension;
}

interface ArrayState {
  readonly node: V3Array;
  readonly ext: Extension;
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
export class ZarrV3Backend extends StagedZarrBackend {
  readonly capabilities = ZARR_V3_CAPABILITIES;
  /** Always 3: which Zarr format the store is. */
  readonly zarrFormat = 3;
  readonly #store: ZarrStore;
  readonly #consolidated: Map<string, JsonObject> | undefined;
  readonly #root: JsonObject | undefined;
  readonly #states = new PromiseCache<string, State | undefined>();

  /** Use `openZarr`, which detects the format (and writes format 3 with `zarrFormat: 3`). */
  constructor(init: ZarrV3BackendInit) {
    super(init, init.staging === undefined ? undefined : v3Layout(init.staging));
    registerV3Codecs();
    this.#store = init.staging ?? init.store;
    this.#root = init.root;
    this.#consolidated = init.root === undefined ? undefined : consolidatedDocuments(init.root);
  }

  /** True when node documents came from the root's consolidated metadata. */
  get consolidated(): boolean {
    return this.#consolidated !== undefined;
  }

  async stat(path: string): Promise<NodeInfo | undefined> {
    this.checkOpen(path);
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
    this.checkOpen(path);
    const state = await this.#require(path);
    if (!isGroup(state)) throw new NotFoundError('not a group', { path });
    const names = new Set<string>(state.links.keys());
    for (const name of await this.#children(path)) names.add(name);
    return [...names].sort();
  }

  async readAttributes(path: string): Promise<Attributes> {
    this.checkOpen(path);
    const state = await this.#require(path);
    return v3Attributes(state.node.attrs, path, state.ext.attributeDTypes);
  }

  async readData(path: string, slab: Hyperslab, options: ReadOptions = {}): Promise<NdArray> {
    this.checkOpen(path);
    // Chunks still queued must land before they are read back.
    await this.queue?.settle();
    const state = await this.#require(path);
    if (isGroup(state)) throw new NotFoundError('not a dataset', { path });
    const logical = state.scalarOne ? [] : state.node.shape;
    checkSelection(path, logical, slab);
    const shape = logical.length === 0 ? [] : hyperslabShape(slab);
    const start = state.scalarOne ? [0] : slab.start;
    const count = state.scalarOne ? [1] : slab.count;
    const step = state.scalarOne ? [1] : slab.step;
    const { element } = state;
    if (shapeSize(count) === 0) return emptyOf(element.dtype, shape);
    if (
      element.kind === 'empty-region' ||
      (element.kind === 'packed' && holdsRegionReferences(element.dtype))
    )
      throw new InvalidFileError('region references are marked on a dataset that is not empty', { path });
    if (element.kind === 'vlen-bytes' || element.kind === 'packed') {
      const values = await readPackedSelection(
        this.#store,
        state.node,
        element,
        start,
        count,
        step,
        this.concurrency,
      );
      if (element.kind === 'vlen-bytes') return { dtype: 'ascii', shape, data: values as string[] };
      if (element.dtype === 'float32')
        return { dtype: 'float32', shape, data: Float32Array.from(values as number[]) };
      const data = await this.#neutral(element.dtype, element.refFields, values, path);
      return { dtype: element.dtype, shape, data } as NdArray;
    }
    if (
      element.dtype !== 'utf8' &&
      element.dtype !== 'ref' &&
      !this.writable &&
      isSpanReadable(this.#store)
    ) {
      const plain = v3PlainChunks(state.node, element.dtype);
      if (plain !== undefined) {
        const out = options.out === undefined ? undefined : outFor(element.dtype, count, options.out, path);
        const data = await readRawChunks(this.#store, plain, start, count, step, out, this.concurrency);
        return { dtype: element.dtype, shape, data };
      }
    }
    const values = await this.#zarritaRead(state, start, count, step);
    if (element.dtype === 'utf8' || element.dtype === 'ref') {
      const texts = Array.from(values as ArrayLike<unknown>, (v) => (typeof v === 'string' ? v : ''));
      if (element.dtype === 'utf8') {
        if (!state.ext.ascii) return { dtype: 'utf8', shape, data: texts };
        const { textLength } = state.ext;
        return { dtype: 'ascii', shape, data: texts, ...(textLength === undefined ? {} : { textLength }) };
      }
      const refs = texts.map((t) => referenceOfText(t, path));
      await this.#checkTargets(refs, path);
      return { dtype: 'ref', shape, data: refs };
    }
    const ctor = typedArrayFor(element.dtype);
    let data: NumericArray;
    if (values instanceof ctor) data = values as NumericArray;
    else if (element.dtype === 'bool') {
      // zarrita gives a BoolArray (a view of bytes), or for a 0-d array the boolean itself.
      const b = values as unknown as { buffer?: ArrayBufferLike; byteOffset: number; length: number };
      data =
        b.buffer instanceof ArrayBuffer
          ? new Uint8Array(b.buffer, b.byteOffset, b.length)
          : Uint8Array.from(values as ArrayLike<unknown>, (v) => (v ? 1 : 0));
    } else
      data = (ctor as unknown as { from(v: ArrayLike<unknown>): NumericArray }).from(
        values as ArrayLike<unknown>,
      );
    if (options.out !== undefined) {
      const out = outFor(element.dtype, count, options.out, path);
      (out as unknown as { set(a: ArrayLike<unknown>): void }).set(data as ArrayLike<unknown>);
      data = out;
    }
    return { dtype: element.dtype, shape, data };
  }

  /**
   * How the chunks of the array at `path` are stored, when they can be handed out as they are
   * (unsharded numbers whose codecs have an exact neutral name: see `v3/stored-chunks.ts`).
   */
  async chunkEncoding(path: string): Promise<ChunkEncoding | undefined> {
    this.checkOpen(path);
    const state = await this.#requireArray(path);
    return state.scalarOne ? undefined : v3EncodingOf(state.node);
  }

  async *storedChunks(path: string): AsyncGenerator<readonly number[]> {
    this.checkOpen(path);
    const { node } = await this.#requireArray(path);
    await this.queue?.settle();
    yield* storedChunkIndices(this.#store, {
      path: node.path,
      shape: node.shape,
      chunks: node.chunkShape,
      separator: node.separator,
      ...(node.keyEncoding === 'default' ? { lead: 'c' } : {}),
    });
  }

  async readStoredChunk(path: string, index: readonly number[]): Promise<Uint8Array | undefined> {
    this.checkOpen(path);
    const { node } = await this.#requireArray(path);
    checkChunkIndex({ path: node.path, shape: node.shape, chunks: node.chunkShape }, index);
    await this.queue?.settle();
    return readStoredKey(this.#store, node.path, keyOf(node.path, chunkKeyOf(node, index)));
  }

  // ---------------------------------------------------------------- internals

  async #requireArray(path: string): Promise<ArrayState> {
    const state = await this.#require(path);
    if (isGroup(state)) throw new NotFoundError('not a dataset', { path });
    return state;
  }

  async #require(path: string): Promise<State> {
    checkStorePath(path, path);
    const state = await this.#state(path);
    if (state === undefined) throw new NotFoundError('no such group or dataset', { path });
    return state;
  }

  #state(path: string): Promise<State | undefined> {
    if (this.nodes !== undefined) return Promise.resolve(this.#writtenState(path));
    return this.#states.get(path, (p) => this.#load(p));
  }

  /** A node being written, as a reader of its `zarr.json` would see it. */
  #writtenState(path: string): State | undefined {
    const record = this.nodes!.get(path);
    if (record === undefined) return undefined;
    const doc = parseJson(stringifyJson(documentOf(record), 0, false)) as JsonObject;
    return this.#stateOf(parseNodeDocument(doc, path));
  }

  async #load(path: string): Promise<State | undefined> {
    if (path !== '/') {
      const parent = await this.#state(parentPath(path));
      if (parent === undefined || !isGroup(parent)) return undefined;
    }
    const doc = path === '/' ? this.#root : await this.#document(path);
    if (doc === undefined) return undefined;
    return this.#stateOf(parseNodeDocument(doc, path));
  }

  #stateOf(node: V3Node): State {
    const path = node.path;
    const ext = extensionOf(node.document);
    if (node.kind === 'group') {
      const stored = node.attrs.get('_LINKS') ?? node.attrs.get('zarr_link');
      const links = new Map(linksFromJson(stored, path).map((l) => [l.name, l]));
      return { node, links, ext };
    }
    const marker = node.attrs.get('_SCALAR') === true || node.attrs.get('zarr_dtype') === 'scalar';
    const scalarOne = marker && node.shape.length === 1 && node.shape[0] === 1;
    return { node, element: elementOf(node), scalarOne, ext };
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
    if (this.nodes !== undefined) return [...this.nodes.children(path)];
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
      // zarrita knows "NaN" and the infinities as float fill values, not the hex of a float's bits.
      const hex = typeof doc['fill_value'] === 'string' && doc['fill_value'].startsWith('0x');
      const fill = hex ? numericFill(state.node.fill, String(doc['data_type']), state.node.path) : undefined;
      const metadata = { ...doc, attributes: {}, ...(fill === undefined ? {} : { fill_value: fill }) };
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
/** `out` (as long as the selection of `count`), checked to be an array of `dtype`'s elements. */
function outFor(
  dtype: NumericDType | 'bool',
  count: readonly number[],
  out: NonNullable<ReadOptions['out']>,
  path: string,
): NumericArray {
  const ctor = typedArrayFor(dtype);
  const size = shapeSize(count);
  if (!(out instanceof ctor) || out.length < size)
    throw new ValidationError(`out must be a ${ctor.name} of at least ${size} elements`, {
      path,
      rule: 'out-buffer',
    });
  return (out.length === size ? out : (out as NumericArray).subarray(0, size)) as NumericArray;
}

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

/** The `nwbjs` member of a node's document (written by this library; absent elsewhere). */
function extensionOf(doc: JsonObject): Extension {
  const ext = doc.get('nwbjs');
  const attributeDTypes = new Map<string, string>();
  let maxShape: (number | null)[] | undefined;
  let textLength: number | undefined;
  let ascii = false;
  if (ext instanceof Map) {
    const dtypes = ext.get('attribute_dtypes');
    if (dtypes instanceof Map)
      for (const [k, v] of dtypes) if (typeof v === 'string') attributeDTypes.set(k, v);
    ascii = ext.get('dtype') === 'ascii';
    const length = ext.get('text_length');
    if (length instanceof JsonNumber && !length.isFloat && length.value > 0) textLength = length.value;
    const ms = ext.get('max_shape');
    if (Array.isArray(ms) && ms.every((d) => d === null || (d instanceof JsonNumber && !d.isFloat)))
      maxShape = ms.map((d) => (d === null ? null : (d as JsonNumber).value));
  }
  return { attributeDTypes, ascii, textLength, maxShape };
}

function datasetInfo(state: ArrayState): DatasetInfo {
  const { node, element } = state;
  const scalar = state.scalarOne || node.shape.length === 0;
  const compression = scalar ? undefined : compressionOfCodecs(node.codecs);
  const numeric =
    element.kind === 'zarrita' &&
    element.dtype !== 'utf8' &&
    element.dtype !== 'ref' &&
    element.dtype !== 'bool';
  const stored = numeric ? numericFill(node.fill, element.dtype, node.path) : undefined;
  const fill = typeof stored === 'bigint' ? Number(stored) : stored;
  const maxShape = scalar ? undefined : state.ext.maxShape;
  return {
    kind: 'dataset',
    path: node.path,
    dtype: element.dtype === 'utf8' && state.ext.ascii ? 'ascii' : element.dtype,
    shape: scalar ? [] : [...node.shape],
    ...(scalar ? {} : { chunks: [...node.chunkShape] }),
    ...(maxShape !== undefined ? { maxShape: [...maxShape] } : {}),
    ...(compression !== undefined ? { compression } : {}),
    ...(numeric && fill !== undefined && fill !== 0 && !Number.isNaN(fill) ? { fillValue: fill } : {}),
  };
}
