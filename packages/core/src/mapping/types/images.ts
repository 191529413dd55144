/**
 * Images: a group of Image datasets with a description, optionally ordered by `order_of_images`
 * (an ImageReferences dataset of references to its images).
 */
import { emptyAttributes } from '../../storage/backend.js';
import { isObjectRef, refArray } from '../../storage/values.js';
import type { GroupNode } from '../../tree/nodes.js';
import { datasetNode, groupNode } from '../../tree/nodes.js';
import { joinPath } from '../../tree/paths.js';
import { Image, ImageReferences, Images } from '../../model/images.js';
import { isNWBType } from '../../model/nwb-object.js';
import { TYPED_ATTRS, restoreExtras } from '../picker.js';
import type { TypeMapper } from '../type-mapper.js';
import { optional, stringOf, text, typedAttrs } from '../values.js';

export const imagesMapper: TypeMapper<Images> = {
  neurodataType: 'Images',
  modelClass: Images,
  kind: 'group',
  toTree(images, to) {
    const group = groupNode({ ...typedAttrs(images), description: text(images.description) });
    for (const image of images.images)
      group.children.set(image.name, to.node(joinPath(to.path, image.name), image));
    const order = images.orderOfImages;
    if (order !== undefined) {
      const refs = order.images.map((image) => ({ path: to.pathOf(image, 'the ordered image') }));
      group.children.set(
        'order_of_images',
        restoreExtras(datasetNode(refArray(refs), typedAttrs(order)), order),
      );
    }
    return group;
  },
  async fromTree(from) {
    const { path, picker: p } = from;
    const group = p.node as GroupNode;
    const images: Image[] = [];
    for (const [childName, child] of group.children) {
      if (childName === 'order_of_images' || child.kind !== 'dataset') continue;
      const object = await from.object(joinPath(path, childName));
      if (isNWBType(object, Image)) {
        p.child(childName);
        images.push(object);
      }
    }
    const result = new Images(
      { ...from.base, images, ...optional('description', stringOf(p.attr('description'))) },
      from.model(),
    );
    if (p.node.attrs['description'] === undefined) from.warn(path, 'required', 'description is missing');
    const orderNode = p.dataset('order_of_images');
    if (orderNode !== undefined) {
      const orderPath = joinPath(path, 'order_of_images');
      const refs = await from.value(orderPath, orderNode);
      const byPath = new Map(images.map((image) => [joinPath(path, image.name), image]));
      const ordered = (refs.data as unknown[]).map((ref) =>
        isObjectRef(ref) ? byPath.get(ref.path) : undefined,
      );
      if (refs.dtype !== 'ref' || ordered.some((image) => image === undefined)) {
        from.warn(
          orderPath,
          'order-of-images-member',
          'order_of_images refers to objects that are not images of this Images; kept as is',
        );
        p.release('order_of_images');
      } else {
        const orderId = stringOf(orderNode.attrs['object_id']);
        const order = new ImageReferences(
          { images: ordered as Image[], ...optional('objectId', orderId) },
          from.model(orderPath),
        );
        const extra = emptyAttributes();
        for (const [key, value] of Object.entries(orderNode.attrs))
          if (!TYPED_ATTRS.includes(key)) extra[key] = value;
        Object.assign(order.unmapped.attrs, extra);
        result.setOrderOfImages(order);
      }
    }
    return result;
  },
  members: (images) => images.images,
};
