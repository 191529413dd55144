/**
 * Indexing an HDF5 NWB file into a LINDI reference file, the way LINDI's `LindiH5ZarrStore` does:
 * groups, attributes and array metadata become Zarr v2 documents; the chunks of big numeric
 * datasets become `[url, offset, size]` references into the HDF5 file itself (found by the HDF5
 * format reader, filters mapped to numcodecs in pipeline order), so no data is copied; small and
 * non-numeric datasets are stored inline. The tree, attributes and inline values come from any
 * StorageReader of the file; the byte ranges from {@link Hdf5Structure} over the same file.
 */
import type {
  CompoundDType,
  CompoundRow,
  DType,
  NdArray,
  NumericArray,
  NumericDType,
  ObjectRef,
  StorageReader,
} from '@nwbjs/core';
import {
  InvalidFileError,
  UnsupportedError,
  formatDType,
  isNumericDType,
  isObjectRef,
  isRegionRef,
} from '@nwbjs/core';
import type { DatasetInfo } from '@nwbjs/core/backend';
import { PromiseCache, encodeText, isCompoundDType, wholeHyperslab } from '@nwbjs/core/backend';
import type { ChunkLocation, DatasetStructure, Filter, Hdf5Structure } from '@nwbjs/hdf5/format';
import { FilterId } from '@nwbjs/hdf5/format';
import type { JsonOut } from '@nwbjs/zarr/parts';
import {
  JSON2_FILTER,
  JsonNumber,
  compressorFromMetadata,
  numpyTypestr,
  stringifyJson,
} from '@nwbjs/zarr/parts';
import { EXTENSION_KEY, FORMAT } from './names.js';
import { pythonFloat } from './python-json.js';
import type { LindiJson } from './reference-file.js';

/** How {@link indexHdf5} lays out the reference file; the defaults are LINDI's. */
export interface IndexHdf5Options {
  /**
   * Datasets with more stored chunks than this get no chunk references: they are marked
   * `_EXTERNAL_ARRAY_LINK` and read from the HDF5 file itself (LINDI's default: 1000).
   */
  maxChunks?: number;
  /**
   * Uncompressed contiguous numeric datasets bigger than this many bytes are referenced in pieces
   * along their first axis, each at most this big (LINDI's default: 20 000 000).
   */
  contiguousPieceBytes?: number;
  /** Numeric datasets of fewer elements than this are stored inline (LINDI's default: 1000). */
  inlineElements?: number;
  /** URLs used at least this many times become `{{uN}}` templates (LINDI's default: 5). */
  templateUses?: number;
  /** Free-form `generationMetadata` to record. */
  generationMetadata?: Record<string, JsonOut>;
}

/** The HDF5 file being indexed: its tree, its format structure, and the URL refs will name. */
export interface Hdf5Source {
  /** Any reader of the file (groups, attributes, inline values). */
  reader: StorageReader;
  /** The file's format structure (chunk locations and filters). */
  structure: Hdf5Structure;
  /** What chunk references name as their file: the file's URL, or its path. */
  url: string;
}

/** Blosc's inline compressor, as zarr 2 (and so LINDI) writes small arrays. */
const INLINE_COMPRESSOR = { blocksize: 0, clevel: 5, cname: 'lz4', id: 'blosc', shuffle: 1 } as const;

/** numcodecs' Blosc compressor codes, by the HDF5 Blosc filter's code. */
const BLOSC_NAMES = ['blosclz', 'lz4', 'lz4hc', 'snappy', 'zlib', 'zstd'];

/** Builds the LINDI reference file of an HDF5 file. */
export async function indexHdf5(source: Hdf5Source, options: IndexHdf5Options = {}): Promise<LindiJson> {
  const indexer = new Indexer(source, options);
  await indexer.node('/', []);
  return indexer.finish();
}

/** The text of a reference file as LINDI writes it: `json.dump(indent=2, sort_keys=True)`. */
export function stringifyLindi(json: LindiJson): string {
  return stringifyJson(json as unknown as JsonOut, 2, true);
}

class Indexer {
  readonly #source: Hdf5Source;
  readonly #options: Required<Omit<IndexHdf5Options, 'generationMetadata'>> &
    Pick<IndexHdf5Options, 'generationMetadata'>;
  readonly #refs = new Map<string, JsonOut>();
  readonly #objectIds = new PromiseCache<string, string | null>();
  readonly #inline = compressorFromMetadata(
    new Map(
      Object.entries(INLINE_COMPRESSOR).map(([k, v]) => [
        k,
        typeof v === 'number' ? new JsonNumber(String(v), false) : v,
      ]),
    ),
    '/',
  );

  constructor(source: Hdf5Source, options: IndexHdf5Options) {
    this.#source = source;
    this.#options = {
      maxChunks: options.maxChunks ?? 1000,
      contiguousPieceBytes: options.contiguousPieceBytes ?? 20_000_000,
      inlineElements: options.inlineElements ?? 1000,
      templateUses: options.templateUses ?? 5,
      generationMetadata: options.generationMetadata,
    };
  }

  /** Indexes the object at `path`; `groups` are the identities of the groups above it. */
  async node(path: string, groups: readonly string[]): Promise<void> {
    const { reader } = this.#source;
    const info = await reader.stat(path);
    if (info === undefined) throw new InvalidFileError('listed but not there', { path });
    if (info.kind === 'link') {
      if (info.file !== undefined) {
        throw new UnsupportedError(
          `an external link (to ${info.target} in ${info.file}), which LINDI cannot hold`,
          {
            path,
            feature: 'external-link',
            backend: FORMAT,
          },
        );
      }
      this.#set(path, '.zgroup', { zarr_format: 2 });
      this.#set(path, '.zattrs', { _SOFT_LINK: { path: info.target } });
      return;
    }
    if (info.kind === 'group') {
      const identity = (await reader.groupIdentity?.(path)) ?? path;
      if (groups.includes(identity))
        throw new UnsupportedError('a hard link makes a cycle here, which LINDI cannot hold', {
          path,
          feature: 'hard-link-cycle',
          backend: FORMAT,
        });
      this.#set(path, '.zgroup', { zarr_format: 2 });
      const attrs = await this.#attributes(path);
      if (Object.keys(attrs).length > 0) this.#set(path, '.zattrs', attrs);
      // Children at once: over HTTP their reads share requests and round trips.
      const names = await reader.list(path);
      await Promise.all(
        names.map((name) => this.node(path === '/' ? `/${name}` : `${path}/${name}`, [...groups, identity])),
      );
      return;
    }
    await this.#dataset(info);
  }

  finish(): LindiJson {
    const uses = new Map<string, number>();
    for (const value of this.#refs.values()) {
      if (Array.isArray(value)) uses.set(value[0] as string, (uses.get(value[0] as string) ?? 0) + 1);
    }
    const templates: Record<string, string> = {};
    const names = new Map<string, string>();
    for (const [url, count] of uses) {
      if (count < this.#options.templateUses) continue;
      const name = `u${names.size + 1}`;
      names.set(url, `{{${name}}}`);
      templates[name] = url;
    }
    const refs: Record<string, unknown> = {};
    for (const [key, value] of this.#refs) {
      refs[key] =
        Array.isArray(value) && names.has(value[0] as string)
          ? [names.get(value[0] as string), value[1], value[2]]
          : value;
    }
    return {
      ...(this.#options.generationMetadata === undefined
        ? {}
        : { generationMetadata: this.#options.generationMetadata }),
      refs,
      ...(names.size > 0 ? { templates } : {}),
      version: 1,
    };
  }

  #set(path: string, name: string, value: JsonOut): void {
    this.#refs.set(path === '/' ? name : `${path.slice(1)}/${name}`, value);
  }

  async #dataset(info: DatasetInfo): Promise<void> {
    const { path, dtype, shape } = info;
    const attrs = await this.#attributes(path);
    const size = shape.reduce((a, b) => a * b, 1);
    const numeric = isNumericDType(dtype) || dtype === 'bool';
    if (numeric && shape.length > 0 && size >= this.#options.inlineElements) {
      const structure = await this.#source.structure.dataset(path);
      if (structure.layout.kind !== 'compact') {
        await this.#referenced(info, structure, attrs);
        return;
      }
    }
    await this.#inlined(info, attrs);
  }

  /** A dataset whose chunks stay in the HDF5 file: `.zarray` from its structure, refs to its chunks. */
  async #referenced(
    info: DatasetInfo,
    structure: DatasetStructure,
    attrs: Record<string, JsonOut>,
  ): Promise<void> {
    const { path, shape } = info;
    const { datatype, layout } = structure;
    const itemSize = datatype.size;
    const dtype = numpyDType(info.dtype, structure);
    const filters = structure.filters.map((f) => numcodecsFilter(f, itemSize, path));
    const zarray = (chunks: readonly number[]): JsonOut => ({
      chunks: [...chunks],
      compressor: null,
      dtype,
      fill_value: fillValue(info.dtype, structure),
      filters: filters.length === 0 ? null : filters,
      order: 'C',
      shape: [...shape],
      zarr_format: 2,
    });
    const url = this.#source.url;
    if (layout.kind === 'chunked') {
      const locations = await this.#source.structure.chunks(path);
      if (locations.length > this.#options.maxChunks) {
        attrs['_EXTERNAL_ARRAY_LINK'] = { link_type: 'hdf5_dataset', name: path.slice(1), url };
      } else {
        for (const chunk of locations) this.#chunkRef(path, chunk, layout.chunkShape);
      }
      this.#set(path, '.zarray', zarray(layout.chunkShape));
      this.#set(path, '.zattrs', attrs);
      return;
    }
    if (layout.kind !== 'contiguous') throw new Error('compact datasets are stored inline');
    const total = shape.reduce((a, b) => a * b, itemSize);
    const rowBytes = shape.slice(1).reduce((a, b) => a * b, itemSize);
    const split = filters.length === 0 && total > this.#options.contiguousPieceBytes && rowBytes > 0;
    const rows = split
      ? Math.max(1, Math.floor(this.#options.contiguousPieceBytes / rowBytes))
      : Math.max(1, shape[0]!);
    const chunks = [rows, ...shape.slice(1).map((d) => Math.max(1, d))];
    if (layout.address !== undefined) {
      const start = this.#source.structure.fileOffset(layout.address);
      const rest = shape.slice(1).map(() => 0);
      for (let first = 0, i = 0; first < shape[0]!; first += rows, i++) {
        const bytes = Math.min(rows, shape[0]! - first) * rowBytes;
        this.#set(path, [i, ...rest].join('.'), [url, start + first * rowBytes, split ? bytes : layout.size]);
      }
    }
    this.#set(path, '.zarray', zarray(chunks));
    this.#set(path, '.zattrs', attrs);
  }

  #chunkRef(path: string, chunk: ChunkLocation, chunkShape: readonly number[]): void {
    if (chunk.filterMask !== 0) {
      throw new UnsupportedError(
        `a chunk at ${JSON.stringify(chunk.offset)} skipped some of the filters (mask ${chunk.filterMask}), which a LINDI reference cannot say`,
        { path, feature: 'filter-mask', backend: FORMAT },
      );
    }
    const key = chunk.offset.map((o, axis) => Math.floor(o / chunkShape[axis]!)).join('.');
    this.#set(path, key, [this.#source.url, this.#source.structure.fileOffset(chunk.address), chunk.size]);
  }

  /** A dataset stored inline: read whole, one chunk, as zarr 2 stores small arrays. */
  async #inlined(info: DatasetInfo, attrs: Record<string, JsonOut>): Promise<void> {
    const { path, dtype } = info;
    const scalar = info.shape.length === 0;
    const shape = scalar ? [1] : [...info.shape];
    const empty = shape.some((d) => d === 0);
    const data = await this.#source.reader.readData(path, wholeHyperslab(info.shape));
    if (scalar) attrs['_SCALAR'] = true;
    let element: { dtype: string; filters: JsonOut; bytes: Uint8Array; fill: JsonOut };
    if (isNumericDType(dtype) || dtype === 'bool') {
      const values = data.data as NumericArray;
      element = {
        dtype: numpyTypestr(dtype),
        filters: null,
        bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
        fill:
          dtype === 'bool'
            ? false
            : dtype === 'float32' || dtype === 'float64'
              ? new JsonNumber('0.0', true)
              : 0,
      };
    } else if (dtype === 'utf8' || dtype === 'ascii') {
      const strings = data.data as string[];
      if (data.textLength !== undefined) {
        element = {
          dtype: `|S${data.textLength}`,
          filters: null,
          bytes: fixedBytes(strings, data.textLength, path),
          fill: '',
        };
      } else if (scalar) {
        const width = Math.max(1, [...strings[0]!].length);
        element = { dtype: `<U${width}`, filters: null, bytes: utf32(strings[0]!, width), fill: '' };
      } else {
        element = { dtype: '|O', filters: [JSON2_FILTER], bytes: json2(strings, shape), fill: 0 };
      }
    } else if (dtype === 'ref') {
      const refs = await Promise.all((data.data as ObjectRef[]).map((r) => this.#reference(r)));
      element = { dtype: '|O', filters: [JSON2_FILTER], bytes: json2(refs, shape), fill: 0 };
    } else if (isCompoundDType(dtype)) {
      attrs['_COMPOUND_DTYPE'] = dtype.compound.map((f) => [f.name, compoundTypeName(f.dtype, path)]);
      const rows = await Promise.all((data.data as CompoundRow[]).map((row) => this.#row(dtype, row, path)));
      element = { dtype: '|O', filters: [JSON2_FILTER], bytes: json2(rows, shape), fill: 0 };
    } else {
      throw new UnsupportedError(`datasets of dtype ${formatDType(dtype)} cannot be held by LINDI`, {
        path,
        feature: `dtype:${formatDType(dtype)}`,
        backend: FORMAT,
      });
    }
    this.#set(path, '.zarray', {
      ...(dtype === 'ascii' && data.textLength === undefined ? { [EXTENSION_KEY]: { dtype: 'ascii' } } : {}),
      chunks: empty ? shape.map(() => 1) : shape,
      compressor: INLINE_COMPRESSOR,
      dtype: element.dtype,
      fill_value: element.fill,
      filters: element.filters,
      order: 'C',
      shape,
      zarr_format: 2,
    });
    if (Object.keys(attrs).length > 0) this.#set(path, '.zattrs', attrs);
    if (!empty) {
      const encoded = await (await this.#inline)!.encode(element.bytes);
      this.#set(path, shape.map(() => 0).join('.'), `base64:${base64(encoded)}`);
    }
  }

  async #row(dtype: CompoundDType, row: CompoundRow, path: string): Promise<JsonOut[]> {
    return Promise.all(
      dtype.compound.map(async (field) => {
        const value = row[field.name];
        if (isRegionRef(value)) throw regionUnsupported(path);
        if (isObjectRef(value)) return this.#reference(value);
        if (typeof value === 'number')
          return field.dtype === 'float32' || field.dtype === 'float64' ? elementFloat(value) : value;
        return value as JsonOut;
      }),
    );
  }

  /** LINDI's `{"_REFERENCE": {...}}` for a reference, with the target's and the root's object ids. */
  async #reference(ref: ObjectRef): Promise<JsonOut> {
    return {
      _REFERENCE: {
        object_id: await this.#objectId(ref.path),
        path: ref.path,
        source: '.',
        source_object_id: await this.#objectId('/'),
      },
    };
  }

  #objectId(path: string): Promise<string | null> {
    // An object without a readable object_id has none: null, kept.
    return this.#objectIds.get(path, () =>
      this.#source.reader
        .readAttributes(path)
        .then((attrs) => {
          const id = attrs['object_id'];
          return id !== undefined && typeof id.data[0] === 'string' ? id.data[0] : null;
        })
        .catch(() => null),
    );
  }

  /** A node's attributes as LINDI's `.zattrs` values. */
  async #attributes(path: string): Promise<Record<string, JsonOut>> {
    const out: Record<string, JsonOut> = {};
    const attrs = await this.#source.reader.readAttributes(path);
    for (const name of Object.keys(attrs)) out[name] = await this.#attribute(attrs[name]!, name, path);
    return out;
  }

  async #attribute(value: NdArray, name: string, path: string): Promise<JsonOut> {
    const { dtype, shape } = value;
    let leaves: JsonOut[];
    if (dtype === 'ref') {
      leaves = await Promise.all((value.data as ObjectRef[]).map((r) => this.#reference(r)));
    } else if (dtype === 'utf8' || dtype === 'ascii') {
      leaves = (value.data as string[]).map((s) => {
        if (s === 'NaN' || s === 'Infinity' || s === '-Infinity')
          throw new UnsupportedError(
            `attribute ${name} is the text ${JSON.stringify(s)}, which LINDI reads as a number`,
            {
              path,
              feature: 'attribute-text-nan',
              backend: FORMAT,
            },
          );
        return s;
      });
    } else if (dtype === 'bool') {
      leaves = Array.from(value.data as Uint8Array, (v) => v !== 0);
    } else if (dtype === 'float32' || dtype === 'float64') {
      leaves = Array.from(value.data as Float64Array, floatJson);
    } else if (isNumericDType(dtype)) {
      leaves = Array.from(value.data as NumericArray, (v: number | bigint) =>
        typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(v)
          : v,
      );
    } else {
      throw new UnsupportedError(`attribute ${name} of dtype ${formatDType(dtype)} cannot be held by LINDI`, {
        path,
        feature: `attribute-dtype:${formatDType(dtype)}`,
        backend: FORMAT,
      });
    }
    return nest(shape, leaves);
  }
}

/** Python's `json.dump` of a float, with LINDI's strings for NaN and infinities. */
function floatJson(value: number): JsonOut {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return new JsonNumber(pythonFloat(value), true);
}

function nest(shape: readonly number[], leaves: readonly JsonOut[]): JsonOut {
  if (shape.length === 0) return leaves[0]!;
  let offset = 0;
  const build = (axis: number): JsonOut[] => {
    const out: JsonOut[] = [];
    for (let i = 0; i < shape[axis]!; i++)
      out.push(axis === shape.length - 1 ? leaves[offset++]! : build(axis + 1));
    return out;
  };
  return build(0);
}

/** The numpy dtype of a referenced dataset's stored elements (their byte order as the file has it). */
function numpyDType(dtype: DType, structure: DatasetStructure): string {
  // Only number and bool datasets are referenced (see #dataset).
  const spelled = numpyTypestr(dtype as NumericDType | 'bool');
  if (spelled.startsWith('|') || structure.datatype.littleEndian) return spelled;
  return `>${spelled.slice(1)}`;
}

/** The fill value zarr would write for the dataset (HDF5's, when the file sets one). */
function fillValue(dtype: DType, structure: DatasetStructure): JsonOut {
  const bytes = structure.fillValue;
  const float = dtype === 'float32' || dtype === 'float64';
  if (dtype === 'bool') return bytes !== undefined && bytes.some((b) => b !== 0);
  if (bytes === undefined || bytes.length !== structure.datatype.size)
    return float ? new JsonNumber('0.0', true) : 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = structure.datatype.littleEndian;
  switch (dtype) {
    case 'float32':
      return floatJson(view.getFloat32(0, le));
    case 'float64':
      return floatJson(view.getFloat64(0, le));
    case 'int8':
      return view.getInt8(0);
    case 'uint8':
      return view.getUint8(0);
    case 'int16':
      return view.getInt16(0, le);
    case 'uint16':
      return view.getUint16(0, le);
    case 'int32':
      return view.getInt32(0, le);
    case 'uint32':
      return view.getUint32(0, le);
    case 'int64':
      return view.getBigInt64(0, le);
    case 'uint64':
      return view.getBigUint64(0, le);
    default:
      return 0;
  }
}

/** One HDF5 filter as the numcodecs filter LINDI maps it to; the ones LINDI refuses are refused. */
function numcodecsFilter(filter: Filter, itemSize: number, path: string): JsonOut {
  const v = filter.values;
  switch (filter.id) {
    case FilterId.shuffle:
      return { elementsize: v[0] ?? itemSize, id: 'shuffle' };
    case FilterId.deflate:
      return { id: 'zlib', level: v[0] ?? 4 };
    case FilterId.fletcher32:
      return { id: 'fletcher32' };
    case 32001: {
      const cname = BLOSC_NAMES[v[6] ?? 0];
      if (cname === undefined || cname === 'snappy') break;
      return { blocksize: 0, clevel: v[4] ?? 5, cname, id: 'blosc', shuffle: v[5] ?? 1 };
    }
    case 32015:
      return { id: 'zstd', level: v[0] ?? 0 };
  }
  throw new UnsupportedError(
    `HDF5 filter ${filter.id}${filter.name === undefined ? '' : ` (${filter.name})`} has no numcodecs counterpart LINDI reads`,
    { path, feature: `filter:${filter.id}`, backend: FORMAT },
  );
}

/** numpy's `str(dtype)` of a compound field, as `_COMPOUND_DTYPE` spells it. */
function compoundTypeName(dtype: DType, path: string): string {
  if (dtype === 'ref') return '<REFERENCE>';
  if (dtype === 'utf8' || dtype === 'ascii') return 'object';
  if (isNumericDType(dtype)) return dtype;
  if (dtype === 'bool') return 'bool';
  throw regionUnsupported(path);
}

function regionUnsupported(path: string): UnsupportedError {
  return new UnsupportedError('region references cannot be held by LINDI', {
    path,
    feature: 'dtype:region',
    backend: FORMAT,
  });
}

const encoder = new TextEncoder();

/** numcodecs' JSON2 chunk: the elements in C order, then the dtype and the shape. */
function json2(values: readonly JsonOut[], shape: readonly number[]): Uint8Array {
  // numcodecs' JSON: compact, keys sorted, non-ASCII escaped, NaN and infinities as bare tokens.
  return encoder.encode(stringifyJson([...values, '|O', [...shape]], 0, true));
}

/** A float element of a JSON2 chunk, as Python's json writes it (`NaN` bare, as numcodecs allows). */
function elementFloat(value: number): JsonOut {
  if (Number.isNaN(value)) return new JsonNumber('NaN', true);
  if (!Number.isFinite(value)) return new JsonNumber(value > 0 ? 'Infinity' : '-Infinity', true);
  return new JsonNumber(pythonFloat(value), true);
}

/** numpy's `<U{width}`: UTF-32LE code points, zero-padded. */
function utf32(text: string, width: number): Uint8Array {
  const out = new Uint8Array(width * 4);
  const view = new DataView(out.buffer);
  let i = 0;
  for (const ch of text) view.setUint32(4 * i++, ch.codePointAt(0)!, true);
  return out;
}

/** numpy's `|S{width}`: bytes, zero-padded. */
function fixedBytes(strings: readonly string[], width: number, path: string): Uint8Array {
  const out = new Uint8Array(strings.length * width);
  strings.forEach((s, i) => {
    const bytes = encodeText(s); // the stored bytes back, non-UTF-8 ones included
    if (bytes.length > width)
      throw new InvalidFileError(`text longer than its fixed length ${width}`, { path });
    out.set(bytes, i * width);
  });
  return out;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
