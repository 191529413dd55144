/**
 * Choosing the storage layout a dataset is written with: the node's or the source's layout, the
 * caller's chunk and compression overrides, what a resizable or big dataset needs, and what the
 * target backend can do. Every change the target forces is reported as a {@link WriteWarning}.
 */
import type { Compression, DatasetLayout, StorageCapabilities } from '../storage/backend.js';
import type { DType } from '../storage/dtype.js';
import { chunksFor } from './chunking.js';
import { defaultChunks } from './default-chunks.js';
import { isFixedWidth } from './sizes.js';

/** Something {@link writeTree} changed about a dataset so the target could store it. */
export interface WriteWarning {
  /** The dataset's path. */
  readonly path: string;
  /**
   * `compression-fallback`: the codec is missing, gzip was used; `compression-dropped`: no codec
   * available (or the target cannot compress this data), written uncompressed; `shuffle-dropped`: the target cannot shuffle; `chunks-replaced`:
   * the given chunk shape did not fit the dataset; `max-shape-dropped`: the given maxShape did not;
   * `dataset-skipped`: the target cannot store the dataset at all (region references in Zarr), so
   * it was left out; `text-kind-lost`: other readers of the target see its ASCII text as UTF-8.
   */
  readonly code:
    | 'compression-fallback'
    | 'compression-dropped'
    | 'shuffle-dropped'
    | 'chunks-replaced'
    | 'max-shape-dropped'
    | 'dataset-skipped'
    | 'text-kind-lost';
  /** What changed and why, for people. */
  readonly message: string;
}

/**
 * Chunk shapes to write with: `keep` the node's or source's (the default), `auto` replaces every
 * chunk shape with {@link defaultChunks}, or a function choosing per dataset (undefined keeps).
 */
export type ChunksOption =
  'keep' | 'auto' | ((path: string, dtype: DType, shape: readonly number[]) => readonly number[] | undefined);

/**
 * Compression to write with: `keep` the node's or source's (the default; a codec the target lacks
 * becomes gzip at the same level, or none), one {@link Compression} for every numeric or bool
 * dataset of rank 1 or more, or `null` for none at all.
 */
export type CompressionOption = 'keep' | Compression | null;

/** What {@link resolveLayout} needs to know about the dataset. */
export interface LayoutRequest {
  path: string;
  dtype: DType;
  shape: readonly number[];
  /** The node's own layout, which wins over the source's. */
  nodeLayout: DatasetLayout | undefined;
  /** The layout of the stored dataset a handle reads. */
  sourceLayout: DatasetLayout | undefined;
  /** The dataset is written from a stream, so it must be chunked and growable along axis 0. */
  stream: boolean;
  /** The dataset is written in several calls, so it must be chunked. */
  big: boolean;
  /** For text: the data's `textLength` (fixed-length text), when it has one. */
  textLength?: number;
}

/** The layout to create a dataset with. `warn` is told about every forced change. */
export function resolveLayout(
  request: LayoutRequest,
  options: { chunks?: ChunksOption; compression?: CompressionOption },
  capabilities: StorageCapabilities,
  warn: (warning: WriteWarning) => void,
): DatasetLayout {
  const { path, dtype, shape } = request;
  const rank = shape.length;
  // Scalars cannot be chunked, grown or compressed in HDF5; nothing is lost by storing them plain.
  if (rank === 0) return {};
  const base = request.nodeLayout ?? request.sourceLayout ?? {};
  const layout: { -readonly [K in keyof DatasetLayout]: DatasetLayout[K] } = {};
  if (base.chunks !== undefined) layout.chunks = [...base.chunks];
  if (base.maxShape !== undefined) layout.maxShape = [...base.maxShape];
  if (base.compression !== undefined) layout.compression = { ...base.compression };
  if (base.fillValue !== undefined) layout.fillValue = base.fillValue;

  // `null` means none, so it must not fall through to the default.
  const compression = options.compression === undefined ? 'keep' : options.compression;
  if (compression === null) delete layout.compression;
  else if (compression !== 'keep' && isFixedWidth(dtype)) layout.compression = { ...compression };

  if (request.stream && layout.maxShape === undefined) layout.maxShape = [null, ...shape.slice(1)];
  if (layout.maxShape !== undefined && !fitsMaxShape(shape, layout.maxShape)) {
    warn({
      path,
      code: 'max-shape-dropped',
      message: `maxShape [${layout.maxShape.join(', ')}] does not fit shape [${shape.join(', ')}]`,
    });
    delete layout.maxShape;
    if (request.stream) layout.maxShape = [null, ...shape.slice(1)];
  }

  const chunks = options.chunks ?? 'keep';
  if (typeof chunks === 'function') {
    const chosen = chunks(path, dtype, shape);
    if (chosen !== undefined) layout.chunks = [...chosen];
  } else if (chunks === 'auto' && layout.chunks !== undefined) {
    layout.chunks = defaultChunks(dtype, shape);
  }
  const chosen = chunksFor({ dtype, shape, ...layout }, capabilities, request.stream || request.big);
  if (chosen !== undefined) layout.chunks = chosen;

  if (layout.chunks !== undefined) {
    if (layout.chunks.length !== rank || !layout.chunks.every((c) => Number.isSafeInteger(c) && c > 0)) {
      warn({
        path,
        code: 'chunks-replaced',
        message: `chunk shape [${layout.chunks.join(', ')}] does not suit shape [${shape.join(', ')}]`,
      });
      layout.chunks = defaultChunks(dtype, shape);
    }
    // HDF5 wants chunks no larger than a fixed axis; Zarr does not mind smaller ones.
    const limits = shape.map((d, axis) =>
      layout.maxShape?.[axis] === null ? Infinity : (layout.maxShape?.[axis] ?? d),
    );
    if (limits.some((limit) => limit === 0)) {
      // A fixed empty axis cannot hold a chunk: the (empty) dataset is stored plain.
      delete layout.chunks;
      delete layout.compression;
      delete layout.maxShape;
    } else {
      layout.chunks = layout.chunks.map((c, axis) => Math.min(c, limits[axis]!));
    }
  }

  if (
    layout.compression !== undefined &&
    capabilities.textCompression === false &&
    isVariableLengthText(dtype, request.textLength)
  ) {
    warn({
      path,
      code: 'compression-dropped',
      message: 'the target cannot compress variable-length text; written uncompressed',
    });
    delete layout.compression;
  }
  if (layout.compression !== undefined) {
    const fitted = fitCompression(path, layout.compression, capabilities, warn);
    if (fitted === undefined) delete layout.compression;
    else layout.compression = fitted;
  }
  return layout;
}

/** Text stored variable-length: all text but ASCII with a `textLength` (see `NdArray.textLength`). */
function isVariableLengthText(dtype: DType, textLength: number | undefined): boolean {
  if (dtype !== 'utf8' && dtype !== 'ascii') return false;
  return !(
    dtype === 'ascii' &&
    textLength !== undefined &&
    Number.isSafeInteger(textLength) &&
    textLength > 0
  );
}

function fitsMaxShape(shape: readonly number[], maxShape: readonly (number | null)[]): boolean {
  return maxShape.length === shape.length && maxShape.every((m, axis) => m === null || m >= shape[axis]!);
}

/**
 * The compression the target can do: the same codec if it has it, else gzip at the same level
 * (clamped to 0-9) if it has gzip, else none; none when blosc asks for an inner compressor the
 * target lacks. Shuffle is dropped where the target cannot shuffle.
 */
export function fitCompression(
  path: string,
  compression: Compression,
  capabilities: StorageCapabilities,
  warn: (warning: WriteWarning) => void,
): Compression | undefined {
  let fitted: Compression = { ...compression };
  if (!capabilities.compression.includes(compression.codec)) {
    if (!capabilities.compression.includes('gzip')) {
      warn({
        path,
        code: 'compression-dropped',
        message: `${compression.codec} is not available; written uncompressed`,
      });
      return undefined;
    }
    fitted = { codec: 'gzip' };
    if (compression.level !== undefined)
      fitted.level = Math.min(9, Math.max(0, Math.round(compression.level)));
    if (compression.shuffle !== undefined) fitted.shuffle = compression.shuffle;
    warn({
      path,
      code: 'compression-fallback',
      message: `${compression.codec} is not available; written with gzip${fitted.level === undefined ? '' : ` level ${fitted.level}`}`,
    });
  }
  if (fitted.codec !== 'blosc') delete fitted.cname;
  const cnames = capabilities.bloscCompressors;
  if (fitted.cname !== undefined && cnames !== undefined && !cnames.includes(fitted.cname)) {
    warn({
      path,
      code: 'compression-dropped',
      message: `blosc compressor ${fitted.cname} is not available; written uncompressed`,
    });
    return undefined;
  }
  if (fitted.shuffle === true && fitted.codec !== 'blosc' && !capabilities.shuffle) {
    delete fitted.shuffle;
    warn({ path, code: 'shuffle-dropped', message: 'the target cannot shuffle together with a codec' });
  }
  return fitted;
}
