/**
 * TimeSeries: data with its unit and scaling, sampling by rate or timestamps, and links to the
 * series whose data or timestamps it shares. The series types extending it build on the fields
 * read and written here.
 */
import type { Attributes } from '../../storage/backend.js';
import type { NdArray } from '../../storage/values.js';
import type { DatasetValue, GroupNode, TreeNode } from '../../tree/nodes.js';
import { datasetNode, groupNode, linkNode } from '../../tree/nodes.js';
import { baseName, parentPath } from '../../tree/paths.js';
import { MappingError } from '../../errors.js';
import type { Continuity, TimeSeriesOptions } from '../../model/time-series.js';
import { TimeSeries } from '../../model/time-series.js';
import type { FromTreeContext, ToTreeContext, TypeMapper } from '../type-mapper.js';
import type { NumericField } from '../values.js';
import {
  dtypeFor,
  numberOf,
  numberScalar,
  remember,
  stringOf,
  text,
  textList,
  typedAttrs,
} from '../values.js';

/** The TimeSeries fields as read, and the stored dtypes of its numeric fields. */
export interface SeriesFields {
  /** Options for the model class (subtypes add theirs). */
  options: Record<string, unknown> & Partial<TimeSeriesOptions>;
  /** Numeric fields with the value they were stored as, to keep their dtypes. */
  stored: Array<[NumericField, NdArray | undefined]>;
}

export const timeSeriesMapper: TypeMapper<TimeSeries> = {
  neurodataType: 'TimeSeries',
  modelClass: TimeSeries,
  kind: 'group',
  toTree: (series, to) => timeSeriesGroup(series, to),
  async fromTree(from) {
    const fields = await readTimeSeriesFields(from, true);
    return finishSeries(new TimeSeries(fields.options as TimeSeriesOptions, from.model()), fields);
  },
};

/** The group of a series with the TimeSeries fields; `dataOf` turns its data into what is stored. */
export function timeSeriesGroup(
  series: TimeSeries,
  to: ToTreeContext,
  dataOf: (data: DatasetValue) => DatasetValue = (data) => data,
): GroupNode {
  const group = groupNode({
    ...typedAttrs(series),
    comments: text(series.comments),
    description: text(series.description),
  });
  const set = (name: string, node: TreeNode) => group.children.set(name, node);
  if (series.dataSource !== undefined) {
    set('data', linkNode(`${to.pathOf(series.dataSource, 'the data source')}/data`));
  } else {
    const attrs: Attributes = {
      conversion: numberScalar(series.conversion, dtypeFor(series, 'data@conversion')),
      offset: numberScalar(series.offset, dtypeFor(series, 'data@offset')),
      resolution: numberScalar(series.resolution, dtypeFor(series, 'data@resolution')),
      unit: text(series.unit),
    };
    if (series.continuity !== undefined) attrs['continuity'] = text(series.continuity);
    set('data', datasetNode(dataOf(series.data), attrs, series.dataLayout));
  }
  if (series.rate !== undefined) {
    set(
      'starting_time',
      datasetNode(numberScalar(series.startingTime ?? 0, 'float64'), {
        rate: numberScalar(series.rate, dtypeFor(series, 'starting_time@rate')),
        unit: text('seconds'),
      }),
    );
  }
  if (series.timestampsSource !== undefined) {
    set('timestamps', linkNode(`${to.pathOf(series.timestampsSource, 'the timestamps source')}/timestamps`));
  } else if (series.timestamps !== undefined) {
    set(
      'timestamps',
      datasetNode(
        series.timestamps,
        { interval: numberScalar(1, dtypeFor(series, 'timestamps@interval')), unit: text('seconds') },
        series.timestampsLayout,
      ),
    );
  }
  if (series.control !== undefined) set('control', datasetNode(series.control));
  if (series.controlDescription !== undefined)
    set('control_description', datasetNode(textList(series.controlDescription)));
  return group;
}

/**
 * Reads the TimeSeries fields of the series at `from.path`. Throws a MappingError when `data` is
 * missing and `dataRequired` (ImageSeries may keep their frames in external files instead).
 */
export async function readTimeSeriesFields(
  from: FromTreeContext,
  dataRequired: boolean,
): Promise<SeriesFields> {
  const { path, picker: p } = from;
  const options: SeriesFields['options'] = { ...from.base };
  const stored: SeriesFields['stored'] = [];
  const description = stringOf(p.attr('description'));
  if (description !== undefined) options.description = description;
  const comments = stringOf(p.attr('comments'));
  if (comments !== undefined) options.comments = comments;

  const dataSource = await from.linked('data', TimeSeries, parentOfField('data'));
  const dataNode = dataSource === undefined ? p.dataset('data') : undefined;
  if (dataSource !== undefined) {
    options.data = dataSource;
    // The linked dataset carries the unit (as PyNWB reads it, through the link).
    const unit = stringOf(p.childAttr('data', 'unit'));
    if (unit !== undefined) options.unit = unit;
  } else if (dataNode !== undefined) {
    options.data = dataNode.value;
    const unit = stringOf(p.childAttr('data', 'unit'));
    if (unit !== undefined) options.unit = unit;
    for (const field of ['conversion', 'offset', 'resolution'] as const) {
      const attr = p.childAttr('data', field);
      const value = numberOf(attr);
      if (value !== undefined) options[field] = value;
      stored.push([`data@${field}`, attr]);
    }
    const continuity = stringOf(p.childAttr('data', 'continuity'));
    if (continuity !== undefined) options.continuity = continuity as Continuity;
  } else if (dataRequired) {
    throw new MappingError('data is missing', { path, neurodataType: from.neurodataType });
  }

  const startNode = p.dataset('starting_time');
  if (startNode !== undefined) {
    const start = numberOf(await from.value(`${path}/starting_time`, startNode));
    if (start !== undefined) options.startingTime = start;
    const rateAttr = p.childAttr('starting_time', 'rate');
    const rate = numberOf(rateAttr);
    if (rate !== undefined) options.rate = rate;
    p.childAttr('starting_time', 'unit');
    stored.push(['starting_time@rate', rateAttr]);
  }
  const timestampsSource = await from.linked('timestamps', TimeSeries, parentOfField('timestamps'));
  if (timestampsSource !== undefined) options.timestamps = timestampsSource;
  else {
    const tsNode = p.dataset('timestamps');
    if (tsNode !== undefined) {
      options.timestamps = tsNode.value;
      stored.push(['timestamps@interval', p.childAttr('timestamps', 'interval')]);
      p.childAttr('timestamps', 'unit');
    }
  }
  const control = p.dataset('control');
  if (control !== undefined) options.control = control.value;
  const controlDescription = await from.texts('control_description');
  if (controlDescription !== undefined) options.controlDescription = controlDescription;
  return { options, stored };
}

/** Records the stored dtypes of the series' numeric fields; returns the series. */
export function finishSeries<T extends TimeSeries>(series: T, fields: SeriesFields): T {
  for (const [field, value] of fields.stored) remember(series, field, value);
  return series;
}

/** Maps a link target `/x/series/<field>` to the series path `/x/series`. */
function parentOfField(field: string): (target: string) => string {
  return (target) => (baseName(target) === field ? parentPath(target) : target);
}
