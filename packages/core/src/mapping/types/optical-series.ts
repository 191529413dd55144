/** OpticalSeries: an ImageSeries of a stimulus with its distance, field of view and orientation. */
import { OpticalSeries } from '../../model/image-series.js';
import type { ImageSeriesOptions } from '../../model/image-series.js';
import type { TypeMapper } from '../type-mapper.js';
import { dtypeFor, numberArray, numberOf, numberScalar, numbersOfValue, text } from '../values.js';
import { imageSeriesGroup, readImageSeriesFields } from './image-series.js';
import { finishSeries } from './time-series.js';
import { datasetNode } from '../../tree/nodes.js';

export const opticalSeriesMapper: TypeMapper<OpticalSeries> = {
  neurodataType: 'OpticalSeries',
  modelClass: OpticalSeries,
  kind: 'group',
  toTree(series, to) {
    const group = imageSeriesGroup(series, to);
    if (series.distance !== undefined)
      group.children.set(
        'distance',
        datasetNode(numberScalar(series.distance, dtypeFor(series, 'distance'))),
      );
    if (series.fieldOfView !== undefined) {
      group.children.set(
        'field_of_view',
        datasetNode(numberArray(series.fieldOfView, dtypeFor(series, 'field_of_view'))),
      );
    }
    if (series.orientation !== undefined)
      group.children.set('orientation', datasetNode(text(series.orientation)));
    return group;
  },
  async fromTree(from) {
    const fields = await readImageSeriesFields(from);
    const { picker: p, path } = from;
    const distanceNode = p.dataset('distance');
    const distance =
      distanceNode === undefined ? undefined : await from.value(`${path}/distance`, distanceNode);
    const fovNode = p.dataset('field_of_view');
    const fov = fovNode === undefined ? undefined : await from.value(`${path}/field_of_view`, fovNode);
    fields.stored.push(['distance', distance], ['field_of_view', fov]);
    const series = new OpticalSeries(
      {
        ...(fields.options as ImageSeriesOptions),
        distance: numberOf(distance) as number,
        fieldOfView: numbersOfValue(fov) as number[],
        orientation: (await from.text('orientation')) as string,
      },
      from.model(),
    );
    return finishSeries(series, fields);
  },
};
