/**
 * Tree to model: builds an NWBFile from a tree read from a file, lazily. Dataset contents stay
 * where they are (handles); only small metadata is read (scalar text, external_file, distance,
 * order_of_images...). Types the model lacks become UnmappedObjects, extras of known objects are
 * kept, and rules the file breaks become `readWarnings` instead of errors, as PyNWB warns on read.
 */
import { emptyAttributes } from '../storage/backend.js';
import type { NdArray } from '../storage/values.js';
import type { DatasetHandle, DatasetNode, GroupNode, TreeNode } from '../tree/nodes.js';
import { isDataStream, isDatasetHandle } from '../tree/nodes.js';
import { baseName, joinPath } from '../tree/paths.js';
import { MappingError, ValidationError, isNWBError } from '../errors.js';
import { NWBDateTime } from '../model/datetime.js';
import { Device } from '../model/device.js';
import type { NWBFileOptions } from '../model/nwb-file.js';
import { GENERAL_TEXT_FIELDS, GENERAL_TEXT_LIST_FIELDS, NWBFile } from '../model/nwb-file.js';
import type { NamedObject, NWBObject, NWBObjectClass } from '../model/nwb-object.js';
import {
  UnmappedObject,
  emptyUnmapped,
  isNWBType,
  isUnmappedObject,
  neurodataTypeOf,
} from '../model/nwb-object.js';
import { ProcessingModule } from '../model/processing-module.js';
import { Subject } from '../model/subject.js';
import type { ModelContext } from '../model/validation.js';
import { Picker } from './picker.js';
import { prefetchSmallDatasets } from './prefetch.js';
import { coreTypes } from './registry.js';
import type { FromTreeContext } from './type-mapper.js';
import { stringOf, stringsOf } from './values.js';

/**
 * Builds the model of a file from its tree (as `readTree` returns it). Reads only small metadata;
 * data stay lazy handles. Throws only when the root is not an NWB file at all (no parseable
 * session_start_time); everything else the file gets wrong is listed in `readWarnings`.
 */
export async function treeToNWBFile(root: GroupNode): Promise<NWBFile> {
  return new FileReader(root).read();
}

class FileReader {
  readonly #types = coreTypes;
  readonly #root: GroupNode;
  readonly #warnings: ValidationError[] = [];
  readonly #built = new Map<string, Promise<NamedObject>>();
  readonly #building = new Set<string>();
  readonly #prefetched: Map<DatasetHandle, Promise<NdArray>>;

  constructor(root: GroupNode) {
    this.#root = root;
    this.#prefetched = prefetchSmallDatasets(root);
  }

  #warn(path: string, rule: string, message: string): void {
    this.#warnings.push(new ValidationError(message, { path, rule }));
  }

  #context(path: string): ModelContext {
    return { path, onViolation: (error) => this.#warnings.push(error) };
  }

  #nodeAt(path: string): TreeNode | undefined {
    let node: TreeNode | undefined = this.#root;
    for (const part of path.split('/').filter((p) => p !== '')) {
      node = node?.kind === 'group' ? node.children.get(part) : undefined;
    }
    return node;
  }

  async read(): Promise<NWBFile> {
    const root = new Picker('/', this.#root);
    const rootType = stringOf(root.attr('neurodata_type'));
    if (rootType !== 'NWBFile')
      this.#warn('/', 'root-type', `the root's neurodata_type is ${JSON.stringify(rootType)}, not "NWBFile"`);
    const startText = await this.#text(root, 'session_start_time');
    if (startText === undefined) {
      throw new MappingError('no readable session_start_time: not an NWB file', {
        path: '/session_start_time',
      });
    }
    const start = this.#dateTime('/session_start_time', startText);
    if (start === undefined)
      throw new MappingError(`session_start_time ${JSON.stringify(startText)} is not a datetime`, {
        path: '/session_start_time',
      });
    const referenceText = await this.#text(root, 'timestamps_reference_time');
    const created = await this.#texts(root, 'file_create_date');
    const options: NWBFileOptions = {
      sessionStartTime: start,
      identifier: (await this.#text(root, 'identifier')) ?? '',
      sessionDescription: (await this.#text(root, 'session_description')) ?? '',
      timestampsReferenceTime:
        (referenceText === undefined
          ? undefined
          : this.#dateTime('/timestamps_reference_time', referenceText)) ?? start,
      fileCreateDate: (created ?? [])
        .map((t) => this.#dateTime('/file_create_date', t))
        .filter((d): d is NWBDateTime => d !== undefined),
    };
    const objectId = stringOf(root.attr('object_id'));
    if (objectId !== undefined) options.objectId = objectId;
    if (referenceText === undefined) this.#warn('/', 'required', 'timestamps_reference_time is missing');
    if (created === undefined) this.#warn('/', 'required', 'file_create_date is missing');

    // /general: text fields here; devices and subject below.
    const generalNode = root.child('general');
    const general = generalNode?.kind === 'group' ? new Picker('/general', generalNode) : undefined;
    if (general !== undefined) {
      for (const [field, name] of Object.entries(GENERAL_TEXT_LIST_FIELDS)) {
        const values = await this.#texts(general, name);
        if (values !== undefined) options[field as keyof typeof GENERAL_TEXT_LIST_FIELDS] = values;
      }
      for (const [field, name] of Object.entries(GENERAL_TEXT_FIELDS)) {
        const value = await this.#text(general, name);
        if (value !== undefined) options[field as keyof typeof GENERAL_TEXT_FIELDS] = value;
      }
      const fileName = general.childAttr('source_script', 'file_name');
      if (fileName !== undefined) options.sourceScriptFileName = stringOf(fileName) ?? '';
    }
    const file = new NWBFile(options, this.#context('/'));
    const nwbVersion = stringOf(root.attr('nwb_version'));
    if (nwbVersion !== undefined) file.nwbVersion = nwbVersion;
    root.attr('.specloc');

    const collect = async (relative: string, add: (object: NamedObject) => void) => {
      const node = this.#nodeAt(`/${relative}`);
      if (node === undefined) {
        if (!['general/devices', 'general/subject'].includes(relative)) {
          this.#warn('/', 'required-group', `the group /${relative} is missing`);
        }
        return;
      }
      if (node.kind !== 'group') {
        this.#warn(`/${relative}`, 'group', 'expected a group');
        file.unmapped.children.set(relative, node);
        return;
      }
      const extraAttrs = Object.assign(emptyAttributes(), node.attrs);
      if (Object.keys(extraAttrs).length > 0) file.unmapped.childAttrs.set(relative, extraAttrs);
      for (const name of node.children.keys()) add(await this.#object(joinPath(`/${relative}`, name)));
    };
    root.child('acquisition');
    await collect('acquisition', (o) => file.addAcquisition(o));
    root.child('analysis');
    await collect('analysis', (o) => file.addAnalysis(o));
    root.child('processing');
    await collect('processing', (o) =>
      file.addProcessingModule(isNWBType(o, ProcessingModule) ? o : asUnmapped(o)),
    );
    const stimulusNode = root.child('stimulus');
    if (stimulusNode?.kind === 'group') {
      const stimulus = new Picker('/stimulus', stimulusNode);
      stimulus.child('presentation');
      stimulus.child('templates');
      this.#keepFileRest(file, 'stimulus', stimulus);
    }
    await collect('stimulus/presentation', (o) => file.addStimulus(o));
    await collect('stimulus/templates', (o) => file.addStimulusTemplate(o));
    if (general !== undefined) {
      general.child('devices');
      await collect('general/devices', (o) => file.addDevice(isNWBType(o, Device) ? o : asUnmapped(o)));
      if (general.child('subject') !== undefined) {
        const subject = await this.#object('/general/subject');
        file.subject = isNWBType(subject, Subject) ? subject : asUnmapped(subject);
      }
      this.#keepFileRest(file, 'general', general);
    }
    const spec = root.child('specifications');
    if (spec !== undefined) file.unmapped.children.set('specifications', spec);
    for (const name of [
      'identifier',
      'session_description',
      'session_start_time',
      'timestamps_reference_time',
      'file_create_date',
    ]) {
      root.child(name);
    }
    this.#keepFileRest(file, '', root);
    file.readWarnings.push(...this.#warnings);
    return file;
  }

  /** Keeps unused children of an untyped group of the file (relative path `prefix`) in the file. */
  #keepFileRest(file: NWBFile, prefix: string, picker: Picker): void {
    const rest = emptyUnmapped();
    picker.keepRest(rest);
    for (const [name, child] of rest.children)
      file.unmapped.children.set(prefix === '' ? name : `${prefix}/${name}`, child);
    if (prefix === '') Object.assign(file.unmapped.attrs, rest.attrs);
    else if (Object.keys(rest.attrs).length > 0) file.unmapped.childAttrs.set(prefix, rest.attrs);
    for (const [name, attrs] of rest.childAttrs) {
      file.unmapped.childAttrs.set(prefix === '' ? name : `${prefix}/${name}`, attrs);
    }
  }

  #dateTime(path: string, text: string): NWBDateTime | undefined {
    try {
      return NWBDateTime.parse(text, { allowNaive: true, path });
    } catch (error) {
      if (isNWBError(error, 'ValidationError')) this.#warnings.push(error);
      else throw error;
      return undefined;
    }
  }

  /** The object at `path`, built once (links to it get the same instance). */
  #object(path: string): Promise<NamedObject> {
    let promise = this.#built.get(path);
    if (promise === undefined) {
      promise = this.#build(path);
      this.#built.set(path, promise);
    }
    return promise;
  }

  /** The model object a link points at, when it is a `cls`; otherwise a warning and undefined. */
  async #linked<T extends NWBObject>(
    from: string,
    picker: Picker,
    name: string,
    cls: NWBObjectClass<T>,
    targetOf: (target: string) => string = (t) => t,
  ): Promise<T | undefined> {
    const node = picker.child(name);
    if (node === undefined) return undefined;
    if (node.kind !== 'link' || node.file !== undefined) {
      picker.release(name);
      return undefined;
    }
    const target = targetOf(node.target);
    if (this.#building.has(target) || this.#nodeAt(target) === undefined) {
      this.#warn(`${from}/${name}`, 'link-target', `link to ${node.target} cannot be resolved; kept as is`);
      picker.release(name);
      return undefined;
    }
    const object = await this.#object(target);
    if (isNWBType(object, cls)) return object;
    this.#warn(
      `${from}/${name}`,
      'link-target',
      `link to ${node.target} does not point at a ${neurodataTypeOf(cls)}; kept as is`,
    );
    picker.release(name);
    return undefined;
  }

  async #build(path: string): Promise<NamedObject> {
    const node = this.#nodeAt(path)!;
    const name = baseName(path);
    if (node.kind === 'link') return new UnmappedObject({ name, node });
    const type = stringOf(node.attrs['neurodata_type']);
    const namespace = stringOf(node.attrs['namespace']);
    if (type === undefined || (namespace !== undefined && namespace !== 'core'))
      return new UnmappedObject({ name, node });
    this.#building.add(path);
    try {
      const picker = new Picker(path, node, (target) => this.#nodeAt(target));
      const object = await this.#typed(path, name, type, picker);
      if (object === undefined) return new UnmappedObject({ name, node });
      picker.keepRest(object.unmapped);
      return object;
    } catch (error) {
      // A file this broken for the model is still kept, as it was, and the reason reported.
      const message = error instanceof Error ? error.message : String(error);
      this.#warn(
        path,
        'unreadable',
        `not read as ${type}, kept as stored (conversion copies it unchanged): ${message}`,
      );
      return new UnmappedObject({ name, node });
    } finally {
      this.#building.delete(path);
    }
  }

  /** The object at `path` as its type's mapper reads it, or undefined when no mapper reads it. */
  async #typed(path: string, name: string, type: string, p: Picker): Promise<NWBObject | undefined> {
    const mapper = this.#types.forStored(type, p.node.kind);
    if (mapper === undefined) return undefined;
    const objectId = stringOf(p.attr('object_id'));
    const context: FromTreeContext = {
      path,
      neurodataType: type,
      picker: p,
      base: { name, ...(objectId === undefined ? {} : { objectId }) },
      model: (at = path) => this.#context(at),
      warn: (at, rule, message) => this.#warn(at, rule, message),
      text: (child) => this.#text(p, child),
      texts: (child) => this.#texts(p, child),
      value: (at, node) => this.#value(at, node),
      dateTime: (at, text) => this.#dateTime(at, text),
      object: (at) => this.#object(at),
      linked: (child, cls, targetOf) => this.#linked(path, p, child, cls, targetOf),
    };
    return mapper.fromTree(context);
  }

  /** The value of a small dataset, read now. */
  async #value(path: string, node: DatasetNode): Promise<NdArray> {
    const value = node.value;
    if (isDataStream(value)) throw new MappingError('cannot read metadata from a stream', { path });
    if (!isDatasetHandle(value)) return value;
    try {
      return await (this.#prefetched.get(value) ?? value.read());
    } catch (error) {
      if (isNWBError(error)) throw error;
      throw new MappingError('reading failed', { path, cause: error });
    }
  }

  /** A scalar (or one-element) text dataset child, read now. */
  async #text(p: Picker, name: string): Promise<string | undefined> {
    const node = p.dataset(name);
    if (node === undefined) return undefined;
    const value = stringOf(await this.#value(joinPath(p.path, name), node));
    if (value === undefined) {
      this.#warn(joinPath(p.path, name), 'text', 'expected one text value; kept as is');
      p.release(name);
    }
    return value;
  }

  /** A text dataset child as a list (a scalar becomes one element), read now. */
  async #texts(p: Picker, name: string): Promise<string[] | undefined> {
    const node = p.dataset(name);
    if (node === undefined) return undefined;
    const value = stringsOf(await this.#value(joinPath(p.path, name), node));
    if (value === undefined) {
      this.#warn(joinPath(p.path, name), 'text', 'expected text; kept as is');
      p.release(name);
    }
    return value;
  }
}

function asUnmapped(object: NamedObject): UnmappedObject {
  if (isUnmappedObject(object)) return object;
  throw new MappingError(`a ${object.neurodataType} cannot be kept here`, { path: object.name });
}
