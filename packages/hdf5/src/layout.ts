/**
 * Storage layout as HDF5 keeps it (chunk shape, maximum shape, filter pipeline) to and from the
 * neutral {@link DatasetLayout}. Only gzip can be written (h5wasm sets one filter per dataset);
 * every filter can be reported.
 */
import type { Compression, DatasetLayout } from '@nwbjs/core';
import type { DatasetDefinition } from '@nwbjs/core/backend';
import { ValidationError } from '@nwbjs/core';
import { guard, unsupported } from './errors.js';
import type { Hdf5File } from './file-handle.js';
import type { Filter, Metadata } from './module.js';
import { H5S_UNLIMITED, isUnlimited } from './module.js';

/** HDF5 filter ids of the codecs nwbjs names (the plugin ids are registered with The HDF Group). */
const FILTER_CODECS: Record<number, Compression['codec']> = {
  1: 'gzip',
  307: 'bz2',
  32000: 'lzf',
  32001: 'blosc',
  32004: 'lz4',
  32015: 'zstd',
};
const SHUFFLE = 2;
const BLOSC_CNAMES = ['blosclz', 'lz4', 'lz4hc', 'snappy', 'zlib', 'zstd'];

/** Chunks, maxShape, compression and filters of a dataset, for `stat`. */
export function layoutOf(
  file: Hdf5File,
  path: string,
  meta: Metadata,
): DatasetLayout & { filters?: { id: number; name: string }[] } {
  if (meta.chunks === null || meta.chunks === undefined) return {};
  const layout: DatasetLayout & { filters?: { id: number; name: string }[] } = { chunks: [...meta.chunks] };
  const shape = meta.shape ?? [];
  const maxShape = (meta.maxshape ?? shape).map((m) => (isUnlimited(m) ? null : m));
  layout.maxShape = maxShape;
  const filters = guard(path, 'reading the filter pipeline', () =>
    file.module.get_dataset_filters(file.fileId, path),
  );
  if (filters.length > 0) {
    layout.filters = filters.map((f) => ({ id: f.id, name: f.name }));
    const compression = compressionOf(filters);
    if (compression !== undefined) layout.compression = compression;
  }
  return layout;
}

/** The neutral compression a filter pipeline amounts to, if any codec of it has a name in nwbjs. */
export function compressionOf(filters: readonly Pick<Filter, 'id' | 'cd_values'>[]): Compression | undefined {
  const shuffle = filters.some((f) => f.id === SHUFFLE);
  for (const filter of filters) {
    const codec = FILTER_CODECS[filter.id];
    if (codec === undefined) continue;
    const c: Compression = { codec };
    const values = filter.cd_values;
    if (codec === 'gzip' && values[0] !== undefined) c.level = values[0];
    if (codec === 'zstd' && values[0] !== undefined) c.level = values[0];
    if (codec === 'blosc') {
      // Blosc's cd_values: version, version, type size, buffer size, level, shuffle, compressor.
      if (values[4] !== undefined) c.level = values[4];
      if (values[5] !== undefined) c.shuffle = values[5] !== 0;
      const cname = values[6] === undefined ? undefined : BLOSC_CNAMES[values[6]];
      if (cname !== undefined) c.cname = cname;
    } else if (shuffle) {
      c.shuffle = true;
    }
    return c;
  }
  return undefined;
}

/** The creation properties h5wasm's `create_dataset` takes, checked against the dataset's shape. */
export interface CreationLayout {
  chunks: bigint[] | null;
  maxshape: bigint[] | null;
  compression: number;
  compression_opts: number[];
}

/**
 * The creation properties for `definition` (checked, and whose chunks, if any, are already chosen). Refuses
 * what HDF5 or h5wasm cannot do with a clear error, before HDF5 sees it.
 */
export function creationLayout(path: string, definition: DatasetDefinition): CreationLayout {
  const { shape, chunks, maxShape, compression } = definition;
  const invalid = (message: string) => new ValidationError(message, { path, rule: 'dataset-layout' });
  if (chunks === undefined) {
    if (compression !== undefined || maxShape !== undefined)
      throw invalid('compression and maxShape need chunks');
    return { chunks: null, maxshape: null, compression: 0, compression_opts: [] };
  }
  // Chunks and maxShape were checked against the shape (core's checkDefinition); HDF5 alone wants
  // no chunk larger than a fixed axis.
  const max = maxShape ?? shape;
  if (chunks.some((c, axis) => max[axis] !== null && c > max[axis]!)) {
    throw invalid(`chunk shape [${chunks.join(', ')}] exceeds the fixed axes of [${max.join(', ')}]`);
  }
  let filter = 0;
  let opts: number[] = [];
  if (compression !== undefined) {
    if (compression.codec !== 'gzip') {
      throw unsupported(
        path,
        `${compression.codec} compression is not available (h5wasm without plugins has gzip only)`,
        `compression:${compression.codec}`,
      );
    }
    if (compression.shuffle === true) {
      throw unsupported(
        path,
        'shuffle together with gzip cannot be written with h5wasm (one filter per dataset); set shuffle: false',
        'shuffle',
      );
    }
    const level = compression.level ?? 4;
    if (!Number.isInteger(level) || level < 0 || level > 9)
      throw invalid(`gzip level ${level} is not in 0-9`);
    filter = 1;
    opts = [level];
  }
  return {
    chunks: chunks.map(BigInt),
    maxshape: max.map((m) => (m === null ? H5S_UNLIMITED : BigInt(m))),
    compression: filter,
    compression_opts: opts,
  };
}
