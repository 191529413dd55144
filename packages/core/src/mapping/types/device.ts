/** Device: a group with its description and manufacturer as attributes. */
import type { Attributes } from '../../storage/backend.js';
import { groupNode } from '../../tree/nodes.js';
import { Device } from '../../model/device.js';
import type { TypeMapper } from '../type-mapper.js';
import { optional, stringOf, text, typedAttrs } from '../values.js';

export const deviceMapper: TypeMapper<Device> = {
  neurodataType: 'Device',
  modelClass: Device,
  kind: 'group',
  toTree(device) {
    const attrs: Attributes = typedAttrs(device);
    if (device.description !== undefined) attrs['description'] = text(device.description);
    if (device.manufacturer !== undefined) attrs['manufacturer'] = text(device.manufacturer);
    return groupNode(attrs);
  },
  async fromTree({ base, picker: p, model }) {
    return new Device(
      {
        ...base,
        ...optional('description', stringOf(p.attr('description'))),
        ...optional('manufacturer', stringOf(p.attr('manufacturer'))),
      },
      model(),
    );
  },
};
