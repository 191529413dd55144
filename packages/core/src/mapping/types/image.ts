/**
 * Image and its kinds (GrayscaleImage, RGBImage, RGBAImage): typed datasets of pixels with a
 * description and resolution. The kinds differ only in the shapes their model class allows, so
 * one mapper serves each of them.
 */
import type { Attributes } from '../../storage/backend.js';
import { datasetNode } from '../../tree/nodes.js';
import type { DatasetNode } from '../../tree/nodes.js';
import type { Image, ImageOptions } from '../../model/images.js';
import { neurodataTypeOf } from '../../model/nwb-object.js';
import type { ModelContext } from '../../model/validation.js';
import type { TypeMapper } from '../type-mapper.js';
import { dtypeFor, numberOf, numberScalar, remember, stringOf, text, typedAttrs } from '../values.js';

/** The mapper of `cls`, Image or one of its kinds. */
export function imageMapper<T extends Image>(
  cls: new (options: ImageOptions, context?: ModelContext) => T,
): TypeMapper<T> {
  return {
    neurodataType: neurodataTypeOf(cls),
    modelClass: cls,
    kind: 'dataset',
    toTree(image) {
      const attrs: Attributes = typedAttrs(image);
      if (image.description !== undefined) attrs['description'] = text(image.description);
      if (image.resolution !== undefined)
        attrs['resolution'] = numberScalar(image.resolution, dtypeFor(image, '@resolution'));
      return datasetNode(image.data, attrs, image.dataLayout);
    },
    async fromTree({ base, picker: p, model }) {
      const options: ImageOptions = { ...base, data: (p.node as DatasetNode).value };
      const description = stringOf(p.attr('description'));
      if (description !== undefined) options.description = description;
      const resolution = p.attr('resolution');
      if (resolution !== undefined) options.resolution = numberOf(resolution) ?? NaN;
      const image = new cls(options, model());
      remember(image, '@resolution', resolution);
      return image;
    },
  };
}
