/**
 * An array's record and the neutral dataset it stands for, both ways: the record a new dataset is
 * written with (hdmf-zarr's dtype, codecs, chunks and fill value for a `DatasetDefinition`), and
 * the `DatasetInfo` `stat` reports for a record.
 */
import type { NdArray } from '@nwbjs/core';
import type { DatasetDefinition, DatasetInfo } from '@nwbjs/core/backend';
import { UnsupportedError, isTextDType } from '@nwbjs/core';
import { chunksFor, isCompoundDType } from '@nwbjs/core/backend';
import { ZARR_CAPABILITIES } from './capabilities.js';
import { SUPPORTED_CODECS, compressionFromMetadata, compressionMetadata } from './codecs.js';
import type { JsonOut } from './conventions/json.js';
import { toJsonValue } from './conventions/json.js';
import { storageOf } from './conventions/zarr-dtype.js';
import { fillJson, fillNumber, zeroRecordJson } from './fill-values.js';
import type { ArrayRecord } from './metadata.js';

/**
 * The record of a new array at `path` (definition and data already checked); the data, when
 * given, tells fixed-length text's length and whether it is all ASCII. Scalars are stored with
 * shape (1,), as hdmf-zarr stores them; the cached specifications (scalar text under
 * `/specifications`) uncompressed, as hdmf-zarr writes them.
 */
export function newArrayRecord(path: string, definition: DatasetDefinition, data?: NdArray): ArrayRecord {
  const { dtype, shape } = definition;
  const scalar = shape.length === 0;
  const isSpec = path.startsWith('/specifications/') && isTextDType(dtype) && scalar;
  if (scalar && isCompoundDType(dtype)) {
    throw new UnsupportedError('a scalar compound dataset has no hdmf-zarr layout', {
      path,
      feature: 'compound-scalar',
      backend: 'zarr',
    });
  }
  const asciiOnly =
    data?.dtype === 'ascii' && (data.data as readonly string[]).every((text) => /^\p{ASCII}*$/u.test(text));
  const storage = storageOf(dtype, path, isSpec && dtype === 'utf8', data?.textLength, asciiOnly);
  const itemSize =
    storage.codec.kind === 'numeric' || storage.codec.kind === 'structured' ? storage.codec.itemSize : 8;
  if (definition.compression !== undefined && !SUPPORTED_CODECS.includes(definition.compression.codec)) {
    throw new UnsupportedError(
      `compression ${definition.compression.codec} is not supported by the Zarr backend`,
      {
        path,
        feature: `compression:${definition.compression.codec}`,
        backend: 'zarr',
      },
    );
  }
  const compression = isSpec ? undefined : definition.compression;
  const { compressor, filters: byteFilters } = compressionMetadata(compression, itemSize, path);
  // One chunk for the whole array unless core decides it needs chunks.
  const chunks = scalar
    ? [1]
    : (chunksFor(definition, ZARR_CAPABILITIES) ?? shape.map((d) => Math.max(1, d)));
  const filtersJson: JsonOut =
    storage.codec.kind === 'object' ? storage.filters : byteFilters.length > 0 ? byteFilters : null;
  return {
    kind: 'array',
    path,
    shape: scalar ? [1] : [...shape],
    chunks,
    scalar,
    dtype,
    rawDType: toJsonValue(storage.zarrayDType),
    element: storage.codec,
    separator: '.',
    fill: toJsonValue(
      storage.codec.kind === 'structured'
        ? zeroRecordJson(storage.codec.itemSize)
        : storage.codec.kind === 'fixed-text'
          ? '' // zarr-python's fill for `S<n>`: the base64 of no bytes
          : fillJson(definition.fillValue, dtype),
    ),
    compressor: toJsonValue(compressor),
    filters: toJsonValue(filtersJson),
    maxShape: definition.maxShape === undefined || scalar ? undefined : [...definition.maxShape],
    attrs: new Map([['zarr_dtype', scalar ? 'scalar' : toJsonValue(storage.zarrDType)]]),
    attributeDTypes: new Map(),
  };
}

/** What `stat` reports for an array: its neutral dtype, shape and layout. */
export function datasetInfo(record: ArrayRecord): DatasetInfo {
  const compression = record.scalar ? undefined : compressionFromMetadata(record.compressor, record.filters);
  const fill = fillNumber(record.fill);
  return {
    kind: 'dataset',
    path: record.path,
    dtype: record.dtype,
    shape: record.scalar ? [] : [...record.shape],
    ...(record.scalar ? {} : { chunks: [...record.chunks] }),
    ...(record.maxShape !== undefined ? { maxShape: [...record.maxShape] } : {}),
    ...(compression !== undefined ? { compression } : {}),
    ...(record.element.kind === 'numeric' && fill !== 0 && !Number.isNaN(fill) ? { fillValue: fill } : {}),
  };
}
