/**
 * Model to tree: the layout PyNWB/HDMF writes for an NWBFile (see docs nwb-layout.md section 1).
 * Knows nothing of HDF5 or Zarr; links are tree links and references are paths.
 */
import type { Attributes } from '../storage/backend.js';
import type { NdArray } from '../storage/values.js';
import { ndarray, refArray, textArray, textScalar } from '../storage/values.js';
import type { DataStream, DatasetNode, DatasetValue, GroupNode, TreeNode } from '../tree/nodes.js';
import { datasetNode, groupNode, isDataStream, linkNode } from '../tree/nodes.js';
import { joinPath } from '../tree/paths.js';
import { MappingError } from '../errors.js';
import { isInMemory, isIntegerDType } from '../model/data.js';
import { Device } from '../model/device.js';
import { ImageSeries, IndexSeries, OpticalSeries } from '../model/image-series.js';
import { Image, Images } from '../model/images.js';
import type { NWBFile } from '../model/nwb-file.js';
import { GENERAL_TEXT_FIELDS, GENERAL_TEXT_LIST_FIELDS } from '../model/nwb-file.js';
import type { NamedObject } from '../model/nwb-object.js';
import { NWBObject, UnmappedObject } from '../model/nwb-object.js';
import { ProcessingModule } from '../model/processing-module.js';
import { Subject } from '../model/subject.js';
import { TimeSeries } from '../model/time-series.js';
import { NWB_VERSION, specificationsGroup } from '../schema/cached-spec.js';
import { dtypeFor, numberArray, numberScalar, text, textList, typedAttrs } from './values.js';

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
        if (object instanceof Images)
          for (const image of object.images) this.#paths.set(image, joinPath(path, image.name));
        if (object instanceof ProcessingModule) add(path, object.dataInterfaces);
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
    if (object instanceof UnmappedObject) return object.node;
    if (!(object instanceof NWBObject)) {
      throw new MappingError(`cannot write an object of this kind`, { path });
    }
    let node: TreeNode;
    if (object instanceof TimeSeries) node = this.#series(path, object);
    else if (object instanceof Images) node = this.#images(path, object);
    else if (object instanceof Image) node = imageNode(object);
    else if (object instanceof Device) node = deviceNode(object);
    else if (object instanceof Subject) node = subjectNode(object);
    else if (object instanceof ProcessingModule) {
      node = this.#collection(path, object.dataInterfaces);
      node.attrs = { ...typedAttrs(object), description: text(object.description) };
    } else {
      throw new MappingError(`no mapping for neurodata_type ${object.neurodataType}`, {
        path,
        neurodataType: object.neurodataType,
      });
    }
    return restoreExtras(node, object);
  }

  #series(path: string, series: TimeSeries): GroupNode {
    const group = groupNode({
      ...typedAttrs(series),
      comments: text(series.comments),
      description: text(series.description),
    });
    const set = (name: string, node: TreeNode) => group.children.set(name, node);
    if (series.dataSource !== undefined) {
      set('data', linkNode(`${this.#pathOf(series.dataSource, path, 'the data source')}/data`));
    } else {
      const attrs: Attributes = {
        conversion: numberScalar(series.conversion, dtypeFor(series, 'data@conversion')),
        offset: numberScalar(series.offset, dtypeFor(series, 'data@offset')),
        resolution: numberScalar(series.resolution, dtypeFor(series, 'data@resolution')),
        unit: text(series.unit),
      };
      if (series.continuity !== undefined) attrs['continuity'] = text(series.continuity);
      const value = series instanceof IndexSeries ? indexData(series.data) : series.data;
      set('data', datasetNode(value, attrs, series.dataLayout));
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
      set(
        'timestamps',
        linkNode(`${this.#pathOf(series.timestampsSource, path, 'the timestamps source')}/timestamps`),
      );
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
    if (series instanceof ImageSeries) {
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
      if (series.device !== undefined)
        set('device', linkNode(this.#pathOf(series.device, path, 'the device')));
    }
    if (series instanceof OpticalSeries) {
      if (series.distance !== undefined)
        set('distance', datasetNode(numberScalar(series.distance, dtypeFor(series, 'distance'))));
      if (series.fieldOfView !== undefined) {
        set('field_of_view', datasetNode(numberArray(series.fieldOfView, dtypeFor(series, 'field_of_view'))));
      }
      if (series.orientation !== undefined) set('orientation', datasetNode(text(series.orientation)));
    }
    if (series instanceof IndexSeries) {
      if (series.indexedImages !== undefined) {
        set('indexed_images', linkNode(this.#pathOf(series.indexedImages, path, 'the indexed Images')));
      }
      if (series.indexedTimeseries !== undefined) {
        set(
          'indexed_timeseries',
          linkNode(this.#pathOf(series.indexedTimeseries, path, 'the indexed ImageSeries')),
        );
      }
    }
    return group;
  }

  #images(path: string, images: Images): GroupNode {
    const group = groupNode({ ...typedAttrs(images), description: text(images.description) });
    for (const image of images.images) group.children.set(image.name, restoreExtras(imageNode(image), image));
    const order = images.orderOfImages;
    if (order !== undefined) {
      const refs = order.images.map((image) => ({ path: this.#pathOf(image, path, 'the ordered image') }));
      group.children.set(
        'order_of_images',
        restoreExtras(datasetNode(refArray(refs), typedAttrs(order)), order),
      );
    }
    return group;
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

function imageNode(image: Image): DatasetNode {
  const attrs: Attributes = typedAttrs(image);
  if (image.description !== undefined) attrs['description'] = text(image.description);
  if (image.resolution !== undefined)
    attrs['resolution'] = numberScalar(image.resolution, dtypeFor(image, '@resolution'));
  return datasetNode(image.data, attrs, image.dataLayout);
}

function deviceNode(device: Device): GroupNode {
  const attrs: Attributes = typedAttrs(device);
  if (device.description !== undefined) attrs['description'] = text(device.description);
  if (device.manufacturer !== undefined) attrs['manufacturer'] = text(device.manufacturer);
  return groupNode(attrs);
}

/** Subject fields: model field to dataset name (all scalar text; date_of_birth is ascii). */
export const SUBJECT_FIELDS = {
  age: 'age',
  description: 'description',
  genotype: 'genotype',
  sex: 'sex',
  species: 'species',
  strain: 'strain',
  subjectId: 'subject_id',
  weight: 'weight',
} as const;

function subjectNode(subject: Subject): GroupNode {
  const group = groupNode(typedAttrs(subject));
  for (const [field, name] of Object.entries(SUBJECT_FIELDS)) {
    const value = subject[field as keyof typeof SUBJECT_FIELDS];
    if (value === undefined) continue;
    const attrs: Attributes = {};
    if (field === 'age' && subject.ageReference !== undefined)
      attrs['reference'] = text(subject.ageReference);
    group.children.set(name, datasetNode(text(value), attrs));
  }
  if (subject.dateOfBirth !== undefined) {
    group.children.set('date_of_birth', datasetNode(textScalar(subject.dateOfBirth.text, 'ascii')));
  }
  return group;
}

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

/** Puts back what an object carried beyond its fields: attributes, children, child attributes. */
function restoreExtras<T extends TreeNode>(node: T, object: NWBObject): T {
  if (node.kind === 'link') return node;
  const { attrs, children, childAttrs } = object.unmapped;
  for (const [name, value] of Object.entries(attrs)) if (!(name in node.attrs)) node.attrs[name] = value;
  if (node.kind === 'group') {
    for (const [name, child] of children) if (!node.children.has(name)) node.children.set(name, child);
    for (const [name, extra] of childAttrs) {
      const child = node.children.get(name);
      if (child === undefined || child.kind === 'link') continue;
      for (const [key, value] of Object.entries(extra)) if (!(key in child.attrs)) child.attrs[key] = value;
    }
  }
  return node;
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
