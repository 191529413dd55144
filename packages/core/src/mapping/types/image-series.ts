/**
 * ImageSeries: a TimeSeries of frames, stored in `data` or in external files (with their starting
 * frames), with its format, frame size and the device that took it.
 */
import type { Attributes } from '../../storage/backend.js';
import type { GroupNode, TreeNode } from '../../tree/nodes.js';
import { datasetNode, linkNode } from '../../tree/nodes.js';
import { Device } from '../../model/device.js';
import type { ImageSeriesOptions } from '../../model/image-series.js';
import { ImageSeries } from '../../model/image-series.js';
import type { FromTreeContext, ToTreeContext, TypeMapper } from '../type-mapper.js';
import { dtypeFor, numberArray, numbersOfValue, text, textList } from '../values.js';
import type { SeriesFields } from './time-series.js';
import { finishSeries, readTimeSeriesFields, timeSeriesGroup } from './time-series.js';

export const imageSeriesMapper: TypeMapper<ImageSeries> = {
  neurodataType: 'ImageSeries',
  modelClass: ImageSeries,
  kind: 'group',
  toTree: (series, to) => imageSeriesGroup(series, to),
  async fromTree(from) {
    const fields = await readImageSeriesFields(from);
    return finishSeries(new ImageSeries(fields.options as ImageSeriesOptions, from.model()), fields);
  },
};

/** The group of an image series: the TimeSeries fields, then the ImageSeries ones. */
export function imageSeriesGroup(series: ImageSeries, to: ToTreeContext): GroupNode {
  const group = timeSeriesGroup(series, to);
  const set = (name: string, node: TreeNode) => group.children.set(name, node);
  if (series.externalFile !== undefined && series.externalFile.length > 0) {
    const attrs: Attributes = {};
    if (series.startingFrame !== undefined) {
      attrs['starting_frame'] = numberArray(
        series.startingFrame,
        dtypeFor(series, 'external_file@starting_frame'),
      );
    }
    set('external_file', datasetNode(textList(series.externalFile), attrs));
  }
  set('format', datasetNode(text(series.format)));
  if (series.dimension !== undefined)
    set('dimension', datasetNode(numberArray(series.dimension, dtypeFor(series, 'dimension'))));
  if (series.device !== undefined) set('device', linkNode(to.pathOf(series.device, 'the device')));
  return group;
}

/** Reads the TimeSeries fields and then the ImageSeries ones (data may be missing). */
export async function readImageSeriesFields(from: FromTreeContext): Promise<SeriesFields> {
  const fields = await readTimeSeriesFields(from, false);
  const { picker: p } = from;
  const options = fields.options as SeriesFields['options'] & Partial<ImageSeriesOptions>;
  const externalFile = await from.texts('external_file');
  const startingFrameAttr = p.childAttr('external_file', 'starting_frame');
  if (externalFile !== undefined) {
    options.externalFile = externalFile;
    const frames = numbersOfValue(startingFrameAttr);
    if (frames !== undefined) options.startingFrame = frames;
    fields.stored.push(['external_file@starting_frame', startingFrameAttr]);
  }
  const format = await from.text('format');
  if (format !== undefined) options.format = format;
  else if (externalFile === undefined) options.format = 'raw';
  const dimensionNode = p.dataset('dimension');
  if (dimensionNode !== undefined) {
    const dimension = await from.value(`${from.path}/dimension`, dimensionNode);
    options.dimension = numbersOfValue(dimension) ?? [];
    fields.stored.push(['dimension', dimension]);
  }
  const device = await from.linked('device', Device);
  if (device !== undefined) options.device = device;
  return fields;
}
