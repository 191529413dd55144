/**
 * Writing a neutral tree into an empty store. Groups and datasets go first, in pre-order with their
 * attributes; then links; then everything holding object references (HDF5 needs a reference's
 * target to exist). Data is written in bounded calls: big arrays in runs of rows, lazy handles
 * block by block, streams slab by slab as they arrive, so memory stays near one block.
 */
import type { Attributes, DatasetDefinition, DatasetLayout, StorageWriter } from '../storage/backend.js';
import { emptyAttributes } from '../storage/backend.js';
import type { DType } from '../storage/dtype.js';
import {
  holdsReferences,
  holdsRegionReferences,
  isCompoundDType,
  isNumericDType,
  sameDType,
  formatDType,
} from '../storage/dtype.js';
import type { CompoundRow, NdArray, ObjectRef } from '../storage/values.js';
import { isObjectRef, shapeSize } from '../storage/values.js';
import { checkArrayData, checkWholeData } from '../storage/checks.js';
import { ValidationError } from '../errors.js';
import type { ChunkSource } from './chunk-copy.js';
import { chunkSourceOf, copyStoredChunks, encodingMatches, writtenParts } from './chunk-copy.js';
import type { DataStream, DatasetHandle, DatasetNode, GroupNode, LinkNode } from './nodes.js';
import { isDataStream, isDatasetHandle } from './nodes.js';
import { errorAt } from './error-context.js';
import { isValidChildName, joinPath, normalizePath } from './paths.js';
import { concatRows, emptyArray, rowRuns } from './row-slabs.js';
import { arrayBytes, isFixedWidth } from './sizes.js';
import { DEFAULT_BLOCK_BYTES, StoredDataset } from './stored-dataset.js';
import type { ChunksOption, CompressionOption, WriteWarning } from './write-layout.js';
import { resolveLayout } from './write-layout.js';

/** Largest single data transfer {@link writeTree} hands a backend by default: 64 MiB. */
export const DEFAULT_MAX_CALL_BYTES = 64 * 1024 * 1024;

/** How long writing may go on without letting the event loop turn, in milliseconds. */
const YIELD_EVERY_MS = 50;

/**
 * How far {@link writeTree} has got, in (estimated) bytes of dataset content: written so far, the
 * whole tree's total (known from the start), and the dataset just written to.
 */
export type WriteProgressCallback = (bytesWritten: number, totalBytes: number, path: string) => void;

/** Options of {@link writeTree}. */
export interface WriteTreeOptions {
  /** Called after every data write. Text and references count by an estimate (16 bytes each). */
  onProgress?: WriteProgressCallback;
  /** Called for every layout change the target forced (also listed in the result). */
  onWarning?: (warning: WriteWarning) => void;
  /** Compression override (default `keep`). */
  compression?: CompressionOption;
  /** Chunk shape override (default `keep`). */
  chunks?: ChunksOption;
  /**
   * Largest data transfer of one backend call (default {@link DEFAULT_MAX_CALL_BYTES}). Numeric
   * arrays above it are created empty and written in runs of rows.
   */
  maxCallBytes?: number;
  /** Block size for copying lazy handles (default 16 MiB, never above `maxCallBytes`). */
  blockBytes?: number;
}

/** What {@link writeTree} did besides writing. */
export interface WriteTreeResult {
  /** Bytes of dataset content written (estimated for text and references). */
  readonly bytesWritten: number;
  /** Layout changes the target forced. */
  readonly warnings: readonly WriteWarning[];
}

/**
 * Writes `root` into `writer`, which must be empty (a fresh store: only the root group). The root's
 * attributes are set on `/`. On failure the writer is aborted and the error, naming the path it
 * happened at, is rethrown. The writer is not closed: call `writer.close()` to commit.
 */
export async function writeTree(
  writer: StorageWriter,
  root: GroupNode,
  options: WriteTreeOptions = {},
): Promise<WriteTreeResult> {
  const job = new TreeWriteJob(writer, root, options);
  try {
    await job.run();
  } catch (error) {
    try {
      await writer.abort();
    } catch {
      // The original failure is the one worth reporting.
    }
    throw errorAt(error, job.currentPath, writer.format);
  }
  return { bytesWritten: job.bytesWritten, warnings: job.warnings };
}

class TreeWriteJob {
  readonly warnings: WriteWarning[] = [];
  bytesWritten = 0;
  currentPath = '/';
  readonly #writer: StorageWriter;
  readonly #root: GroupNode;
  readonly #options: WriteTreeOptions;
  readonly #maxCallBytes: number;
  readonly #objectIds = new Map<string, string>();
  readonly #links: Array<[string, LinkNode]> = [];
  readonly #refDatasets: Array<[string, DatasetNode]> = [];
  readonly #refAttributes: Array<[string, string, NdArray]> = [];
  #totalBytes = 0;
  #lastYield = Date.now();

  constructor(writer: StorageWriter, root: GroupNode, options: WriteTreeOptions) {
    this.#writer = writer;
    this.#root = root;
    this.#options = options;
    this.#maxCallBytes = Math.max(1, options.maxCallBytes ?? DEFAULT_MAX_CALL_BYTES);
  }

  async run(): Promise<void> {
    this.#survey('/', this.#root);
    await this.#writeGroup('/', this.#root);
    for (const [path, link] of this.#links) {
      this.currentPath = path;
      await this.#writer.createLink(
        path,
        link.file === undefined ? { target: link.target } : { target: link.target, file: link.file },
      );
    }
    for (const [path, node] of this.#refDatasets) {
      this.currentPath = path;
      await this.#writeRefDataset(path, node);
    }
    for (const [path, name, value] of this.#refAttributes) {
      this.currentPath = path;
      await this.#writer.setAttribute(path, name, this.#withObjectIds(value));
    }
  }

  /** Collects object ids (for references) and the total size (for progress), checking names. */
  #survey(path: string, group: GroupNode): void {
    this.#noteObjectId(path, group.attrs);
    for (const [name, child] of group.children) {
      const childPath = joinPath(path, name);
      if (!isValidChildName(name)) {
        this.currentPath = path;
        throw new ValidationError(`invalid child name ${JSON.stringify(name)}`, { path, rule: 'node-name' });
      }
      if (child.kind === 'group') this.#survey(childPath, child);
      else if (child.kind === 'dataset') {
        this.#noteObjectId(childPath, child.attrs);
        this.#totalBytes += arrayBytes(child.value.dtype, child.value.shape);
      }
    }
  }

  #noteObjectId(path: string, attrs: Attributes): void {
    const id = attrs['object_id'];
    if (id !== undefined && (id.dtype === 'utf8' || id.dtype === 'ascii') && id.data.length === 1) {
      const value = (id.data as string[])[0];
      if (typeof value === 'string' && value !== '') this.#objectIds.set(path, value);
    }
  }

  async #writeGroup(path: string, group: GroupNode): Promise<void> {
    this.currentPath = path;
    const attrs = this.#splitAttributes(path, group.attrs);
    if (path === '/') {
      for (const [name, value] of Object.entries(attrs)) await this.#writer.setAttribute('/', name, value);
    } else {
      await this.#writer.createGroup(path, attrs);
    }
    for (const [name, child] of group.children) {
      const childPath = joinPath(path, name);
      if (child.kind === 'group') await this.#writeGroup(childPath, child);
      else if (child.kind === 'link') this.#links.push([childPath, child]);
      else if (holdsReferences(child.value.dtype)) this.#refDatasets.push([childPath, child]);
      else {
        this.currentPath = childPath;
        await this.#writeDataset(childPath, child);
      }
    }
  }

  /** The attributes to write now; those holding references are kept for the last pass. */
  #splitAttributes(path: string, attrs: Attributes): Attributes {
    const now = emptyAttributes();
    for (const [name, value] of Object.entries(attrs)) {
      if (holdsReferences(value.dtype)) this.#refAttributes.push([path, name, value]);
      else now[name] = value;
    }
    return now;
  }

  async #writeDataset(path: string, node: DatasetNode): Promise<void> {
    const value = node.value;
    const attrs = this.#splitAttributes(path, node.attrs);
    if (isDataStream(value)) return this.#writeStream(path, node, value, attrs);
    const bytes = arrayBytes(value.dtype, value.shape);
    const inParts = isFixedWidth(value.dtype) && value.shape.length > 0 && bytes > this.#maxCallBytes;
    const how = { stream: false, big: inParts };
    if (isDatasetHandle(value)) {
      const source =
        isNumericDType(value.dtype) && shapeSize(value.shape) > 0 ? await chunkSourceOf(value) : undefined;
      if (source !== undefined) return this.#writeStoredChunks(path, node, value, attrs, source, how);
      if (!inParts) {
        const data =
          shapeSize(value.shape) === 0
            ? emptyArray(value.dtype, value.shape)
            : checkWholeData(path, value, await value.read());
        const definition = this.#definition(path, node, data, how);
        await this.#writer.createDataset(path, definition, attrs, data);
        return this.#progress(path, bytes);
      }
      const definition = this.#definition(path, node, value, how);
      await this.#writer.createDataset(path, definition, attrs);
      const target = Math.min(this.#options.blockBytes ?? DEFAULT_BLOCK_BYTES, this.#maxCallBytes);
      for await (const block of value.blocks(target))
        await this.#writeRows(path, block.start, block.data, definition.chunks?.[0]);
      return;
    }
    checkArrayData(path, value);
    const definition = this.#definition(path, node, value, how);
    if (!inParts) {
      await this.#writer.createDataset(path, definition, attrs, value);
      return this.#progress(path, bytes);
    }
    await this.#writer.createDataset(path, definition, attrs);
    await this.#writeRows(
      path,
      value.shape.map(() => 0),
      value,
      definition.chunks?.[0],
    );
  }

  /**
   * A dataset whose source can hand out its stored chunks: copied chunk by chunk as they are stored
   * where the target stores the same encoding; else decoded and written block by block, reading
   * only the chunk rows that hold a written chunk (the rest is fill on both sides, never
   * materialised).
   */
  async #writeStoredChunks(
    path: string,
    node: DatasetNode,
    handle: DatasetHandle,
    attrs: Attributes,
    source: ChunkSource,
    how: { stream: boolean; big: boolean },
  ): Promise<void> {
    const bytes = arrayBytes(handle.dtype, handle.shape);
    const before = this.bytesWritten;
    const definition = this.#definition(path, node, handle, how);
    const fill = handle.layout.fillValue;
    const copied =
      encodingMatches(source, definition, fill) &&
      (await copyStoredChunks(source, this.#writer, path, definition, attrs, (n) => this.#progress(path, n)));
    if (!copied) {
      await this.#writer.createDataset(path, definition, attrs);
      const parts = await writtenParts(source, definition, fill);
      const target = Math.min(this.#options.blockBytes ?? DEFAULT_BLOCK_BYTES, this.#maxCallBytes);
      const blocks = handle instanceof StoredDataset ? handle.blocks(target, parts) : handle.blocks(target);
      for await (const block of blocks)
        await this.#writeRows(path, block.start, block.data, definition.chunks?.[0]);
    }
    // Chunks never written count as done: the target holds the same fill there.
    const rest = bytes - (this.bytesWritten - before);
    if (rest > 0) await this.#progress(path, rest);
  }

  async #writeStream(path: string, node: DatasetNode, stream: DataStream, attrs: Attributes): Promise<void> {
    const { dtype, shape } = stream;
    if (shape.length === 0) {
      throw new ValidationError('a stream needs at least one axis', { path, rule: 'stream-shape' });
    }
    const definition = this.#definition(path, node, stream, { stream: true, big: false });
    if (!isFixedWidth(dtype)) {
      // Variable-length data cannot be written by slice everywhere (h5wasm): gather it, write once.
      const data = await collectStream(path, stream);
      await this.#writer.createDataset(path, definition, attrs, data);
      return this.#progress(path, arrayBytes(dtype, shape));
    }
    await this.#writer.createDataset(path, definition, attrs);
    let row = 0;
    let index = 0;
    for await (const slab of stream.slabs) {
      checkSlab(path, stream, slab, index++, row);
      await this.#writeRows(path, [row, ...shape.slice(1).map(() => 0)], slab, definition.chunks?.[0]);
      row += slab.shape[0]!;
    }
    checkStreamEnd(path, stream, row);
  }

  async #writeRefDataset(path: string, node: DatasetNode): Promise<void> {
    const value = node.value;
    if (
      holdsRegionReferences(value.dtype) &&
      this.#writer.capabilities.regionReferences !== true &&
      shapeSize(value.shape) > 0
    ) {
      this.#warn({
        path,
        code: 'dataset-skipped',
        message: `left out: it holds region references, which ${this.#writer.format} cannot store`,
      });
      return;
    }
    let data: NdArray;
    if (isDataStream(value)) data = await collectStream(path, value);
    else if (isDatasetHandle(value)) data = checkWholeData(path, value, await value.read());
    else data = checkArrayData(path, value);
    const attrs = emptyAttributes();
    for (const [name, attr] of Object.entries(node.attrs)) attrs[name] = this.#withObjectIds(attr);
    const definition = this.#definition(path, node, data, {
      stream: isDataStream(value),
      big: false,
    });
    await this.#writer.createDataset(path, definition, attrs, this.#withObjectIds(data));
    await this.#progress(path, arrayBytes(value.dtype, value.shape));
  }

  /** The definition to create a dataset of `data`'s dtype and shape with (and its textLength, if any). */
  #definition(
    path: string,
    node: DatasetNode,
    data: { dtype: DType; shape: readonly number[]; textLength?: number },
    how: { stream: boolean; big: boolean },
  ): DatasetDefinition {
    const { dtype, shape, textLength } = data;
    if (this.#writer.capabilities.asciiText === false && holdsAscii(dtype)) {
      this.#warn({
        path,
        code: 'text-kind-lost',
        message: `its ASCII text is stored as UTF-8 text: ${this.#writer.format} readers other than nwbjs read it as utf8`,
      });
    }
    const source: DatasetLayout | undefined = isDatasetHandle(node.value) ? node.value.layout : undefined;
    const layout = resolveLayout(
      { path, dtype, shape, nodeLayout: node.layout, sourceLayout: source, ...how, textLength },
      { chunks: this.#options.chunks, compression: this.#options.compression },
      this.#writer.capabilities,
      (warning) => this.#warn(warning),
    );
    return { dtype, shape, ...layout };
  }

  /**
   * Writes `data` with its first element at `start`, in runs of rows of at most maxCallBytes that
   * end on the target's chunk rows (`chunkRows`) where a chunk row fits in a run, so that no chunk
   * is written by two calls (a backend would have to read it back and encode it twice).
   */
  async #writeRows(path: string, start: readonly number[], data: NdArray, chunkRows?: number): Promise<void> {
    for (const run of rowRuns(start, data, this.#maxCallBytes, { chunkRows })) {
      await this.#writer.writeData(path, run.start, run.data);
      await this.#progress(path, arrayBytes(run.data.dtype, run.data.shape));
    }
  }

  async #progress(path: string, bytes: number): Promise<void> {
    this.bytesWritten += bytes;
    this.#options.onProgress?.(this.bytesWritten, this.#totalBytes, path);
    // A backend that writes synchronously (h5wasm) never lets the event loop turn: give it one now and
    // then, so timers, I/O and signal handlers (Ctrl-C removing the temporary output) get to run.
    const now = Date.now();
    if (now - this.#lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.#lastYield = Date.now();
    }
  }

  #warn(warning: WriteWarning): void {
    this.warnings.push(warning);
    this.#options.onWarning?.(warning);
  }

  /** `value` with each reference's objectId taken from its target's `object_id` in this tree. */
  #withObjectIds(value: NdArray): NdArray {
    const fill = (ref: ObjectRef): ObjectRef => {
      const id = this.#objectIds.get(normalizePath(ref.path) ?? ref.path);
      return id === undefined ? ref : { path: ref.path, objectId: id };
    };
    if (value.dtype === 'ref') return { ...value, data: (value.data as ObjectRef[]).map(fill) };
    if (isCompoundDType(value.dtype)) {
      const refFields = value.dtype.compound.filter((f) => f.dtype === 'ref').map((f) => f.name);
      const rows = (value.data as CompoundRow[]).map((row) => {
        const copy: CompoundRow = { ...row };
        for (const name of refFields) {
          const ref = copy[name];
          if (isObjectRef(ref)) copy[name] = fill(ref);
        }
        return copy;
      });
      return { ...value, data: rows };
    }
    return value;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Checks one slab of a stream: its dtype, its row shape, and that it stays within the declared rows. */
function checkSlab(path: string, stream: DataStream, slab: NdArray, index: number, row: number): void {
  const expected = `[k, ${stream.shape.slice(1).join(', ')}]`.replace(', ]', ']');
  if (slab === null || typeof slab !== 'object' || !Array.isArray(slab.shape) || slab.data === undefined) {
    throw new ValidationError(`stream slab ${index} is not an array`, { path, rule: 'stream-slab-shape' });
  }
  if (!sameDType(slab.dtype, stream.dtype)) {
    throw new ValidationError(
      `stream slab ${index} has dtype ${formatDType(slab.dtype)}, the stream declares ${formatDType(stream.dtype)}`,
      { path, rule: 'stream-slab-dtype' },
    );
  }
  if (slab.shape.length !== stream.shape.length || !sameShape(slab.shape.slice(1), stream.shape.slice(1))) {
    throw new ValidationError(
      `stream slab ${index} has shape [${slab.shape.join(', ')}], expected ${expected}`,
      {
        path,
        rule: 'stream-slab-shape',
      },
    );
  }
  if (slab.data.length !== shapeSize(slab.shape)) {
    throw new ValidationError(
      `stream slab ${index} has shape [${slab.shape.join(', ')}] but ${slab.data.length} elements`,
      { path, rule: 'stream-slab-shape' },
    );
  }
  if (row + slab.shape[0]! > stream.shape[0]!) {
    throw new ValidationError(
      `stream yields more than the declared ${stream.shape[0]} rows (slab ${index} ends at row ${row + slab.shape[0]!})`,
      { path, rule: 'stream-length' },
    );
  }
}

function checkStreamEnd(path: string, stream: DataStream, rows: number): void {
  if (rows !== stream.shape[0]) {
    throw new ValidationError(`stream yielded ${rows} rows, declared ${stream.shape[0]}`, {
      path,
      rule: 'stream-length',
    });
  }
}

/** Reads a whole stream into one array (for data that is written in one call). */
async function collectStream(path: string, stream: DataStream): Promise<NdArray> {
  if (stream.shape.length === 0) {
    throw new ValidationError('a stream needs at least one axis', { path, rule: 'stream-shape' });
  }
  const parts: NdArray[] = [];
  let row = 0;
  for await (const slab of stream.slabs) {
    checkSlab(path, stream, slab, parts.length, row);
    parts.push(slab);
    row += slab.shape[0]!;
  }
  checkStreamEnd(path, stream, row);
  return concatRows(stream.dtype, stream.shape.slice(1), parts);
}

/** True for `ascii` and records with an `ascii` field. */
function holdsAscii(dtype: DType): boolean {
  return isCompoundDType(dtype) ? dtype.compound.some((f) => f.dtype === 'ascii') : dtype === 'ascii';
}
