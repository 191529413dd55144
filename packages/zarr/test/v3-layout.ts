/**
 * hdmf-zarr 0.14's Zarr v3 layout, written by hand for the reading tests, field by field as
 * ../shared/docs/zarr-v3-lindi.md part A describes it (no hdmf-zarr 0.14 store can be made here):
 * `zarr.json` per node, attributes inside, bare NaN tokens, `_DTYPE`, `_LINKS`, `_REFERENCE`,
 * `_REFERENCE_FIELDS`, `_ARRAY_DIMENSIONS`, 0-d scalars, text as `string` + vlen-utf8 + zstd,
 * references as path strings, compounds as `struct` with `fixed_length_utf32` text, chunks
 * equal to the fill value left out, and inline consolidated metadata on the root. Arrays of
 * numbers and text are encoded by zarrita (`zarr.create` / `zarr.set`).
 */
import * as zarr from 'zarrita';
import type {
  CompoundDType,
  CompoundRow,
  NdArray,
  NumericArray,
  ObjectRef,
  StorageReader,
} from '@nwbjs/core';
import { isNumericDType } from '@nwbjs/core';
import { isCompoundDType, typedArrayFor, wholeHyperslab } from '@nwbjs/core/backend';
import { registerV3Codecs } from '../src/v3/vlen-utf8.js';

// zarrita's own vlen-utf8 only decodes.
registerV3Codecs();

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** JSON as zarr-python writes it (indent 2, NaN/Infinity as bare tokens). */
export function pythonJson(value: Json): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) =>
      typeof v === 'number' && !Number.isFinite(v)
        ? `__${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}__`
        : v,
    2,
  )
    .replace(/"__(NaN|Infinity|-Infinity)__"/g, '$1')
    .replace(/"__F([^_"]+)__"/g, (_m, n: string) => (/[.eE]/.test(n) ? n : `${n}.0`));
}

const ZSTD = { name: 'zstd', configuration: { level: 0, checksum: false } };

function key(path: string, file: string): string {
  return path === '/' ? `/${file}` : `${path}/${file}`;
}

/** A v3 store under construction: node documents by path, and the chunk bytes. */
export class V3Layout {
  readonly store = new Map<string, Uint8Array>();
  readonly docs = new Map<string, Record<string, Json>>();

  group(path: string, attributes: Record<string, Json> = {}): void {
    this.docs.set(path, { attributes, zarr_format: 3, consolidated_metadata: null, node_type: 'group' });
  }

  /** An array of numbers, bools or text, encoded by zarrita; chunks equal to the fill are dropped. */
  async array(
    path: string,
    dataType:
      | 'string'
      | 'bool'
      | 'int8'
      | 'uint8'
      | 'int16'
      | 'uint16'
      | 'int32'
      | 'uint32'
      | 'int64'
      | 'uint64'
      | 'float32'
      | 'float64',
    shape: number[],
    chunkShape: number[],
    values: ArrayLike<unknown>,
    attributes: Record<string, Json>,
  ): Promise<void> {
    const fill = dataType === 'string' ? '' : dataType === 'bool' ? false : 0;
    const serializer =
      dataType === 'string'
        ? { name: 'vlen-utf8', configuration: {} }
        : dataType === 'bool' || dataType.endsWith('int8')
          ? { name: 'bytes' }
          : { name: 'bytes', configuration: { endian: 'little' } };
    const scratch = new Map<string, Uint8Array>();
    const array = await zarr.create(zarr.root(scratch).resolve(path), {
      shape,
      chunkShape,
      dtype: dataType,
      fillValue: fill as never,
      codecs: [serializer, ZSTD] as never,
    });
    if (shape.length === 0) await zarr.set(array, null, values[0] as never);
    else if (values.length > 0) {
      const data =
        dataType === 'bool'
          ? new zarr.BoolArray(Array.from(values as ArrayLike<number>, (v) => v !== 0) as never)
          : dataType === 'string'
            ? Array.from(values)
            : (typedArrayFor(dataType) as unknown as { from(v: ArrayLike<unknown>): unknown }).from(values);
      const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
      await zarr.set(
        array,
        shape.map(() => null),
        { data, shape, stride: strides } as never,
      );
    }
    for (const [k, bytes] of scratch) {
      if (k.endsWith('/zarr.json')) continue;
      // zarr-python's write_empty_chunks=False: a chunk all fill is not written.
      const chunk = await array
        .getChunk(
          k
            .slice(path.length + 3)
            .split('/')
            .filter((p) => p !== '')
            .map(Number),
        )
        .catch(() => undefined);
      const all = chunk === undefined ? [] : Array.from(chunk.data as ArrayLike<unknown>);
      if (
        chunk !== undefined &&
        all.every((v) => v === fill || v === BigInt(0) || (typeof v === 'boolean' && !v))
      )
        continue;
      this.store.set(k, bytes);
    }
    this.docs.set(path, {
      shape,
      data_type: dataType,
      chunk_grid: { name: 'regular', configuration: { chunk_shape: chunkShape } },
      chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
      fill_value: fill,
      codecs: [serializer as Json, ZSTD],
      attributes,
      zarr_format: 3,
      node_type: 'array',
      storage_transformers: [],
    });
  }

  /** A `struct` array: packed little-endian records, text and references as fixed_length_utf32. */
  struct(
    path: string,
    dtype: CompoundDType,
    rows: readonly CompoundRow[],
    attributes: Record<string, Json>,
  ): void {
    const width = Math.max(
      512,
      ...rows.flatMap((r) =>
        dtype.compound.map((f) => (typeof r[f.name] === 'string' ? [...(r[f.name] as string)].length : 0)),
      ),
    );
    const fields = dtype.compound.map((f) => {
      const text = f.dtype === 'ref' || f.dtype === 'utf8' || f.dtype === 'ascii';
      const type = f.dtype === 'bool' ? 'bool' : (f.dtype as string);
      return {
        name: f.name,
        text,
        data_type: (text
          ? { name: 'fixed_length_utf32', configuration: { length_bytes: width * 4 } }
          : type) as Json,
        size: text ? width * 4 : f.dtype === 'bool' ? 1 : Number(/\d+$/.exec(f.dtype as string)![0]) / 8,
      };
    });
    const itemSize = fields.reduce((a, f) => a + f.size, 0);
    const bytes = new Uint8Array(itemSize * rows.length);
    const view = new DataView(bytes.buffer);
    rows.forEach((row, i) => {
      let o = i * itemSize;
      for (const f of fields) {
        const v = row[f.name];
        const field = dtype.compound.find((c) => c.name === f.name)!;
        if (f.text) {
          const s = field.dtype === 'ref' ? (v as ObjectRef).path : String(v);
          [...s].forEach((ch, j) => view.setUint32(o + j * 4, ch.codePointAt(0)!, true));
        } else writeNumber(view, o, field.dtype as string, v as number | bigint | boolean);
        o += f.size;
      }
    });
    if (rows.length > 0) this.store.set(key(path, 'c/0'), bytes);
    const refs = dtype.compound.filter((f) => f.dtype === 'ref').map((f) => f.name);
    const fill: Record<string, Json> = {};
    for (const f of fields) fill[f.name] = f.text ? '' : f.data_type === 'bool' ? false : 0;
    this.docs.set(path, {
      shape: [rows.length],
      data_type: {
        name: 'struct',
        configuration: { fields: fields.map((f) => ({ name: f.name, data_type: f.data_type })) },
      },
      chunk_grid: { name: 'regular', configuration: { chunk_shape: [Math.max(1, rows.length)] } },
      chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
      fill_value: fill,
      codecs: [{ name: 'bytes', configuration: { endian: 'little' } }],
      attributes: refs.length > 0 ? { ...attributes, _REFERENCE_FIELDS: refs } : attributes,
      zarr_format: 3,
      node_type: 'array',
      storage_transformers: [],
    });
  }

  /** Writes every `zarr.json`, the root with inline consolidated metadata when asked. */
  finish(consolidate: boolean): Map<string, Uint8Array> {
    const encoder = new TextEncoder();
    const paths = [...this.docs.keys()].filter((p) => p !== '/');
    paths.sort(
      (a, b) => a.split('/').length - b.split('/').length || (a.toLowerCase() < b.toLowerCase() ? -1 : 1),
    );
    for (const p of paths) this.store.set(key(p, 'zarr.json'), encoder.encode(pythonJson(this.docs.get(p)!)));
    const root = { ...this.docs.get('/')! };
    if (consolidate) {
      const metadata: Record<string, Json> = {};
      for (const p of paths) {
        const doc = { ...this.docs.get(p)! };
        if (doc['node_type'] === 'group')
          doc['consolidated_metadata'] = { kind: 'inline', must_understand: false, metadata: {} };
        metadata[p.slice(1)] = doc;
      }
      root['consolidated_metadata'] = { kind: 'inline', must_understand: false, metadata };
    }
    this.store.set('/zarr.json', encoder.encode(pythonJson(root)));
    return this.store;
  }
}

function writeNumber(view: DataView, o: number, dtype: string, v: number | bigint | boolean): void {
  const n = typeof v === 'boolean' ? Number(v) : v;
  const setters: Record<string, () => void> = {
    bool: () => view.setUint8(o, Number(n)),
    int8: () => view.setInt8(o, Number(n)),
    uint8: () => view.setUint8(o, Number(n)),
    int16: () => view.setInt16(o, Number(n), true),
    uint16: () => view.setUint16(o, Number(n), true),
    int32: () => view.setInt32(o, Number(n), true),
    uint32: () => view.setUint32(o, Number(n), true),
    int64: () => view.setBigInt64(o, BigInt(n), true),
    uint64: () => view.setBigUint64(o, BigInt(n), true),
    float32: () => view.setFloat32(o, Number(n), true),
    float64: () => view.setFloat64(o, Number(n), true),
  };
  setters[dtype]!();
}

/** An attribute value as hdmf-zarr 0.14 writes it into `attributes`. */
function attributeJson(value: NdArray): Json {
  const leaf = (i: number): Json => {
    const v = (value.data as ArrayLike<unknown>)[i];
    if (value.dtype === 'ref') return { _REFERENCE: { source: '.', path: (v as ObjectRef).path } };
    if (value.dtype === 'bool') return v !== 0;
    if (typeof v === 'bigint') return Number(v);
    // Python writes floats with a point (2.0): mark them for pythonJson.
    if ((value.dtype === 'float64' || value.dtype === 'float32') && Number.isFinite(v))
      return `__F${v as number}__`;
    return v as Json;
  };
  if (value.shape.length === 0) return leaf(0);
  let at = 0;
  const nest = (axis: number): Json[] =>
    Array.from({ length: value.shape[axis]! }, () =>
      axis === value.shape.length - 1 ? leaf(at++) : nest(axis + 1),
    );
  return nest(0);
}

/** Rewrites everything `reader` holds in hdmf-zarr 0.14's v3 layout (a reading-test fixture). */
export async function v3StoreFrom(
  reader: StorageReader,
  consolidate = true,
): Promise<Map<string, Uint8Array>> {
  const layout = new V3Layout();
  const walk = async (path: string): Promise<void> => {
    const attrs: Record<string, Json> = {};
    for (const [name, value] of Object.entries(await reader.readAttributes(path))) {
      attrs[name] = name === '.specloc' && path === '/' ? 'specifications' : attributeJson(value);
    }
    const info = await reader.stat(path);
    if (info?.kind === 'dataset') {
      const data = await reader.readData(path, wholeHyperslab(info.shape));
      if (isCompoundDType(info.dtype)) {
        layout.struct(path, info.dtype, data.data as CompoundRow[], attrs);
        return;
      }
      const dtype = info.dtype;
      const text = dtype === 'utf8' || dtype === 'ascii' || dtype === 'ref';
      const values =
        dtype === 'ref' ? (data.data as ObjectRef[]).map((r) => r.path) : (data.data as ArrayLike<unknown>);
      attrs['_DTYPE'] = dtype === 'ref' ? 'object_reference' : text ? 'str' : (dtype as string);
      const chunkShape =
        info.chunks === undefined || info.shape.length === 0 ? [...info.shape] : [...info.chunks];
      const type = text ? 'string' : dtype === 'bool' ? 'bool' : isNumericDType(dtype) ? dtype : 'string';
      await layout.array(path, type, [...info.shape], chunkShape, values as ArrayLike<unknown>, attrs);
      return;
    }
    const links = [];
    const children = await reader.list(path);
    for (const name of children) {
      const child = path === '/' ? `/${name}` : `${path}/${name}`;
      const s = await reader.stat(child);
      if (s?.kind === 'link') links.push({ source: s.file ?? '.', path: s.target, name });
    }
    if (links.length > 0) attrs['_LINKS'] = links;
    layout.group(path, attrs);
    for (const name of children) {
      const child = path === '/' ? `/${name}` : `${path}/${name}`;
      if ((await reader.stat(child))?.kind !== 'link') await walk(child);
    }
  };
  await walk('/');
  return layout.finish(consolidate);
}

/** The numeric values of an NdArray as a plain list (for comparisons). */
export function plainValues(array: NdArray): unknown[] {
  if (array.dtype === 'ref') return (array.data as ObjectRef[]).map((r) => r.path);
  return Array.from(array.data as NumericArray | unknown[] as ArrayLike<unknown>);
}
