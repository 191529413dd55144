/**
 * IndexSeries: a TimeSeries of indices into an Images group (or, deprecated, an ImageSeries),
 * linked; its data are stored as unsigned 32-bit integers.
 */
import type { NdArray } from '../../storage/values.js';
import { ndarray } from '../../storage/values.js';
import type { DataStream, DatasetValue } from '../../tree/nodes.js';
import { isDataStream, linkNode } from '../../tree/nodes.js';
import { MappingError } from '../../errors.js';
import { isInMemory, isIntegerDType } from '../../model/data.js';
import { ImageSeries, IndexSeries } from '../../model/image-series.js';
import { Images } from '../../model/images.js';
import type { TimeSeriesOptions } from '../../model/time-series.js';
import type { TypeMapper } from '../type-mapper.js';
import { optional } from '../values.js';
import { finishSeries, readTimeSeriesFields, timeSeriesGroup } from './time-series.js';

export const indexSeriesMapper: TypeMapper<IndexSeries> = {
  neurodataType: 'IndexSeries',
  modelClass: IndexSeries,
  kind: 'group',
  toTree(series, to) {
    const group = timeSeriesGroup(series, to, indexData);
    if (series.indexedImages !== undefined) {
      group.children.set('indexed_images', linkNode(to.pathOf(series.indexedImages, 'the indexed Images')));
    }
    if (series.indexedTimeseries !== undefined) {
      group.children.set(
        'indexed_timeseries',
        linkNode(to.pathOf(series.indexedTimeseries, 'the indexed ImageSeries')),
      );
    }
    return group;
  },
  async fromTree(from) {
    const fields = await readTimeSeriesFields(from, true);
    const indexedImages = await from.linked('indexed_images', Images);
    const indexedTimeseries = await from.linked('indexed_timeseries', ImageSeries);
    from.picker.childAttr('data', 'unit');
    const series = new IndexSeries(
      {
        ...(fields.options as TimeSeriesOptions),
        ...optional('indexedImages', indexedImages),
        ...optional('indexedTimeseries', indexedTimeseries),
      },
      from.model(),
    );
    return finishSeries(series, fields);
  },
};

/**
 * IndexSeries data as stored: unsigned 32-bit (64-bit kept). Other integer arrays in memory or
 * streams are converted (their values were checked); stored handles keep their dtype.
 */
function indexData(value: DatasetValue): DatasetValue {
  if (value.dtype === 'uint32' || value.dtype === 'uint64' || !isIntegerDType(value.dtype)) return value;
  if (isInMemory(value)) return toUint32(value);
  if (isDataStream(value)) {
    const source = value;
    const stream: DataStream = {
      kind: 'stream',
      dtype: 'uint32',
      shape: source.shape,
      slabs: (async function* () {
        for await (const slab of source.slabs) yield toUint32(slab);
      })(),
    };
    return stream;
  }
  return value;
}

function toUint32(array: NdArray): NdArray {
  const out = Uint32Array.from(array.data as ArrayLike<number | bigint>, (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      throw new MappingError(`index ${n} does not fit uint32`, { neurodataType: 'IndexSeries' });
    }
    return n;
  });
  return ndarray('uint32', array.shape, out);
}
