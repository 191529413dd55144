/** ProcessingModule: a group of data interfaces (any objects) with a description. */
import type { GroupNode } from '../../tree/nodes.js';
import { joinPath } from '../../tree/paths.js';
import { ProcessingModule } from '../../model/processing-module.js';
import type { TypeMapper } from '../type-mapper.js';
import { stringOf, text, typedAttrs } from '../values.js';

export const processingModuleMapper: TypeMapper<ProcessingModule> = {
  neurodataType: 'ProcessingModule',
  modelClass: ProcessingModule,
  kind: 'group',
  toTree(module, to) {
    const node = to.collection(to.path, module.dataInterfaces);
    node.attrs = { ...typedAttrs(module), description: text(module.description) };
    return node;
  },
  async fromTree(from) {
    const { path, picker: p } = from;
    const module = new ProcessingModule(
      { ...from.base, description: stringOf(p.attr('description')) ?? '' },
      from.model(),
    );
    if (p.attr('description') === undefined)
      from.warn(path, 'description-required', 'description is missing');
    for (const childName of (p.node as GroupNode).children.keys()) {
      p.child(childName);
      module.add(await from.object(joinPath(path, childName)));
    }
    return module;
  },
  members: (module) => module.dataInterfaces,
};
