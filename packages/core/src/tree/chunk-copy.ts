/**
 * Conversion by copying chunks. Whether a stored dataset's chunks can move to the target as they
 * are stored (without decoding and encoding them again) is decided here, once, for every pair of
 * backends; so is which blocks of a dataset hold no written chunk at all, which conversion skips
 * (a never-written chunk is fill, on both sides, and is never materialised).
 */
import type {
  ChunkEncoding,
  Compression,
  DatasetDefinition,
  EncodedChunk,
  StorageReader,
  StorageWriter,
} from '../storage/backend.js';
import { Limiter } from '../async/limiter.js';
import { isNumericDType, sameDType } from '../storage/dtype.js';
import type { DatasetHandle } from './nodes.js';
import { elementBytes } from './sizes.js';
import type { BlockPlan } from './stored-dataset.js';
import { StoredDataset } from './stored-dataset.js';

/**
 * Batches of chunks copied at once while copying one dataset; each batch reads its chunks, then
 * stores them one after another, so this many chunks are being stored at any time.
 */
const COPY_CONCURRENCY = 8;
/**
 * From a reader that reads many chunks per call (`readStoredChunks`), a batch is about this many
 * bytes of chunks (counted before encoding), asked for with one call (else a batch is one chunk):
 * one request for many adjacent chunks costs far less than one per chunk. Each batch is lent a
 * buffer of a quarter more than that (room for chunks that encoding made bigger), taken back once
 * its chunks are stored and lent again: no new memory per chunk, nothing for the garbage
 * collector, no fresh pages for the kernel to fault in, and at most 8 x 2.5 MiB held.
 */
const BATCH_BYTES = 2 * 1024 * 1024;
const LENT_BYTES = BATCH_BYTES + BATCH_BYTES / 4;

/** A stored dataset whose reader can hand out its chunks still encoded. */
export interface ChunkSource {
  readonly reader: Required<Pick<StorageReader, 'chunkEncoding' | 'storedChunks' | 'readStoredChunk'>> &
    Pick<StorageReader, 'readStoredChunks'>;
  readonly path: string;
  readonly encoding: ChunkEncoding;
}

/**
 * The source of `handle`'s stored chunks: its reader, path and chunk encoding; undefined when the
 * handle is not a stored dataset or its reader cannot hand out its chunks.
 */
export async function chunkSourceOf(handle: DatasetHandle): Promise<ChunkSource | undefined> {
  if (!(handle instanceof StoredDataset)) return undefined;
  const reader = handle.reader;
  if (
    reader.chunkEncoding === undefined ||
    reader.storedChunks === undefined ||
    reader.readStoredChunk === undefined
  )
    return undefined;
  const encoding = await reader.chunkEncoding(handle.path);
  if (encoding === undefined || !sameDType(encoding.dtype, handle.dtype)) return undefined;
  if (encoding.chunks.length !== handle.shape.length) return undefined;
  return { reader: reader as ChunkSource['reader'], path: handle.path, encoding };
}

/**
 * Whether `source`'s chunks, stored as they are, make the dataset `definition` describes: the same
 * numeric dtype, chunk shape, compression (codec, shuffle, and level and Blosc compressor where
 * both say) and fill value. `definition` is what writeTree would create (the caller's overrides
 * and the target's capabilities already applied), so a conversion asking for other chunks or
 * another codec decodes and encodes as before.
 */
export function encodingMatches(
  source: ChunkSource,
  definition: DatasetDefinition,
  sourceFill: unknown,
): boolean {
  const { encoding } = source;
  if (!isNumericDType(definition.dtype) || !sameDType(definition.dtype, encoding.dtype)) return false;
  const chunks = definition.chunks;
  if (chunks === undefined || chunks.length !== encoding.chunks.length) return false;
  if (!chunks.every((c, axis) => c === encoding.chunks[axis])) return false;
  if (!sameFill(definition.fillValue, sourceFill)) return false;
  const stored = compressionOf(encoding);
  return stored !== null && sameCompression(definition.compression, stored);
}

/**
 * Creates `path` in `writer` for `source`'s chunks and copies every written chunk as it is stored;
 * false (nothing created) when the writer cannot store that encoding. `onChunk` is told the
 * element bytes each copied chunk covers within the dataset's extent.
 */
export async function copyStoredChunks(
  source: ChunkSource,
  writer: StorageWriter,
  path: string,
  definition: DatasetDefinition,
  attributes: Parameters<StorageWriter['createDataset']>[2],
  onChunk: (bytes: number) => Promise<void>,
): Promise<boolean> {
  if (writer.createEncodedDataset === undefined || writer.writeStoredChunk === undefined) return false;
  if (!(await writer.createEncodedDataset(path, definition, source.encoding, attributes))) return false;
  const write = writer.writeStoredChunk.bind(writer);
  const writeMany = writer.writeStoredChunks?.bind(writer);
  const { reader, encoding } = source;
  const elementSize = elementBytes(encoding.dtype);
  const readMany = reader.readStoredChunks?.bind(reader);
  const chunkBytes = encoding.chunks.reduce((a, b) => a * b, elementSize);
  const batchSize = readMany === undefined ? 1 : Math.max(1, Math.floor(BATCH_BYTES / chunkBytes));
  const lend = chunkBytes <= BATCH_BYTES; // else batches of one chunk, which would not fit
  const spare: Uint8Array[] = [];
  const copyOne = async (index: readonly number[], bytes: Uint8Array | undefined): Promise<void> => {
    if (bytes === undefined) return;
    await write(path, index, bytes);
    await onChunk(coveredElements(index, encoding.chunks, definition.shape) * elementSize);
  };
  const copyBatch = async (indices: readonly (readonly number[])[]): Promise<void> => {
    if (readMany === undefined) {
      const index = indices[0]!;
      return copyOne(index, await reader.readStoredChunk(source.path, index));
    }
    // As much as the batch may need (a small dataset takes little), up to LENT_BYTES.
    const wanted = Math.min(LENT_BYTES, Math.ceil((indices.length * chunkBytes * 5) / 4));
    const reused = spare.pop();
    const lent = !lend
      ? undefined
      : reused !== undefined && reused.length >= wanted
        ? reused
        : new Uint8Array(wanted);
    const chunks = await readMany(source.path, indices, lent);
    // The memory is lent again only once every write is done with it.
    if (writeMany === undefined) {
      for (let k = 0; k < indices.length; k++) await copyOne(indices[k]!, chunks[k]);
    } else {
      // One write for the batch: a writer storing chunks as files pays its per-write costs (a
      // directory store: hand-overs to the thread pool) once per batch, not once per chunk.
      const present: EncodedChunk[] = [];
      for (let k = 0; k < indices.length; k++) {
        const bytes = chunks[k];
        if (bytes !== undefined) present.push({ index: indices[k]!, bytes });
      }
      if (present.length > 0) await writeMany(path, present);
      for (const { index } of present)
        await onChunk(coveredElements(index, encoding.chunks, definition.shape) * elementSize);
    }
    if (lent !== undefined) spare.push(lent);
  };
  const pool = new Limiter(COPY_CONCURRENCY);
  let failure: { error: unknown } | undefined;
  const start = async (indices: readonly (readonly number[])[]): Promise<void> => {
    // The failure is noted before the batch gives its place up, so the listing stops at once.
    void pool.run(() => copyBatch(indices).catch((error: unknown) => void (failure ??= { error })));
    // Back-pressure: no more of the chunk listing is read while every place is taken.
    await pool.whenFree();
  };
  let batch: (readonly number[])[] = [];
  for await (const index of reader.storedChunks(source.path)) {
    if (failure !== undefined) break;
    if (!inGrid(index, encoding.chunks, definition.shape)) continue;
    batch.push(index);
    if (batch.length < batchSize) continue;
    await start(batch);
    batch = [];
  }
  if (batch.length > 0 && failure === undefined) await start(batch);
  await pool.idle();
  if (failure !== undefined) throw failure.error;
  return true;
}

/**
 * For a dataset whose reader can list its written chunks: the parts of a block that hold written
 * chunks (none: the block is skipped), so that conversion never reads or writes a chunk that was
 * never written (the target's unwritten chunks are fill too). Undefined when every block must be
 * read whole. Chunks are told apart along the first axis, which is how blocks are cut: a block's
 * rows are split into the runs of chunk rows holding a written chunk.
 */
export async function writtenParts(
  source: ChunkSource,
  definition: DatasetDefinition,
  sourceFill: unknown,
): Promise<((block: BlockPlan) => BlockPlan[]) | undefined> {
  if (!sameFill(definition.fillValue, sourceFill) || definition.shape.length === 0) return undefined;
  const rows = new Set<number>();
  for await (const index of source.reader.storedChunks(source.path)) rows.add(index[0]!);
  const rowChunk = source.encoding.chunks[0]!;
  return (block) => {
    const begin = block.start[0]!;
    const end = begin + block.count[0]!;
    const parts: BlockPlan[] = [];
    let from: number | undefined;
    const flush = (to: number): void => {
      if (from === undefined) return;
      parts.push({ start: [from, ...block.start.slice(1)], count: [to - from, ...block.count.slice(1)] });
      from = undefined;
    };
    for (let row = Math.floor(begin / rowChunk); row * rowChunk < end; row++) {
      const rowStart = Math.max(begin, row * rowChunk);
      if (rows.has(row)) from ??= rowStart;
      else flush(rowStart);
    }
    flush(end);
    return parts;
  };
}

/** The neutral compression an encoding amounts to: undefined for none, null for none we name. */
function compressionOf(encoding: ChunkEncoding): Compression | undefined | null {
  let shuffle = false;
  let compression: Compression | undefined;
  for (const codec of encoding.codecs) {
    if (compression !== undefined) return null; // nothing follows the compressor
    switch (codec.id) {
      case 'shuffle':
        if (shuffle) return null;
        shuffle = true;
        break;
      case 'zlib':
      case 'gzip':
        compression = { codec: 'gzip', level: codec.level };
        break;
      case 'zstd':
        compression = { codec: 'zstd', level: codec.level };
        break;
      case 'lz4':
        compression = { codec: 'lz4' };
        break;
      case 'blosc':
        if (shuffle) return null;
        compression = {
          codec: 'blosc',
          level: codec.level,
          cname: codec.cname,
          shuffle: codec.shuffle !== 0,
        };
        break;
      default:
        return null;
    }
  }
  if (compression === undefined) return shuffle ? null : undefined;
  return shuffle ? { ...compression, shuffle: true } : compression;
}

function sameCompression(wanted: Compression | undefined, stored: Compression | undefined): boolean {
  if (wanted === undefined || stored === undefined) return wanted === stored;
  if (wanted.codec !== stored.codec) return false;
  if ((wanted.shuffle === true) !== (stored.shuffle === true)) return false;
  if (wanted.level !== undefined && stored.level !== undefined && wanted.level !== stored.level) return false;
  return wanted.cname === undefined || stored.cname === undefined || wanted.cname === stored.cname;
}

/** Fill values alike: absent and false are 0, true is 1, a bigint its number, NaN equals NaN. */
function sameFill(a: unknown, b: unknown): boolean {
  const value = (v: unknown): unknown =>
    v === undefined || v === false ? 0 : v === true ? 1 : typeof v === 'bigint' ? Number(v) : v;
  const x = value(a);
  const y = value(b);
  return x === y || (Number.isNaN(x) && Number.isNaN(y));
}

/** Whether a chunk index lies on the grid of a dataset of `shape` (a source may list stray chunks). */
function inGrid(index: readonly number[], chunks: readonly number[], shape: readonly number[]): boolean {
  return (
    index.length === shape.length &&
    index.every((c, axis) => Number.isSafeInteger(c) && c >= 0 && c * chunks[axis]! < shape[axis]!)
  );
}

/** Elements of the chunk at `index` that lie within `shape`. */
function coveredElements(
  index: readonly number[],
  chunks: readonly number[],
  shape: readonly number[],
): number {
  let n = 1;
  for (let axis = 0; axis < shape.length; axis++) {
    n *= Math.min(chunks[axis]!, shape[axis]! - index[axis]! * chunks[axis]!);
  }
  return n;
}
