/**
 * An in-memory storage backend for tests: the whole StorageWriter interface over Maps, strict about
 * what it is given (so it catches callers' mistakes a real backend might let slip), and counting
 * its calls so tests can check that reading is lazy and writing is bounded.
 *
 * A `MemoryVolume` plays the file system: a writer's tree appears in it under the writer's
 * location only when `close()` succeeds; `abort()` leaves the volume untouched.
 */
import type {
  Attributes,
  Compression,
  DatasetDefinition,
  DatasetLayout,
  LinkTarget,
  NodeInfo,
  OpenMode,
  ReadOptions,
  StorageCapabilities,
  StorageWriter,
} from '../src/storage/backend.js';
import type { DType, NumericArray, NumericDType } from '../src/storage/dtype.js';
import { isCompoundDType, isNumericDType, typedArrayFor } from '../src/storage/dtype.js';
import {
  checkArrayData,
  checkBlock,
  checkDefinition,
  checkResize,
  checkSelection,
  checkWholeData,
} from '../src/storage/checks.js';
import type { Hyperslab } from '../src/storage/selection.js';
import { hyperslabShape } from '../src/storage/selection.js';
import type { ArrayData, CompoundRow, NdArray } from '../src/storage/values.js';
import { shapeSize } from '../src/storage/values.js';
import { BackendError, NotFoundError, UnsupportedError } from '../src/errors.js';

interface MemGroup {
  kind: 'group';
  attrs: Map<string, NdArray>;
  children: Map<string, MemNode>;
}

interface MemDataset {
  kind: 'dataset';
  attrs: Map<string, NdArray>;
  dtype: DType;
  shape: number[];
  layout: DatasetLayout;
  data: ArrayData;
  /** Fixed-length text: bytes per string (as given at creation). */
  textLength?: number;
}

interface MemLink {
  kind: 'link';
  target: string;
  file?: string;
}

type MemNode = MemGroup | MemDataset | MemLink;

/** Call counters of one store. */
export interface MemoryStats {
  readDataCalls: number;
  /** Elements returned by readData, summed. */
  elementsRead: number;
  writeDataCalls: number;
  /** Elements passed to createDataset (with data) and writeData, summed. */
  elementsWritten: number;
  /** The most elements any single createDataset or writeData call carried. */
  largestWrite: number;
  statCalls: number;
  listCalls: number;
  readAttributesCalls: number;
}

/** Plays the file system: committed trees by location. */
export class MemoryVolume {
  readonly files = new Map<string, MemGroup>();
}

/** Options of the memory backend. */
export interface MemoryBackendOptions {
  /** Overrides of the default capabilities (gzip and zstd, shuffle, external links, compound). */
  capabilities?: Partial<StorageCapabilities>;
}

const DEFAULT_CAPABILITIES: StorageCapabilities = {
  compression: ['gzip', 'zstd'],
  shuffle: true,
  externalLinks: true,
  compound: true,
};

const MAX_LINK_HOPS = 32;

/** A store in memory; a writer unless opened for reading. */
export class MemoryBackend implements StorageWriter {
  readonly format = 'memory';
  readonly location: string;
  readonly capabilities: StorageCapabilities;
  readonly stats: MemoryStats = {
    readDataCalls: 0,
    elementsRead: 0,
    writeDataCalls: 0,
    elementsWritten: 0,
    largestWrite: 0,
    statCalls: 0,
    listCalls: 0,
    readAttributesCalls: 0,
  };
  /** Whether `abort()` was called. */
  aborted = false;
  readonly #volume: MemoryVolume;
  readonly #writable: boolean;
  #root: MemGroup;
  #open = true;

  private constructor(
    volume: MemoryVolume,
    location: string,
    root: MemGroup,
    writable: boolean,
    options: MemoryBackendOptions,
  ) {
    this.#volume = volume;
    this.location = location;
    this.#root = root;
    this.#writable = writable;
    this.capabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
  }

  /** Creates a writer whose tree appears at `location` in `volume` when closed. */
  static create(
    volume: MemoryVolume,
    location: string,
    mode: OpenMode = 'w-',
    options: MemoryBackendOptions = {},
  ): MemoryBackend {
    if (mode === 'r') throw new RangeError('use MemoryBackend.open to read');
    if (mode === 'w-' && volume.files.has(location)) {
      throw new BackendError('already exists', { path: location, backend: 'memory' });
    }
    return new MemoryBackend(volume, location, newGroup(), true, options);
  }

  /** Opens the tree committed at `location` for reading. */
  static open(volume: MemoryVolume, location: string, options: MemoryBackendOptions = {}): MemoryBackend {
    const root = volume.files.get(location);
    if (root === undefined) throw new NotFoundError('no such store', { path: location });
    return new MemoryBackend(volume, location, root, false, options);
  }

  // ---- reading ----

  async stat(path: string): Promise<NodeInfo | undefined> {
    this.#check();
    this.stats.statCalls++;
    const node = this.#find(path, false);
    if (node === undefined) return undefined;
    const canonical = normalize(path);
    if (node.kind === 'group') return { kind: 'group', path: canonical };
    if (node.kind === 'link') {
      return node.file === undefined
        ? { kind: 'link', path: canonical, target: node.target }
        : { kind: 'link', path: canonical, target: node.target, file: node.file };
    }
    return {
      kind: 'dataset',
      path: canonical,
      dtype: node.dtype,
      shape: [...node.shape],
      ...cloneLayout(node.layout),
    };
  }

  async list(path: string): Promise<string[]> {
    this.#check();
    this.stats.listCalls++;
    const node = this.#find(path, true);
    if (node?.kind !== 'group') throw new NotFoundError('no group here', { path });
    return [...node.children.keys()].sort();
  }

  async readAttributes(path: string): Promise<Attributes> {
    this.#check();
    this.stats.readAttributesCalls++;
    const node = this.#find(path, true);
    if (node === undefined || node.kind === 'link')
      throw new NotFoundError('no group or dataset here', { path });
    return Object.fromEntries([...node.attrs].map(([name, value]) => [name, cloneArray(value)]));
  }

  async readData(path: string, slab: Hyperslab, options: ReadOptions = {}): Promise<NdArray> {
    this.#check();
    this.stats.readDataCalls++;
    const node = this.#dataset(path);
    checkSelection(path, node.shape, slab);
    const shape = hyperslabShape(slab);
    const n = shapeSize(slab.count);
    let out: ArrayData;
    if (
      options.out !== undefined &&
      ArrayBuffer.isView(options.out) &&
      typedArrayMatches(node.dtype, options.out)
    ) {
      if (options.out.length < n) {
        throw new BackendError(`out buffer holds ${options.out.length} elements, the selection ${n}`, {
          path,
          backend: this.format,
        });
      }
      out =
        options.out.length === n ? options.out : ((options.out as NumericArray).subarray(0, n) as ArrayData);
    } else {
      out = allocate(node.dtype, n, undefined);
    }
    copyStrided(
      node.data,
      node.shape,
      slab.start,
      slab.step,
      out,
      slab.count,
      slab.count.map(() => 0),
      slab.count.map(() => 1),
      slab.count,
    );
    this.stats.elementsRead += n;
    return node.textLength === undefined
      ? { dtype: node.dtype, shape, data: out }
      : { dtype: node.dtype, shape, data: out, textLength: node.textLength };
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    if (this.#writable && !this.aborted) this.#volume.files.set(this.location, this.#root);
  }

  // ---- writing ----

  async createGroup(path: string, attributes: Attributes = {}): Promise<void> {
    this.#checkWritable();
    const [parent, name] = this.#newChild(path);
    const group = newGroup();
    for (const [key, value] of Object.entries(attributes))
      group.attrs.set(key, checkedArray(path, key, value));
    parent.children.set(name, group);
  }

  async createDataset(
    path: string,
    definition: DatasetDefinition,
    attributes: Attributes = {},
    data?: NdArray,
  ): Promise<void> {
    this.#checkWritable();
    const fail = (message: string) => new BackendError(message, { path, backend: this.format });
    const { dtype, shape } = definition;
    checkDefinition(path, definition);
    if (isCompoundDType(dtype) && !this.capabilities.compound) {
      throw new UnsupportedError('compound dtypes are not supported', {
        path,
        feature: 'dtype:compound',
        backend: this.format,
      });
    }
    const { chunks, maxShape, compression } = definition;
    if (maxShape !== undefined && chunks === undefined) throw fail('maxShape needs chunks');
    if (compression !== undefined) {
      if (chunks === undefined) throw fail('compression needs chunks');
      this.#checkCompression(path, compression);
    }
    if (data !== undefined) {
      checkWholeData(path, definition, data);
      checkElements(path, dtype, data);
    }
    const checkedAttrs = Object.entries(attributes).map(
      ([key, value]) => [key, checkedArray(path, key, value)] as const,
    );
    const [parent, name] = this.#newChild(path);
    const n = shapeSize(shape);
    const stored = allocate(dtype, n, definition.fillValue);
    if (data !== undefined) {
      copyInto(stored, data.data);
      this.#noteWrite(n);
    }
    parent.children.set(name, {
      kind: 'dataset',
      attrs: new Map(checkedAttrs),
      dtype,
      shape: [...shape],
      layout: cloneLayout(definition),
      data: stored,
      ...(data?.textLength === undefined ? {} : { textLength: data.textLength }),
    });
  }

  async writeData(path: string, start: readonly number[], data: NdArray): Promise<void> {
    this.#checkWritable();
    this.stats.writeDataCalls++;
    const node = this.#dataset(path);
    checkBlock(path, node, start, data);
    checkElements(path, node.dtype, data);
    copyStrided(
      data.data,
      data.shape,
      data.shape.map(() => 0),
      data.shape.map(() => 1),
      node.data,
      node.shape,
      start,
      node.shape.map(() => 1),
      data.shape,
    );
    this.#noteWrite(shapeSize(data.shape));
  }

  async resize(path: string, shape: readonly number[]): Promise<void> {
    this.#checkWritable();
    const node = this.#dataset(path);
    checkResize(path, { shape: node.shape, ...node.layout }, shape);
    const data = allocate(node.dtype, shapeSize(shape), node.layout.fillValue);
    const common = shape.map((d, axis) => Math.min(d, node.shape[axis]!));
    const zeros = shape.map(() => 0);
    const ones = shape.map(() => 1);
    copyStrided(node.data, node.shape, zeros, ones, data, shape, zeros, ones, common);
    node.data = data;
    node.shape = [...shape];
  }

  async setAttribute(path: string, name: string, value: NdArray): Promise<void> {
    this.#checkWritable();
    const node = this.#find(path, true);
    if (node === undefined || node.kind === 'link')
      throw new NotFoundError('no group or dataset here', { path });
    node.attrs.set(name, checkedArray(path, name, value));
  }

  async createLink(path: string, target: LinkTarget): Promise<void> {
    this.#checkWritable();
    if (!target.target.startsWith('/')) {
      throw new BackendError(`link target ${target.target} is not absolute`, { path, backend: this.format });
    }
    if (target.file !== undefined && !this.capabilities.externalLinks) {
      throw new UnsupportedError('external links are not supported', {
        path,
        feature: 'external-links',
        backend: this.format,
      });
    }
    const [parent, name] = this.#newChild(path);
    parent.children.set(
      name,
      target.file === undefined
        ? { kind: 'link', target: target.target }
        : { kind: 'link', target: target.target, file: target.file },
    );
  }

  async abort(): Promise<void> {
    if (!this.#open) return;
    this.aborted = true;
    this.#open = false;
    this.#root = newGroup();
  }

  // ---- internals ----

  #check(): void {
    if (!this.#open)
      throw new BackendError('the store is closed', { path: this.location, backend: this.format });
  }

  #checkWritable(): void {
    this.#check();
    if (!this.#writable)
      throw new BackendError('the store is read-only', { path: this.location, backend: this.format });
  }

  #checkCompression(path: string, compression: Compression): void {
    if (!this.capabilities.compression.includes(compression.codec)) {
      throw new UnsupportedError(`codec ${compression.codec} is not available`, {
        path,
        feature: `compression:${compression.codec}`,
        backend: this.format,
      });
    }
    if (compression.shuffle === true && compression.codec !== 'blosc' && !this.capabilities.shuffle) {
      throw new UnsupportedError('shuffle is not available', {
        path,
        feature: 'compression:shuffle',
        backend: this.format,
      });
    }
  }

  #noteWrite(n: number): void {
    this.stats.elementsWritten += n;
    this.stats.largestWrite = Math.max(this.stats.largestWrite, n);
  }

  /** The node at `path`; soft links on the way are followed, and the last one too if `follow`. */
  #find(path: string, follow: boolean, hops = 0): MemNode | undefined {
    if (!path.startsWith('/'))
      throw new BackendError(`path ${path} is not absolute`, { path, backend: this.format });
    if (hops > MAX_LINK_HOPS) return undefined;
    const names = normalize(path)
      .split('/')
      .filter((s) => s !== '');
    let node: MemNode = this.#root;
    for (let i = 0; i < names.length; i++) {
      if (node.kind === 'link') {
        if (node.file !== undefined) return undefined;
        const resolved = this.#find(node.target, true, hops + 1);
        if (resolved === undefined) return undefined;
        node = resolved;
      }
      if (node.kind !== 'group') return undefined;
      const child: MemNode | undefined = node.children.get(names[i]!);
      if (child === undefined) return undefined;
      node = child;
    }
    if (follow && node.kind === 'link') {
      if (node.file !== undefined) return undefined;
      return this.#find(node.target, true, hops + 1);
    }
    return node;
  }

  #dataset(path: string): MemDataset {
    const node = this.#find(path, true);
    if (node?.kind !== 'dataset') throw new NotFoundError('no dataset here', { path });
    return node;
  }

  /** The parent group of a path that must not exist yet, and the new child's name. */
  #newChild(path: string): [MemGroup, string] {
    const canonical = normalize(path);
    if (canonical === '/') throw new BackendError('the root already exists', { path, backend: this.format });
    const i = canonical.lastIndexOf('/');
    const parentPath = i === 0 ? '/' : canonical.slice(0, i);
    const name = canonical.slice(i + 1);
    const parent = this.#find(parentPath, true);
    if (parent?.kind !== 'group') throw new NotFoundError('the parent group does not exist', { path });
    if (parent.children.has(name))
      throw new BackendError('something already exists here', { path, backend: this.format });
    return [parent, name];
  }
}

function newGroup(): MemGroup {
  return { kind: 'group', attrs: new Map(), children: new Map() };
}

function normalize(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

function cloneLayout(layout: DatasetLayout): DatasetLayout {
  const out: DatasetLayout = {};
  if (layout.chunks !== undefined) out.chunks = [...layout.chunks];
  if (layout.maxShape !== undefined) out.maxShape = [...layout.maxShape];
  if (layout.compression !== undefined) out.compression = { ...layout.compression };
  if (layout.fillValue !== undefined) out.fillValue = layout.fillValue;
  return out;
}

function typedArrayMatches(dtype: DType, data: ArrayData): boolean {
  if (dtype === 'bool' || (typeof dtype === 'string' && isNumericDType(dtype))) {
    return data instanceof typedArrayFor(dtype as NumericDType | 'bool');
  }
  return false;
}

/** Checks what each element of `data` (already checked by core) holds. */
function checkElements(path: string, dtype: DType, data: NdArray): void {
  if (dtype === 'utf8' || dtype === 'ascii') {
    for (const s of data.data as unknown[]) {
      if (typeof s !== 'string')
        throw new BackendError('text data holds a non-string', { path, backend: 'memory' });
      // Bytes beyond ASCII that are not UTF-8 are kept escaped (see decodeText): allowed.
      // eslint-disable-next-line no-control-regex
      if (dtype === 'ascii' && /[^\x00-\x7f\udc80-\udcff]/.test(s))
        throw new BackendError('ascii data holds non-ASCII text', { path, backend: 'memory' });
    }
  }
  if (dtype === 'ref') {
    for (const r of data.data as unknown[]) {
      const ref = r as { path?: unknown };
      if (
        typeof ref !== 'object' ||
        ref === null ||
        typeof ref.path !== 'string' ||
        !ref.path.startsWith('/')
      ) {
        throw new BackendError('reference data holds something not a reference to an absolute path', {
          path,
          backend: 'memory',
        });
      }
    }
  }
}

function checkedArray(path: string, name: string, value: NdArray): NdArray {
  checkArrayData(`${path}@${name}`, value);
  checkElements(`${path}@${name}`, value.dtype, value);
  return cloneArray(value);
}

function cloneArray(value: NdArray): NdArray {
  const data = ArrayBuffer.isView(value.data)
    ? (value.data as NumericArray).slice()
    : cloneElements(value.data as unknown[]);
  const copy: NdArray = { dtype: value.dtype, shape: [...value.shape], data: data as ArrayData };
  return value.textLength === undefined ? copy : { ...copy, textLength: value.textLength };
}

function cloneElements(items: readonly unknown[]): unknown[] {
  return items.map((item) => (typeof item === 'object' && item !== null ? { ...(item as object) } : item));
}

/** Storage for `n` elements of `dtype`, each set to the fill value (zero, false, '' by default). */
function allocate(dtype: DType, n: number, fill: DatasetLayout['fillValue']): ArrayData {
  if (dtype === 'bool' || (typeof dtype === 'string' && isNumericDType(dtype))) {
    const ctor = typedArrayFor(dtype as NumericDType | 'bool');
    const data = new ctor(n) as NumericArray;
    if (fill !== undefined) {
      const big = dtype === 'int64' || dtype === 'uint64';
      const value = big ? BigInt(fill as number | bigint) : dtype === 'bool' ? (fill ? 1 : 0) : Number(fill);
      (data as unknown as { fill(v: unknown): void }).fill(value);
    }
    return data;
  }
  if (dtype === 'utf8' || dtype === 'ascii')
    return new Array<string>(n).fill(typeof fill === 'string' ? fill : '');
  if (dtype === 'ref') return Array.from({ length: n }, () => ({ path: '/' }));
  return Array.from({ length: n }, (): CompoundRow => ({}));
}

function copyInto(target: ArrayData, source: ArrayData): void {
  if (ArrayBuffer.isView(target)) {
    (target as unknown as { set(a: ArrayLike<unknown>): void }).set(source as NumericArray);
  } else {
    const items = cloneElements(source as unknown[]);
    for (let i = 0; i < items.length; i++) (target as unknown[])[i] = items[i];
  }
}

/**
 * Copies `count` elements per axis from `src` (C order, shape `srcShape`) starting at `srcStart`
 * with `srcStep`, into `dst` (shape `dstShape`) starting at `dstStart` with `dstStep`.
 */
function copyStrided(
  src: ArrayData,
  srcShape: readonly number[],
  srcStart: readonly number[],
  srcStep: readonly number[],
  dst: ArrayData,
  dstShape: readonly number[],
  dstStart: readonly number[],
  dstStep: readonly number[],
  count: readonly number[],
): void {
  const rank = count.length;
  if (count.some((c) => c === 0)) return;
  const s = src as unknown as unknown[];
  const d = dst as unknown as unknown[];
  const plain = !ArrayBuffer.isView(src);
  const copy = (v: unknown) => (plain && typeof v === 'object' && v !== null ? { ...(v as object) } : v);
  if (rank === 0) {
    d[0] = copy(s[0]);
    return;
  }
  const srcStrides = strides(srcShape);
  const dstStrides = strides(dstShape);
  const walk = (axis: number, srcOffset: number, dstOffset: number): void => {
    const so = srcOffset + srcStart[axis]! * srcStrides[axis]!;
    const doff = dstOffset + dstStart[axis]! * dstStrides[axis]!;
    const sInc = srcStep[axis]! * srcStrides[axis]!;
    const dInc = dstStep[axis]! * dstStrides[axis]!;
    const n = count[axis]!;
    if (axis === rank - 1) {
      for (let i = 0; i < n; i++) d[doff + i * dInc] = copy(s[so + i * sInc]);
      return;
    }
    for (let i = 0; i < n; i++) walk(axis + 1, so + i * sInc, doff + i * dInc);
  };
  walk(0, 0, 0);
}

function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    out[axis] = stride;
    stride *= shape[axis]!;
  }
  return out;
}
