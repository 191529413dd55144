/**
 * Model to tree: the layout PyNWB/HDMF writes for an NWBFile (see docs nwb-layout.md section 1).
 * Knows nothing of HDF5 or Zarr; links are tree links and references are paths.
 */
import type { Attributes } from '../storage/backend.js';
import { refArray, textArray, textScalar } from '../storage/values.js';
import type { GroupNode, TreeNode } from '../tree/nodes.js';
import { datasetNode, groupNode } from '../tree/nodes.js';
import { joinPath } from '../tree/paths.js';
import { MappingError } from '../errors.js';
import type { NWBFile } from '../model/nwb-file.js';
import { GENERAL_TEXT_FIELDS, GENERAL_TEXT_LIST_FIELDS } from '../model/nwb-file.js';
import type { NamedObject, NWBObject } from '../model/nwb-object.js';
import { isNWBObject, isUnmappedObject } from '../model/nwb-object.js';
import { NWB_VERSION, specificationsGroup } from '../schema/cached-spec.js';
import { restoreExtras } from './picker.js';
import { coreTypes } from './registry.js';
import type { ToTreeContext } from './type-mapper.js';
import { text, textList, typedAttrs } from './values.js';

/** Options of {@link nwbFileToTree}. */
export interface ToTreeOptions {
  /** Write the schema into /specifications with a `.specloc` reference, as PyNWB does (default true). */
  cacheSpec?: boolean;
}

/**
 * The tree of `file` as PyNWB writes it: required groups even when empty, typed objects with
 * namespace/neurodata_type/object_id, links for devices, indexed images and shared timestamps,
 * and (unless `cacheSpec` is false) the cached specification. Whatever the file carried that the
 * model does not map (`unmapped`, {@link UnmappedObject}s) is put back where it was.
 * Throws a MappingError when a link points at an object that is not in the file.
 */
export function nwbFileToTree(file: NWBFile, options: ToTreeOptions = {}): GroupNode {
  return new TreeBuilder().build(file, options);
}

class TreeBuilder {
  readonly #paths = new Map<object, string>();
  readonly #types = coreTypes;

  build(file: NWBFile, options: ToTreeOptions): GroupNode {
    this.#register(file);
    const root = groupNode({
      nwb_version: text(NWB_VERSION),
      ...typedAttrs(file),
    });
    const cacheSpec = options.cacheSpec ?? true;
    if (cacheSpec) root.attrs['.specloc'] = refArray([{ path: '/specifications' }], true);
    const set = (name: string, node: TreeNode) => root.children.set(name, node);
    set('acquisition', this.#collection('/acquisition', file.acquisition));
    set('analysis', this.#collection('/analysis', file.analysis));
    set(
      'file_create_date',
      datasetNode(
        textArray(
          file.fileCreateDate.map((d) => d.text),
          'ascii',
        ),
      ),
    );
    set('general', this.#general(file));
    set('identifier', datasetNode(text(file.identifier)));
    set('processing', this.#collection('/processing', file.processing));
    set('session_description', datasetNode(text(file.sessionDescription)));
    set('session_start_time', datasetNode(textScalar(file.sessionStartTime.text, 'ascii')));
    set(
      'stimulus',
      groupNode({}, [
        ['presentation', this.#collection('/stimulus/presentation', file.stimulus)],
        ['templates', this.#collection('/stimulus/templates', file.stimulusTemplate)],
      ]),
    );
    set('timestamps_reference_time', datasetNode(textScalar(file.timestampsReferenceTime.text, 'ascii')));
    const previousSpec = file.unmapped.children.get('specifications');
    if (cacheSpec) {
      set('specifications', specificationsGroup(previousSpec?.kind === 'group' ? previousSpec : undefined));
    }
    restoreFileExtras(root, file);
    return root;
  }

  /** Assigns every model object its path, so links and references can be written. */
  #register(file: NWBFile): void {
    const add = (base: string, objects: Iterable<NamedObject>) => {
      for (const object of objects) {
        const path = joinPath(base, object.name);
        this.#paths.set(object, path);
        const members = isNWBObject(object) ? this.#types.forObject(object)?.members?.(object) : undefined;
        if (members !== undefined) add(path, members);
      }
    };
    add('/acquisition', file.acquisition);
    add('/analysis', file.analysis);
    add('/stimulus/presentation', file.stimulus);
    add('/stimulus/templates', file.stimulusTemplate);
    add('/general/devices', file.devices);
    add('/processing', file.processing);
    if (file.subject !== undefined) add('/general', [file.subject]);
  }

  #pathOf(object: NWBObject, from: string, what: string): string {
    const path = this.#paths.get(object);
    if (path === undefined) {
      throw new MappingError(
        `${what} ${JSON.stringify(object.name)} is not in the file; add it (e.g. to devices, acquisition or stimulus templates) first`,
        { path: from, neurodataType: object.neurodataType },
      );
    }
    return path;
  }

  #collection(path: string, objects: Iterable<NamedObject>): GroupNode {
    const group = groupNode();
    for (const object of objects)
      group.children.set(object.name, this.#object(joinPath(path, object.name), object));
    return group;
  }

  #object(path: string, object: NamedObject): TreeNode {
    if (isUnmappedObject(object)) return object.node;
    if (!isNWBObject(object)) {
      throw new MappingError(`cannot write an object of this kind`, { path });
    }
    const mapper = this.#types.forObject(object);
    if (mapper === undefined) {
      throw new MappingError(`no mapping for neurodata_type ${object.neurodataType}`, {
        path,
        neurodataType: object.neurodataType,
      });
    }
    const context: ToTreeContext = {
      path,
      pathOf: (target, what) => this.#pathOf(target, path, what),
      collection: (at, objects) => this.#collection(at, objects),
      node: (at, child) => this.#object(at, child),
    };
    return restoreExtras(mapper.toTree(object, context), object);
  }

  #general(file: NWBFile): GroupNode {
    const general = groupNode();
    const set = (name: string, node: TreeNode) => general.children.set(name, node);
    if (file.devices.size > 0) set('devices', this.#collection('/general/devices', file.devices));
    for (const [field, name] of Object.entries(GENERAL_TEXT_LIST_FIELDS)) {
      const values = file[field as keyof typeof GENERAL_TEXT_LIST_FIELDS];
      if (values !== undefined) set(name, datasetNode(textList(values)));
    }
    for (const [field, name] of Object.entries(GENERAL_TEXT_FIELDS)) {
      const value = file[field as keyof typeof GENERAL_TEXT_FIELDS];
      if (value === undefined) continue;
      const attrs: Attributes = {};
      if (field === 'sourceScript' && file.sourceScriptFileName !== undefined) {
        attrs['file_name'] = text(file.sourceScriptFileName);
      }
      set(name, datasetNode(text(value), attrs));
    }
    if (file.subject !== undefined) set('subject', this.#object('/general/subject', file.subject));
    return general;
  }
}

/**
 * Puts back what a read file held beyond the model, keyed by path relative to the root
 * (`intervals`, `general/extracellular_ephys`); the specifications are merged separately.
 */
function restoreFileExtras(root: GroupNode, file: NWBFile): void {
  for (const [name, value] of Object.entries(file.unmapped.attrs))
    if (!(name in root.attrs)) root.attrs[name] = value;
  for (const [relative, node] of file.unmapped.children) {
    if (relative === 'specifications') continue;
    const parts = relative.split('/');
    const name = parts.pop()!;
    let parent = root;
    for (const part of parts) {
      let next = parent.children.get(part);
      if (next === undefined) {
        next = groupNode();
        parent.children.set(part, next);
      }
      if (next.kind !== 'group')
        throw new MappingError('cannot restore an object below a non-group', { path: `/${relative}` });
      parent = next;
    }
    if (!parent.children.has(name)) parent.children.set(name, node);
  }
  for (const [relative, attrs] of file.unmapped.childAttrs) {
    let node: TreeNode | undefined = root;
    for (const part of relative.split('/'))
      node = node?.kind === 'group' ? node.children.get(part) : undefined;
    if (node === undefined || node.kind === 'link') continue;
    for (const [key, value] of Object.entries(attrs)) if (!(key in node.attrs)) node.attrs[key] = value;
  }
}
