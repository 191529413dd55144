/**
 * Tree to model: builds an NWBFile from a tree read from a file, lazily. Dataset contents stay
 * where they are (handles); only small metadata is read (scalar text, external_file, distance,
 * order_of_images...). Types the model lacks become UnmappedObjects, extras of known objects are
 * kept, and rules the file breaks become `readWarnings` instead of errors, as PyNWB warns on read.
 */
import type { Attributes } from '../storage/backend.js';
import type { NdArray } from '../storage/values.js';
import { isObjectRef } from '../storage/values.js';
import type { DatasetNode, GroupNode, TreeNode } from '../tree/nodes.js';
import { isDataStream, isDatasetHandle } from '../tree/nodes.js';
import { baseName, joinPath, parentPath } from '../tree/paths.js';
import { MappingError, ValidationError, isNWBError } from '../errors.js';
import { NWBDateTime } from '../model/datetime.js';
import { Device } from '../model/device.js';
import type { ImageSeriesOptions } from '../model/image-series.js';
import { ImageSeries, IndexSeries, OpticalSeries } from '../model/image-series.js';
import type { ImageOptions } from '../model/images.js';
import { GrayscaleImage, Image, ImageReferences, Images, RGBAImage, RGBImage } from '../model/images.js';
import type { NWBFileOptions } from '../model/nwb-file.js';
import { GENERAL_TEXT_FIELDS, GENERAL_TEXT_LIST_FIELDS, NWBFile } from '../model/nwb-file.js';
import type { NamedObject, NWBObject, Unmapped } from '../model/nwb-object.js';
import { UnmappedObject, emptyUnmapped } from '../model/nwb-object.js';
import { ProcessingModule } from '../model/processing-module.js';
import { Subject } from '../model/subject.js';
import type { Continuity, TimeSeriesOptions } from '../model/time-series.js';
import { TimeSeries } from '../model/time-series.js';
import type { ModelContext } from '../model/validation.js';
import type { NumericField } from './values.js';
import { numberOf, numbersOfValue, numericDTypeOf, stringOf, stringsOf } from './values.js';
import { SUBJECT_FIELDS } from './write-file.js';

const TYPED_ATTRS = ['namespace', 'neurodata_type', 'object_id'];

/**
 * Builds the model of a file from its tree (as `readTree` returns it). Reads only small metadata;
 * data stay lazy handles. Throws only when the root is not an NWB file at all (no parseable
 * session_start_time); everything else the file gets wrong is listed in `readWarnings`.
 */
export async function treeToNWBFile(root: GroupNode): Promise<NWBFile> {
  return new FileReader(root).read();
}

/** Tracks which attributes and children of a node the mapping used, to keep the rest. */
class Picker {
  readonly #usedAttrs = new Set<string>(TYPED_ATTRS);
  readonly #usedChildren = new Set<string>();
  readonly #usedChildAttrs = new Map<string, Set<string>>();

  constructor(
    readonly path: string,
    readonly node: GroupNode | DatasetNode,
    /** Finds what a soft link points at (child attributes are read through links). */
    readonly follow: (target: string) => TreeNode | undefined = () => undefined,
  ) {}

  attr(name: string): NdArray | undefined {
    this.#usedAttrs.add(name);
    return this.node.attrs[name];
  }

  child(name: string): TreeNode | undefined {
    if (this.node.kind !== 'group') return undefined;
    const child = this.node.children.get(name);
    if (child !== undefined) this.#usedChildren.add(name);
    return child;
  }

  /** A child dataset (undefined if absent or not a dataset; a link is left unused). */
  dataset(name: string): DatasetNode | undefined {
    if (this.node.kind !== 'group') return undefined;
    const child = this.node.children.get(name);
    if (child?.kind !== 'dataset') return undefined;
    this.#usedChildren.add(name);
    return child;
  }

  childAttr(child: string, name: string): NdArray | undefined {
    if (this.node.kind !== 'group') return undefined;
    const node = this.node.children.get(child);
    if (node === undefined) return undefined;
    if (node.kind === 'link') {
      // A linked dataset (data shared with another series) has its attributes where it lives.
      let target: TreeNode | undefined = node;
      for (let hops = 0; target?.kind === 'link' && target.file === undefined && hops < 32; hops++) {
        target = this.follow(target.target);
      }
      return target === undefined || target.kind === 'link' ? undefined : target.attrs[name];
    }
    let used = this.#usedChildAttrs.get(child);
    if (used === undefined) this.#usedChildAttrs.set(child, (used = new Set()));
    used.add(name);
    return node.attrs[name];
  }

  /** Marks a child unused again (e.g. a link that could not be resolved). */
  release(name: string): void {
    this.#usedChildren.delete(name);
  }

  /** Moves what was not used into `target` (an object's `unmapped`). */
  keepRest(target: Unmapped): void {
    for (const [name, value] of Object.entries(this.node.attrs)) {
      if (!this.#usedAttrs.has(name)) target.attrs[name] = value;
    }
    if (this.node.kind !== 'group') return;
    for (const [name, child] of this.node.children) {
      if (!this.#usedChildren.has(name)) {
        target.children.set(name, child);
        continue;
      }
      if (child.kind === 'link') continue;
      const used = this.#usedChildAttrs.get(name) ?? new Set<string>();
      const extra: Attributes = {};
      for (const [key, value] of Object.entries(child.attrs)) if (!used.has(key)) extra[key] = value;
      if (Object.keys(extra).length > 0) target.childAttrs.set(name, extra);
    }
  }
}

class FileReader {
  readonly #root: GroupNode;
  readonly #warnings: ValidationError[] = [];
  readonly #built = new Map<string, Promise<NamedObject>>();
  readonly #building = new Set<string>();

  constructor(root: GroupNode) {
    this.#root = root;
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
      const extraAttrs = Object.fromEntries(Object.entries(node.attrs));
      if (Object.keys(extraAttrs).length > 0) file.unmapped.childAttrs.set(relative, extraAttrs);
      for (const name of node.children.keys()) add(await this.#object(joinPath(`/${relative}`, name)));
    };
    root.child('acquisition');
    await collect('acquisition', (o) => file.addAcquisition(o));
    root.child('analysis');
    await collect('analysis', (o) => file.addAnalysis(o));
    root.child('processing');
    await collect('processing', (o) =>
      file.addProcessingModule(o instanceof ProcessingModule ? o : asUnmapped(o)),
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
      await collect('general/devices', (o) => file.addDevice(o instanceof Device ? o : asUnmapped(o)));
      if (general.child('subject') !== undefined) {
        const subject = await this.#object('/general/subject');
        file.subject = subject instanceof Subject ? subject : asUnmapped(subject);
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

  /** The model object a link points at, when it is of `kind`; otherwise a warning and undefined. */
  async #linked<T>(
    from: string,
    picker: Picker,
    name: string,
    kind: abstract new (...args: never[]) => T,
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
    if (object instanceof kind) return object;
    this.#warn(
      `${from}/${name}`,
      'link-target',
      `link to ${node.target} does not point at a ${kind.name}; kept as is`,
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

  async #typed(path: string, name: string, type: string, p: Picker): Promise<NWBObject | undefined> {
    const objectId = stringOf(p.attr('object_id'));
    const base = { name, ...(objectId === undefined ? {} : { objectId }) };
    const context = this.#context(path);
    const node = p.node;
    if (node.kind === 'dataset') {
      const imageType = IMAGE_TYPES[type];
      if (imageType === undefined) return undefined;
      const options: ImageOptions = { ...base, data: node.value };
      const description = stringOf(p.attr('description'));
      if (description !== undefined) options.description = description;
      const resolution = p.attr('resolution');
      if (resolution !== undefined) options.resolution = numberOf(resolution) ?? NaN;
      const image = new imageType(options, context);
      remember(image, '@resolution', resolution);
      return image;
    }
    switch (type) {
      case 'Device': {
        const device = new Device(
          {
            ...base,
            ...optional('description', stringOf(p.attr('description'))),
            ...optional('manufacturer', stringOf(p.attr('manufacturer'))),
          },
          context,
        );
        return device;
      }
      case 'Subject':
        return this.#subject(p, base, context);
      case 'ProcessingModule': {
        const module = new ProcessingModule(
          { ...base, description: stringOf(p.attr('description')) ?? '' },
          context,
        );
        if (p.attr('description') === undefined)
          this.#warn(path, 'description-required', 'description is missing');
        for (const childName of (node as GroupNode).children.keys()) {
          p.child(childName);
          module.add(await this.#object(joinPath(path, childName)));
        }
        return module;
      }
      case 'Images':
        return this.#images(path, p, base, context);
      case 'TimeSeries':
      case 'ImageSeries':
      case 'OpticalSeries':
      case 'IndexSeries':
        return this.#series(path, type, p, base, context);
      default:
        return undefined;
    }
  }

  async #subject(
    p: Picker,
    base: { name: string; objectId?: string },
    context: ModelContext,
  ): Promise<Subject> {
    const options: Record<string, unknown> = { ...base };
    for (const [field, name] of Object.entries(SUBJECT_FIELDS)) {
      const value = await this.#text(p, name);
      if (value !== undefined) options[field] = value;
    }
    const reference = p.childAttr('age', 'reference');
    if (reference !== undefined) options['ageReference'] = stringOf(reference);
    const born = await this.#text(p, 'date_of_birth');
    if (born !== undefined) {
      const parsed = this.#dateTime(`${p.path}/date_of_birth`, born);
      if (parsed !== undefined) options['dateOfBirth'] = parsed;
      else p.release('date_of_birth');
    }
    return new Subject(options, context);
  }

  async #images(
    path: string,
    p: Picker,
    base: { name: string; objectId?: string },
    context: ModelContext,
  ): Promise<Images> {
    const group = p.node as GroupNode;
    const images: Image[] = [];
    for (const [childName, child] of group.children) {
      if (childName === 'order_of_images' || child.kind !== 'dataset') continue;
      const object = await this.#object(joinPath(path, childName));
      if (object instanceof Image) {
        p.child(childName);
        images.push(object);
      }
    }
    const result = new Images(
      { ...base, images, ...optional('description', stringOf(p.attr('description'))) },
      context,
    );
    if (p.node.attrs['description'] === undefined) this.#warn(path, 'required', 'description is missing');
    const orderNode = p.dataset('order_of_images');
    if (orderNode !== undefined) {
      const orderPath = joinPath(path, 'order_of_images');
      const refs = await this.#value(orderPath, orderNode);
      const byPath = new Map(images.map((image) => [joinPath(path, image.name), image]));
      const ordered = (refs.data as unknown[]).map((ref) =>
        isObjectRef(ref) ? byPath.get(ref.path) : undefined,
      );
      if (refs.dtype !== 'ref' || ordered.some((image) => image === undefined)) {
        this.#warn(
          orderPath,
          'order-of-images-member',
          'order_of_images refers to objects that are not images of this Images; kept as is',
        );
        p.release('order_of_images');
      } else {
        const orderId = stringOf(orderNode.attrs['object_id']);
        const order = new ImageReferences(
          { images: ordered as Image[], ...optional('objectId', orderId) },
          this.#context(orderPath),
        );
        const extra: Attributes = {};
        for (const [key, value] of Object.entries(orderNode.attrs))
          if (!TYPED_ATTRS.includes(key)) extra[key] = value;
        Object.assign(order.unmapped.attrs, extra);
        result.setOrderOfImages(order);
      }
    }
    return result;
  }

  async #series(
    path: string,
    type: string,
    p: Picker,
    base: { name: string; objectId?: string },
    context: ModelContext,
  ): Promise<TimeSeries> {
    const options: Record<string, unknown> & Partial<TimeSeriesOptions> = { ...base };
    const stored: Array<[NumericField, NdArray | undefined]> = [];
    const description = stringOf(p.attr('description'));
    if (description !== undefined) options.description = description;
    const comments = stringOf(p.attr('comments'));
    if (comments !== undefined) options.comments = comments;

    const dataSource = await this.#linked(path, p, 'data', TimeSeries, parentOfField('data'));
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
    } else if (type !== 'ImageSeries' && type !== 'OpticalSeries') {
      throw new MappingError('data is missing', { path, neurodataType: type });
    }

    const startNode = p.dataset('starting_time');
    if (startNode !== undefined) {
      const start = numberOf(await this.#value(`${path}/starting_time`, startNode));
      if (start !== undefined) options.startingTime = start;
      const rateAttr = p.childAttr('starting_time', 'rate');
      const rate = numberOf(rateAttr);
      if (rate !== undefined) options.rate = rate;
      p.childAttr('starting_time', 'unit');
      stored.push(['starting_time@rate', rateAttr]);
    }
    const timestampsSource = await this.#linked(
      path,
      p,
      'timestamps',
      TimeSeries,
      parentOfField('timestamps'),
    );
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
    const controlDescription = await this.#texts(p, 'control_description');
    if (controlDescription !== undefined) options.controlDescription = controlDescription;

    let series: TimeSeries;
    if (type === 'TimeSeries') {
      series = new TimeSeries(options as TimeSeriesOptions, context);
    } else if (type === 'IndexSeries') {
      const indexedImages = await this.#linked(path, p, 'indexed_images', Images);
      const indexedTimeseries = await this.#linked(path, p, 'indexed_timeseries', ImageSeries);
      p.childAttr('data', 'unit');
      series = new IndexSeries(
        {
          ...(options as TimeSeriesOptions),
          ...optional('indexedImages', indexedImages),
          ...optional('indexedTimeseries', indexedTimeseries),
        },
        context,
      );
    } else {
      const imageOptions = options as ImageSeriesOptions & Record<string, unknown>;
      const externalFile = await this.#texts(p, 'external_file');
      const startingFrameAttr = p.childAttr('external_file', 'starting_frame');
      if (externalFile !== undefined) {
        imageOptions.externalFile = externalFile;
        const frames = numbersOfValue(startingFrameAttr);
        if (frames !== undefined) imageOptions.startingFrame = frames;
        stored.push(['external_file@starting_frame', startingFrameAttr]);
      }
      const format = await this.#text(p, 'format');
      if (format !== undefined) imageOptions.format = format;
      else if (externalFile === undefined) imageOptions.format = 'raw';
      const dimensionNode = p.dataset('dimension');
      if (dimensionNode !== undefined) {
        const dimension = await this.#value(`${path}/dimension`, dimensionNode);
        imageOptions.dimension = numbersOfValue(dimension) ?? [];
        stored.push(['dimension', dimension]);
      }
      const device = await this.#linked(path, p, 'device', Device);
      if (device !== undefined) imageOptions.device = device;
      if (type === 'OpticalSeries') {
        const distanceNode = p.dataset('distance');
        const distance =
          distanceNode === undefined ? undefined : await this.#value(`${path}/distance`, distanceNode);
        const fovNode = p.dataset('field_of_view');
        const fov = fovNode === undefined ? undefined : await this.#value(`${path}/field_of_view`, fovNode);
        stored.push(['distance', distance], ['field_of_view', fov]);
        series = new OpticalSeries(
          {
            ...imageOptions,
            distance: numberOf(distance) as number,
            fieldOfView: numbersOfValue(fov) as number[],
            orientation: (await this.#text(p, 'orientation')) as string,
          },
          context,
        );
      } else {
        series = new ImageSeries(imageOptions, context);
      }
    }
    for (const [field, value] of stored) remember(series, field, value);
    return series;
  }

  /** The value of a small dataset, read now. */
  async #value(path: string, node: DatasetNode): Promise<NdArray> {
    const value = node.value;
    if (isDataStream(value)) throw new MappingError('cannot read metadata from a stream', { path });
    if (!isDatasetHandle(value)) return value;
    try {
      return await value.read();
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

const IMAGE_TYPES: Record<string, new (options: ImageOptions, context?: ModelContext) => Image> = {
  Image,
  GrayscaleImage,
  RGBImage,
  RGBAImage,
};

function asUnmapped(object: NamedObject): UnmappedObject {
  if (object instanceof UnmappedObject) return object;
  throw new MappingError(`a ${object.neurodataType} cannot be kept here`, { path: object.name });
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Maps a link target `/x/series/<field>` to the series path `/x/series`. */
function parentOfField(field: string): (target: string) => string {
  return (target) => (baseName(target) === field ? parentPath(target) : target);
}

/** Records the dtype a numeric field was stored with, so it is written back the same. */
function remember(
  object: NWBObject,
  field: NumericField,
  value: { dtype: NdArray['dtype'] } | undefined,
): void {
  const dtype = numericDTypeOf(value);
  if (dtype !== undefined) object.storedDtypes.set(field, dtype);
}
