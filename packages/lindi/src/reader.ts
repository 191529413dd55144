/**
 * LindiBackend: a LINDI reference file read as NWB storage. The refs hold Zarr v2 metadata, and
 * LINDI's conventions on top of it are turned into the storage interface's neutral forms:
 * `_SOFT_LINK` groups are soft links, `_SCALAR` arrays of shape (1,) are scalars, `|O` arrays with
 * `_COMPOUND_DTYPE` are compound, `{"_REFERENCE": {...}}` values are object references, `"NaN"` /
 * `"Infinity"` attribute strings are floats, and a dataset marked `_EXTERNAL_ARRAY_LINK` is read
 * from its HDF5 file (when the caller says how) or refused naming it.
 */
import type {
  Attributes,
  Compression,
  DType,
  NdArray,
  ScalarDType,
  StorageCapabilities,
  StorageReader,
  StorageWriter,
} from '@nwbjs/core';
import { BackendError, InvalidFileError, NotFoundError, UnsupportedError, isNWBError } from '@nwbjs/core';
import type { DatasetDefinition, Hyperslab, LinkTarget, NodeInfo, ReadOptions } from '@nwbjs/core/backend';
import {
  baseName,
  checkSelection,
  emptyAttributes,
  isValidChildName,
  joinPath,
  normalizePath,
  parentPath,
  pathNames,
  PromiseCache,
} from '@nwbjs/core/backend';
import type { ArrayRecord, ByteCodec, ChunkValues, ElementCodec, JsonValue } from '@nwbjs/zarr/parts';
import {
  JsonNumber,
  NUMPY_TYPES,
  attributeFromJson,
  compressorFromMetadata,
  decodeElements,
  elementCodecOf,
  parseJson,
  readArray,
  shuffleCodec,
  toPlain,
  zarrayGrid,
} from '@nwbjs/zarr/parts';
import { openHdf5 } from '@nwbjs/hdf5';
import { platform } from '#lindi-platform';
import { EXTENSION_KEY, FORMAT, SPECIAL_ATTRIBUTES } from './names.js';

const platformFiles = platform.files;
import type { LindiSource, RangeStats, ReferenceOptions } from './reference-file.js';
import { ReferenceFile, isHttp } from './reference-file.js';
import { openRemoteHdf5 } from './remote-hdf5.js';

/** Soft links followed while resolving one path, at most. */
const MAX_LINK_HOPS = 64;

/** What LINDI files can hold, as far as writers ask (they are not written through this interface). */
export const LINDI_CAPABILITIES: StorageCapabilities = {
  compression: [],
  shuffle: false,
  externalLinks: false,
  compound: true,
};

/** Options of {@link openLindi}. */
export interface OpenLindiOptions extends ReferenceOptions {
  /** Chunks fetched at once by one read, at most (default 16). */
  concurrency?: number;
  /**
   * Opens the HDF5 file a dataset marked `_EXTERNAL_ARRAY_LINK` lives in (LINDI leaves datasets of
   * more than 1000 chunks in their HDF5 file). By default a URL is read with Range requests and a
   * local file with `openHdf5` (Node); where neither can be, reading such a dataset is an
   * UnsupportedError naming it.
   */
  openHdf5?: (url: string) => Promise<StorageReader>;
}

interface GroupNode {
  readonly kind: 'group';
  readonly path: string;
  readonly attrs: Map<string, JsonValue>;
  readonly children: Set<string>;
}

interface LinkNode {
  readonly kind: 'link';
  readonly path: string;
  readonly target: string;
}

interface ArrayNode {
  readonly kind: 'array';
  readonly path: string;
  readonly zarray: Map<string, JsonValue>;
  readonly attrs: Map<string, JsonValue>;
  record?: Promise<LindiArray>;
}

type Node = GroupNode | LinkNode | ArrayNode;

/** An array record plus what LINDI adds: its byte pipeline and where an external array lives. */
interface LindiArray extends ArrayRecord {
  /** Decoders applied to a chunk's bytes, in order (compressor first, then the filters reversed). */
  readonly pipeline: readonly ByteCodec[];
  /** The `.zarray` as stored. */
  readonly zarray: Map<string, JsonValue>;
  /** Where a dataset marked `_EXTERNAL_ARRAY_LINK` lives: the HDF5 file and the dataset's name there. */
  readonly external: { url: string; name: string } | undefined;
}

/**
 * Opens a LINDI reference file (path, URL, or the parsed JSON) as NWB storage. Parsed JSON is named
 * in errors by `options.name` (default `memory`). Chunks read together that lie next to each other
 * in one file are fetched with one Range request (see {@link LindiBackend.stats}).
 */
export async function openLindi(source: LindiSource, options: OpenLindiOptions = {}): Promise<LindiBackend> {
  return LindiBackend.open(source, options);
}

/**
 * A LINDI reference file as a {@link StorageReader}. It is a StorageWriter only in type (so that
 * NWBIO and apps open it like any backend): LINDI files are made from HDF5 files with
 * `writeLindi`, and every write method refuses.
 */
export class LindiBackend implements StorageWriter {
  readonly format = FORMAT;
  readonly capabilities = LINDI_CAPABILITIES;
  readonly location: string;
  readonly #file: ReferenceFile;
  readonly #nodes: Map<string, Node>;
  readonly #options: OpenLindiOptions;
  /** Readers of the HDF5 files external array links point to, by URL (a failed open is tried again next time). */
  readonly #external = new PromiseCache<string, StorageReader>();
  #closed = false;

  private constructor(file: ReferenceFile, nodes: Map<string, Node>, options: OpenLindiOptions) {
    this.location = file.location;
    this.#file = file;
    this.#nodes = nodes;
    this.#options = options;
  }

  /** Loads and indexes the reference file at `source`. */
  static async open(source: LindiSource, options: OpenLindiOptions = {}): Promise<LindiBackend> {
    const file = await ReferenceFile.load(source, options);
    return new LindiBackend(file, indexNodes(file), options);
  }

  /**
   * Range requests made for chunks so far, and the bytes they asked for; neighbouring chunks read
   * together (at most 64 KiB apart, up to 16 MiB) share one request.
   */
  get stats(): Readonly<RangeStats> {
    return { ...this.#file.stats };
  }

  async stat(path: string): Promise<NodeInfo | undefined> {
    this.#checkOpen(path);
    const normalized = normalizePath(path);
    if (normalized === undefined) return undefined;
    const node = this.#lookup(normalized, false);
    if (node === undefined) return undefined;
    if (node.kind === 'link') return { kind: 'link', path: normalized, target: node.target };
    if (node.kind === 'group') return { kind: 'group', path: normalized };
    const record = await this.#array(node);
    const compression = record.scalar ? undefined : compressionOf(record);
    return {
      kind: 'dataset',
      path: normalized,
      dtype: record.dtype,
      shape: record.scalar ? [] : [...record.shape],
      ...(record.scalar ? {} : { chunks: [...record.chunks] }),
      ...(compression === undefined ? {} : { compression }),
    };
  }

  async list(path: string): Promise<string[]> {
    this.#checkOpen(path);
    const node = this.#require(path);
    if (node.kind !== 'group') throw new NotFoundError('not a group', { path });
    return [...node.children].sort();
  }

  async readAttributes(path: string): Promise<Attributes> {
    this.#checkOpen(path);
    const node = this.#require(path);
    if (node.kind === 'link') throw new NotFoundError('a link has no attributes', { path });
    const out = emptyAttributes();
    for (const [name, value] of node.attrs) {
      if (SPECIAL_ATTRIBUTES.has(name)) continue;
      out[name] = attributeValue(value, name, path);
    }
    return out;
  }

  async readData(path: string, slab: Hyperslab, options: ReadOptions = {}): Promise<NdArray> {
    this.#checkOpen(path);
    const node = this.#require(path);
    if (node.kind !== 'array') throw new NotFoundError('not a dataset', { path });
    const record = await this.#array(node);
    checkSelection(path, record.scalar ? [] : record.shape, slab);
    if (record.external !== undefined) return this.#readExternal(record, slab, options);
    const read = await readArray(
      {
        concurrency: this.#options.concurrency ?? 16,
        readChunk: (r, index, count) => this.#readChunk(r as LindiArray, index, count),
        exists: async (target) => (await this.stat(target)) !== undefined,
      },
      record,
      slab,
      options.out,
    );
    // LINDI's `<U<n>` is numpy's width for variable-length text; only `|S<n>` is HDF5's fixed length.
    if (
      read.textLength !== undefined &&
      record.element.kind === 'fixed-text' &&
      record.element.encoding === 'U'
    ) {
      const { textLength: _, ...variable } = read;
      return variable;
    }
    return read;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const opened = await Promise.all([...this.#external.values()].map((p) => p.catch(() => undefined)));
    await Promise.all(opened.map((r) => r?.close()));
  }

  /** Same as {@link close}: a reader has nothing to discard. */
  async abort(): Promise<void> {
    await this.close();
  }

  createGroup(path: string): Promise<void> {
    return this.#readOnly(path);
  }
  createDataset(path: string, _definition: DatasetDefinition): Promise<void> {
    return this.#readOnly(path);
  }
  writeData(path: string): Promise<void> {
    return this.#readOnly(path);
  }
  resize(path: string): Promise<void> {
    return this.#readOnly(path);
  }
  setAttribute(path: string): Promise<void> {
    return this.#readOnly(path);
  }
  createLink(path: string, _target: LinkTarget): Promise<void> {
    return this.#readOnly(path);
  }

  #readOnly(path: string): Promise<void> {
    return Promise.reject(
      new UnsupportedError(
        'LINDI files are read here, not written through the storage interface (use writeLindi)',
        {
          path,
          feature: 'lindi-write',
          backend: FORMAT,
        },
      ),
    );
  }

  #checkOpen(path: string): void {
    if (this.#closed) throw new InvalidFileError('the LINDI file is closed', { path });
  }

  /** The node at `path`, following links on the way (and at the end when `followLast`). */
  #lookup(path: string, followLast: boolean, hops = 0): Node | undefined {
    let at = '/';
    let node = this.#nodes.get('/');
    const names = pathNames(path);
    for (let i = 0; i < names.length; i++) {
      if (node === undefined || node.kind !== 'group' || !node.children.has(names[i]!)) return undefined;
      at = joinPath(at, names[i]!);
      node = this.#nodes.get(at);
      if (node?.kind === 'link' && (followLast || i < names.length - 1)) {
        if (hops >= MAX_LINK_HOPS) throw new InvalidFileError('too many soft links', { path });
        node = this.#lookup(node.target, true, hops + 1);
      }
    }
    return node;
  }

  #require(path: string): Node {
    const normalized = normalizePath(path);
    const node = normalized === undefined ? undefined : this.#lookup(normalized, true);
    if (node === undefined) throw new NotFoundError('no such object', { path });
    return node;
  }

  #array(node: ArrayNode): Promise<LindiArray> {
    node.record ??= arrayRecordOf(node, this.#file);
    return node.record;
  }

  async #readChunk(
    record: LindiArray,
    index: readonly number[],
    count: number,
  ): Promise<ChunkValues | undefined> {
    const key = chunkKey(record, index);
    const stored = await this.#file.bytes(key, record.path);
    if (stored === undefined) return undefined;
    return decodeChunk(record, stored, count, key);
  }

  async #readExternal(record: LindiArray, slab: Hyperslab, options: ReadOptions): Promise<NdArray> {
    const { url, name } = record.external!;
    const open =
      this.#options.openHdf5 ??
      (isHttp(url)
        ? async (u: string) => (await openRemoteHdf5(u, this.#options)).reader
        : platformFiles === undefined
          ? undefined
          : openHdf5);
    if (open === undefined) {
      throw new UnsupportedError(
        `an external array link to ${name} in ${url} (LINDI leaves datasets of many chunks in their HDF5 file); give openHdf5 to read it`,
        { path: record.path, feature: 'lindi-external-array-link', backend: FORMAT },
      );
    }
    const reader = this.#external.get(url, () =>
      open(url).catch((cause: unknown) => {
        throw new BackendError(
          `could not open ${url}, where the external array link ${record.path} points${isNWBError(cause) ? `: ${cause.message}` : ''}`,
          { path: record.path, backend: FORMAT, cause },
        );
      }),
    );
    return (await reader).readData(`/${name.replace(/^\/+/, '')}`, slab, options);
  }
}

/** The neutral compression of an array's compressor or byte filters (HDF5's pipeline, as LINDI lists it). */
function compressionOf(record: LindiArray): Compression | undefined {
  const configs = [record.compressor, ...(Array.isArray(record.filters) ? record.filters : [])];
  const shuffle = configs.some((c) => c instanceof Map && c.get('id') === 'shuffle');
  const level = (c: Map<string, JsonValue>, key: string): { level?: number } => {
    const v = c.get(key);
    return v instanceof JsonNumber ? { level: v.value } : {};
  };
  for (const c of configs) {
    if (!(c instanceof Map)) continue;
    const id = c.get('id');
    const shuffled = shuffle ? { shuffle: true } : {};
    if (id === 'zlib' || id === 'gzip') return { codec: 'gzip', ...level(c, 'level'), ...shuffled };
    if (id === 'zstd') return { codec: 'zstd', ...level(c, 'level'), ...shuffled };
    if (id === 'blosc') {
      const cname = c.get('cname');
      const byteShuffle = c.get('shuffle');
      return {
        codec: 'blosc',
        ...level(c, 'clevel'),
        ...(typeof cname === 'string' ? { cname } : {}),
        shuffle: shuffle || !(byteShuffle instanceof JsonNumber && byteShuffle.value === 0),
      };
    }
  }
  return undefined;
}

/** Every group, array and soft link the refs describe, with each group's children. */
function indexNodes(file: ReferenceFile): Map<string, Node> {
  const meta = new Map<string, { zgroup?: JsonValue; zarray?: JsonValue; zattrs?: JsonValue }>();
  for (const [key, value] of file.refs) {
    const m = /^(?:(.*)\/)?\.(zgroup|zarray|zattrs)$/s.exec(key);
    if (m === null) continue;
    const path = m[1] === undefined ? '/' : `/${m[1]}`;
    if (path !== '/') {
      for (const name of pathNames(path)) {
        if (!isValidChildName(name) || name === '.' || name === '..')
          throw new InvalidFileError(`key ${JSON.stringify(key)} has an invalid name`, {
            path: file.location,
          });
      }
    }
    const entry = meta.get(path) ?? {};
    entry[`z${m[2]!.slice(1)}` as 'zgroup'] = metadataValue(value, key, path);
    meta.set(path, entry);
  }
  if (!meta.get('/')?.zgroup)
    throw new InvalidFileError('not a LINDI file: the refs have no root .zgroup', { path: file.location });
  const nodes = new Map<string, Node>();
  for (const [path, entry] of meta) {
    const attrs = entry.zattrs === undefined ? new Map<string, JsonValue>() : entry.zattrs;
    if (!(attrs instanceof Map)) throw new InvalidFileError('.zattrs is not a JSON object', { path });
    if (entry.zarray !== undefined) {
      if (!(entry.zarray instanceof Map))
        throw new InvalidFileError('.zarray is not a JSON object', { path });
      nodes.set(path, { kind: 'array', path, zarray: entry.zarray, attrs });
    } else if (entry.zgroup !== undefined) {
      const link = attrs.get('_SOFT_LINK');
      if (link instanceof Map) {
        const target = link.get('path');
        const normalized = typeof target === 'string' ? normalizePath(target) : undefined;
        if (normalized === undefined || !normalized.startsWith('/'))
          throw new InvalidFileError('_SOFT_LINK has no absolute path', { path });
        nodes.set(path, { kind: 'link', path, target: normalized });
      } else {
        nodes.set(path, { kind: 'group', path, attrs, children: new Set() });
      }
    }
  }
  // Every node is its parent's child; a parent without .zgroup is a group all the same.
  for (const path of [...nodes.keys()]) {
    for (let child = path; child !== '/'; child = parentPath(child)) {
      const parent = parentPath(child);
      let node = nodes.get(parent);
      if (node === undefined) {
        node = { kind: 'group', path: parent, attrs: new Map(), children: new Set() };
        nodes.set(parent, node);
      }
      if (node.kind !== 'group')
        throw new InvalidFileError(`${parent} has children but is not a group`, { path });
      if (node.children.has(baseName(child))) break;
      node.children.add(baseName(child));
    }
  }
  return nodes;
}

function metadataValue(value: JsonValue, key: string, path: string): JsonValue {
  if (typeof value !== 'string') return value;
  try {
    return parseJson(value.startsWith('base64:') ? atob(value.slice(7)) : value);
  } catch (cause) {
    throw new InvalidFileError(`${key} is not valid JSON`, { path, cause });
  }
}

/** The neutral value of one LINDI attribute. */
function attributeValue(value: JsonValue, name: string, path: string): NdArray {
  return attributeFromJson(lindiToHdmf(value), name, path, false);
}

/**
 * LINDI's attribute spellings as the Zarr package's attribute reader knows them: references (one,
 * or a list) as hdmf-zarr's `{"zarr_dtype": "object", "value": ...}`, `"NaN"` / `"Infinity"` /
 * `"-Infinity"` as the floats they stand for (LINDI refuses to write text attributes with those
 * values, so they are never text).
 */
function lindiToHdmf(value: JsonValue): JsonValue {
  const ref = referenceOf(value);
  if (ref !== undefined)
    return new Map<string, JsonValue>([
      ['zarr_dtype', 'object'],
      ['value', ref],
    ]);
  if (Array.isArray(value) && value.length > 0) {
    const refs = value.map(referenceOf);
    if (refs.every((r) => r !== undefined))
      return new Map<string, JsonValue>([
        ['zarr_dtype', 'object'],
        ['value', refs as JsonValue[]],
      ]);
  }
  return withFloats(value);
}

function referenceOf(value: JsonValue): JsonValue | undefined {
  const ref = value instanceof Map ? value.get('_REFERENCE') : undefined;
  return ref instanceof Map ? ref : undefined;
}

function withFloats(value: JsonValue): JsonValue {
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return new JsonNumber(value, true);
  if (Array.isArray(value)) return value.map(withFloats);
  return value;
}

/** The record of an array node: shape, element type, byte pipeline and LINDI's markers. */
async function arrayRecordOf(node: ArrayNode, file: ReferenceFile): Promise<LindiArray> {
  const { path, zarray, attrs } = node;
  const { shape, chunks, separator } = zarrayGrid(zarray, path);
  const filters = zarray.get('filters') ?? null;
  if (filters !== null && !Array.isArray(filters))
    throw new InvalidFileError('.zarray filters is not a list', { path });
  const filterList = (filters ?? []) as JsonValue[];
  const ids = filterList.map((f) => (f instanceof Map ? f.get('id') : undefined));
  const objectFilters = filterList.filter((_, i) => OBJECT_CODECS.has(ids[i] as string));
  const rawDType = zarray.get('dtype') ?? null;
  const element = elementCodecOf(rawDType, objectFilters, path);
  const scalar = attrs.get('_SCALAR') === true && shape.length === 1 && shape[0] === 1;
  // Byte decoders: the compressor, then the byte filters in reverse (the object codec is the element's).
  const pipeline: ByteCodec[] = [];
  const compressor = await compressorFromMetadata(zarray.get('compressor') ?? null, path);
  if (compressor !== undefined) pipeline.push(compressor);
  for (let i = filterList.length - 1; i >= 0; i--) {
    const f = filterList[i]!;
    const id = ids[i];
    if (typeof id === 'string' && OBJECT_CODECS.has(id)) continue;
    pipeline.push(await byteFilter(f, id, path));
  }
  const external = externalLink(attrs.get('_EXTERNAL_ARRAY_LINK'), path);
  const record: LindiArray = {
    kind: 'array',
    path,
    shape,
    chunks,
    scalar,
    dtype: 'uint8',
    rawDType,
    element,
    separator,
    fill: zarray.get('fill_value') ?? null,
    compressor: zarray.get('compressor') ?? null,
    filters,
    maxShape: undefined,
    attrs,
    attributeDTypes: new Map(),
    pipeline,
    zarray,
    external,
  };
  return { ...record, dtype: await dtypeOf(record, file) };
}

const OBJECT_CODECS: ReadonlySet<string> = new Set(['json2', 'vlen-utf8', 'vlen-bytes']);

async function byteFilter(config: JsonValue, id: unknown, path: string): Promise<ByteCodec> {
  if (id === 'shuffle' && config instanceof Map) {
    const size = config.get('elementsize');
    return shuffleCodec(size instanceof JsonNumber ? size.value : 4);
  }
  if (id === 'fletcher32') {
    // HDF5's checksum is 4 bytes after the data; the data are what the filters before it made.
    return {
      id: 'fletcher32',
      encode: () => Promise.reject(new Error('fletcher32 is not written')),
      decode: async (data) => {
        if (data.length < 4) throw new Error('a fletcher32 chunk is shorter than its checksum');
        return data.subarray(0, data.length - 4);
      },
    };
  }
  if (id === 'zlib' || id === 'gzip' || id === 'blosc' || id === 'zstd' || id === 'lz4') {
    const codec = await compressorFromMetadata(config, path);
    if (codec !== undefined) return codec;
  }
  throw new UnsupportedError(`filter ${JSON.stringify(id)} is not supported`, {
    path,
    feature: `filter:${String(id)}`,
    backend: FORMAT,
  });
}

function externalLink(value: JsonValue | undefined, path: string): LindiArray['external'] {
  if (value === undefined) return undefined;
  const url = value instanceof Map ? value.get('url') : undefined;
  const name = value instanceof Map ? value.get('name') : undefined;
  if (typeof url !== 'string' || typeof name !== 'string')
    throw new InvalidFileError('_EXTERNAL_ARRAY_LINK has no url and name', { path });
  return { url, name };
}

/** numpy's `str(dtype)` names in `_COMPOUND_DTYPE`, by neutral dtype. */
const COMPOUND_FIELD_TYPES: Readonly<Record<string, ScalarDType>> = {
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
  float32: 'float32',
  float64: 'float64',
  bool: 'bool',
  '<REFERENCE>': 'ref',
  object: 'utf8',
};

/** The neutral dtype of an array: from its element type, `_COMPOUND_DTYPE`, or (`|O`) its content. */
async function dtypeOf(record: LindiArray, file: ReferenceFile): Promise<DType> {
  const { element, path, attrs } = record;
  const compound = attrs.get('_COMPOUND_DTYPE');
  if (compound !== undefined) {
    if (!Array.isArray(compound)) throw new InvalidFileError('_COMPOUND_DTYPE is not a list', { path });
    return {
      compound: compound.map((entry) => {
        const name = Array.isArray(entry) ? entry[0] : undefined;
        const type = Array.isArray(entry) ? entry[1] : undefined;
        const dtype = typeof type === 'string' ? compoundFieldType(type) : undefined;
        if (typeof name !== 'string' || dtype === undefined)
          throw new UnsupportedError(
            `_COMPOUND_DTYPE field ${JSON.stringify(toPlain(entry))} is not supported`,
            {
              path,
              feature: 'dtype:compound',
              backend: FORMAT,
            },
          );
        return { name, dtype };
      }),
    };
  }
  const note = record.zarray.get(EXTENSION_KEY);
  const ascii = note instanceof Map && note.get('dtype') === 'ascii';
  switch (element.kind) {
    case 'numeric':
      return element.dtype;
    case 'fixed-text':
      return element.encoding === 'S' || ascii ? 'ascii' : 'utf8';
    case 'structured':
      return { compound: element.fields.map((f) => ({ name: f.name, dtype: f.dtype })) };
    case 'object': {
      if (element.codec === 'vlen-bytes') return 'ascii';
      if (element.codec !== 'json2') return ascii ? 'ascii' : 'utf8';
      // Text or references: the elements say which (LINDI writes no marker).
      const first = await firstElement(record, file);
      return typeof first === 'object' && first !== null ? 'ref' : ascii ? 'ascii' : 'utf8';
    }
  }
}

function compoundFieldType(type: string): ScalarDType | undefined {
  const known = COMPOUND_FIELD_TYPES[type];
  if (known !== undefined) return known;
  const m = /^[<>|=]?([a-zA-Z])(\d*)$/.exec(type);
  if (m === null) return undefined;
  if (m[1] === 'S') return 'ascii';
  if (m[1] === 'U' || m[1] === 'O') return 'utf8';
  return NUMPY_TYPES[`${m[1]}${m[2]}`];
}

/** The first element of an object array's first stored chunk (undefined when none is stored). */
async function firstElement(record: LindiArray, file: ReferenceFile): Promise<unknown> {
  const index = record.shape.map(() => 0);
  if (record.shape.some((d) => d === 0)) return undefined;
  const key = chunkKey(record, index);
  const bytes = await file.bytes(key, record.path);
  if (bytes === undefined) return undefined;
  const count = record.chunks.reduce((a, b) => a * b, 1);
  const values = await decodeChunk(record, bytes, count, key);
  return (values as unknown[])[0];
}

/** The refs key of the chunk at `index`. */
function chunkKey(record: ArrayRecord, index: readonly number[]): string {
  const name = index.length === 0 ? '0' : index.join(record.separator);
  return record.path === '/' ? name : `${record.path.slice(1)}/${name}`;
}

/**
 * Decodes a chunk's stored bytes: the byte pipeline, zero-padding of a short numeric chunk (the
 * last piece of a contiguous dataset LINDI split along axis 0), then the elements, with LINDI's
 * `{"_REFERENCE": {...}}` object elements unwrapped to the reference dicts the Zarr reader knows.
 */
async function decodeChunk(
  record: LindiArray,
  stored: Uint8Array,
  count: number,
  key: string,
): Promise<ChunkValues> {
  try {
    let bytes = stored;
    const element: ElementCodec = record.element;
    const expected =
      element.kind === 'numeric' || element.kind === 'structured'
        ? count * element.itemSize
        : element.kind === 'fixed-text'
          ? count * (element.encoding === 'S' ? element.length : element.length * 4)
          : undefined;
    for (const codec of record.pipeline) bytes = await codec.decode(bytes, expected);
    if (expected !== undefined && bytes.length < expected && element.kind !== 'object') {
      const padded = new Uint8Array(expected);
      padded.set(bytes);
      bytes = padded;
    }
    const values = decodeElements(element, bytes, count, bytes === stored);
    if (element.kind !== 'object' || Array.isArray(values) === false) return values;
    return (values as unknown[]).map(unwrapReferences);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new InvalidFileError(`chunk ${key} is corrupt: ${detail}`, { path: record.path, cause });
  }
}

function unwrapReferences(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapReferences);
  if (typeof value === 'object' && value !== null) {
    const ref = (value as Record<string, unknown>)['_REFERENCE'];
    if (typeof ref === 'object' && ref !== null) return ref;
  }
  return value;
}
