/**
 * Finding what can be shown as images in a file's tree, and the frame sources that read them:
 * ImageSeries and its kin (frames along the first axis), Images (its images in
 * `order_of_images`), IndexSeries (the images its indices point at) and external-file series.
 *
 * Everything here works on the library's neutral tree, so types the data model does not map yet
 * (TwoPhotonSeries, OnePhotonSeries, ImageMaskSeries) show the same way as the ones it does.
 */
import type { DatasetHandle, DatasetNode, GroupNode, NdArray, ObjectRef } from '@nwbjs/core';
import { formatDType, isDatasetHandle, isNumericDType, shapeSize } from '@nwbjs/core';
import { byteSize } from '@nwbjs/core/backend';
import { AxisReader, numbersOf, readWithSignal } from './axis-reader.js';
import { formatBytes } from './format.js';
import type { ReadCache } from './read-cache.js';
import { childPath, neurodataTypeOf, nodeAt, numberAttr, textAttr } from './structure.js';
import type {
  ExternalFile,
  Frame,
  FrameLayout,
  FrameReadOptions,
  FrameSource,
  ImageObject,
} from './types.js';

/** Series whose `data` holds frames along its first axis. */
const SERIES_TYPES = new Set([
  'ImageSeries',
  'OpticalSeries',
  'TwoPhotonSeries',
  'OnePhotonSeries',
  'ImageMaskSeries',
]);
/** Series whose fourth axis is depth (z planes), never colour. */
const VOLUME_TYPES = new Set(['TwoPhotonSeries', 'OnePhotonSeries']);
const IMAGE_TYPES = new Set(['Image', 'GrayscaleImage', 'RGBImage', 'RGBAImage']);

/** What building the image objects needs besides the tree. */
export interface ImageContext {
  readonly root: GroupNode;
  readonly cache: ReadCache<NdArray>;
  /** URL the NWB file was read from, to resolve external files against. */
  readonly baseUrl: string | undefined;
}

/** Every object of the file that the viewer can show as images, in tree order. */
export function findImageObjects(context: ImageContext): ImageObject[] {
  const found: { path: string; node: GroupNode; type: string }[] = [];
  const walk = (path: string, node: GroupNode) => {
    for (const [name, child] of node.children) {
      if (child.kind !== 'group') continue;
      const at = childPath(path, name);
      if (at === '/specifications') continue;
      const type = neurodataTypeOf(child);
      if (type !== undefined && (SERIES_TYPES.has(type) || type === 'Images' || type === 'IndexSeries'))
        found.push({ path: at, node: child, type });
      walk(at, child);
    }
  };
  walk('/', context.root);
  const builder = new SourceBuilder(context);
  return found.map(({ path, node, type }) => builder.object(path, node, type));
}

class SourceBuilder {
  readonly #sources = new Map<string, FrameSource | undefined>();

  constructor(readonly context: ImageContext) {}

  object(path: string, node: GroupNode, type: string): ImageObject {
    const base = {
      path,
      name: path.slice(path.lastIndexOf('/') + 1),
      neurodataType: type,
      description: textAttr(node.attrs.description),
    };
    if (type === 'Images') {
      const images = imagesOf(node, path);
      return {
        ...base,
        frames: this.source(path),
        externalFiles: undefined,
        facts: [['Images', String(images.length)]],
      };
    }
    if (type === 'IndexSeries') {
      const target = this.#indexTarget(path);
      return {
        ...base,
        frames: this.source(path),
        externalFiles: undefined,
        facts: [
          ...dataFacts(this.#dataset(`${path}/data`)),
          ['Points into', target ?? 'nothing (no indexed_images or indexed_timeseries)'],
          ...timingFacts(this.context.root, path),
        ],
      };
    }
    const listing = this.#dataset(`${path}/external_file`);
    let files: Promise<ExternalFile[]> | undefined;
    const externalFiles = listing === undefined ? undefined : () => (files ??= this.#externalFiles(listing));
    const data = this.#dataset(`${path}/data`);
    return {
      ...base,
      frames: externalFiles === undefined ? this.source(path) : undefined,
      externalFiles,
      facts: [...dataFacts(data), ...timingFacts(this.context.root, path), ...linkFacts(node)],
    };
  }

  /** The frame source of the object at `path` (one per object, shared by IndexSeries). */
  source(path: string): FrameSource | undefined {
    if (this.#sources.has(path)) return this.#sources.get(path);
    this.#sources.set(path, undefined);
    const source = this.#build(path);
    this.#sources.set(path, source);
    return source;
  }

  #build(path: string): FrameSource | undefined {
    const node = nodeAt(this.context.root, path);
    if (node?.kind !== 'group') return undefined;
    const type = neurodataTypeOf(node) ?? '';
    const timing = new Timing(this.context, path);
    if (type === 'Images') return new ImagesFrames(this.context, imagesOf(node, path));
    if (type === 'IndexSeries') {
      const indices = this.#numeric(`${path}/data`);
      const targetPath = this.#indexTarget(path);
      const target = targetPath === undefined ? undefined : this.source(targetPath);
      if (indices === undefined || target === undefined || indices.shape.length !== 1) return undefined;
      return new IndexFrames(new AxisReader(indices, this.context.cache), target, timing);
    }
    const data = this.#numeric(`${path}/data`);
    if (data === undefined || (data.shape.length !== 3 && data.shape.length !== 4)) return undefined;
    if (data.shape[0] === 0) return undefined;
    const last = data.shape[3];
    const colour = data.shape.length === 4 && !VOLUME_TYPES.has(type) && (last === 3 || last === 4);
    return new SeriesFrames(new AxisReader(data, this.context.cache), colour, timing);
  }

  #indexTarget(path: string): string | undefined {
    for (const name of ['indexed_images', 'indexed_timeseries']) {
      const link = nodeAt(this.context.root, `${path}/${name}`, false);
      if (link?.kind === 'link' && link.file === undefined) return link.target;
    }
    return undefined;
  }

  #dataset(path: string): DatasetNode | undefined {
    const node = nodeAt(this.context.root, path);
    return node?.kind === 'dataset' ? node : undefined;
  }

  #numeric(path: string): DatasetHandle | undefined {
    const value = this.#dataset(path)?.value;
    if (value === undefined || !isDatasetHandle(value)) return undefined;
    return isNumericDType(value.dtype) || value.dtype === 'bool' ? value : undefined;
  }

  async #externalFiles(node: DatasetNode): Promise<ExternalFile[]> {
    if (!isDatasetHandle(node.value)) return [];
    const read = await node.value.read();
    const paths = (read.data as unknown[]).map(String);
    const starts = node.attrs.starting_frame;
    const startsAt = (i: number) =>
      starts !== undefined && ArrayBuffer.isView(starts.data)
        ? Number((starts.data as ArrayLike<number | bigint>)[i])
        : undefined;
    return paths.map((p, i) => ({ path: p, url: this.#resolve(p), startingFrame: startsAt(i) }));
  }

  #resolve(path: string): string | undefined {
    const base = this.context.baseUrl;
    if (base === undefined) return undefined;
    try {
      return new URL(path, base.replace(/\/+$/, '')).href;
    } catch {
      return undefined;
    }
  }
}

interface ImageEntry {
  readonly path: string;
  readonly name: string;
  readonly type: string;
  readonly node: DatasetNode;
}

/** The images of an Images group, in child order (`order_of_images` is applied when reading). */
function imagesOf(node: GroupNode, path: string): ImageEntry[] {
  const images: ImageEntry[] = [];
  for (const [name, child] of node.children) {
    if (child.kind !== 'dataset') continue;
    const type = neurodataTypeOf(child);
    if (type !== undefined && IMAGE_TYPES.has(type))
      images.push({ path: childPath(path, name), name, type, node: child });
  }
  return images;
}

function dataFacts(node: DatasetNode | undefined): [string, string][] {
  if (node === undefined) return [];
  const value = node.value;
  const facts: [string, string][] = [['Data', `${value.shape.join(' × ')} ${formatDType(value.dtype)}`]];
  if (isDatasetHandle(value)) {
    const { chunks, compression } = value.layout;
    if (chunks !== undefined) facts.push(['Chunks', chunks.join(' × ')]);
    if (compression !== undefined)
      facts.push([
        'Compression',
        [compression.codec, compression.cname, compression.level].filter((v) => v !== undefined).join(' '),
      ]);
    if (isNumericDType(value.dtype))
      facts.push(['Stored', `${formatBytes(shapeSize(value.shape) * byteSize(value.dtype))} uncompressed`]);
  }
  const unit = textAttr(node.attrs.unit);
  if (unit !== undefined) facts.push(['Unit', unit]);
  const conversion = numberAttr(node.attrs.conversion);
  if (conversion !== undefined && conversion !== 1) facts.push(['Conversion', String(conversion)]);
  return facts;
}

function timingFacts(root: GroupNode, path: string): [string, string][] {
  const timestamps = nodeAt(root, `${path}/timestamps`);
  if (timestamps?.kind === 'dataset') {
    const link = nodeAt(root, `${path}/timestamps`, false);
    const shared = link?.kind === 'link' ? ` (shared with ${link.target})` : '';
    return [['Timestamps', `${timestamps.value.shape[0] ?? 1}${shared}`]];
  }
  const start = nodeAt(root, `${path}/starting_time`);
  const rate = start?.kind === 'dataset' ? numberAttr(start.attrs.rate) : undefined;
  return rate === undefined ? [] : [['Rate', `${rate} Hz`]];
}

function linkFacts(node: GroupNode): [string, string][] {
  const facts: [string, string][] = [];
  for (const [name, child] of node.children) {
    if (child.kind === 'link' && name !== 'timestamps' && name !== 'data') facts.push([name, child.target]);
  }
  return facts;
}

/** A series' times: its timestamps (read in chunk blocks), or starting_time and rate. */
class Timing {
  readonly #timestamps: AxisReader | undefined;
  readonly #start: DatasetHandle | undefined;
  readonly #rate: number | undefined;
  #startValue: Promise<number> | undefined;

  constructor(context: ImageContext, path: string) {
    const timestamps = nodeAt(context.root, `${path}/timestamps`);
    const start = nodeAt(context.root, `${path}/starting_time`);
    if (
      timestamps?.kind === 'dataset' &&
      isDatasetHandle(timestamps.value) &&
      timestamps.value.shape.length === 1
    )
      this.#timestamps = new AxisReader(timestamps.value, context.cache);
    if (start?.kind === 'dataset' && isDatasetHandle(start.value)) {
      this.#start = start.value;
      this.#rate = numberAttr(start.attrs.rate);
    }
  }

  async time(index: number, signal?: AbortSignal): Promise<number | undefined> {
    if (this.#timestamps !== undefined) {
      if (index >= this.#timestamps.length) return undefined;
      return (await this.#timestamps.row(index, signal)).values[0];
    }
    if (this.#start === undefined || this.#rate === undefined || this.#rate <= 0) return undefined;
    this.#startValue ??= this.#start.read().then((value) => numbersOf(value.data as never)[0] ?? 0);
    return (await this.#startValue) + index / this.#rate;
  }

  prefetch(indices: readonly number[], signal: AbortSignal): void {
    this.#timestamps?.prefetch(indices, signal);
  }
}

/** Frames along the first axis of an ImageSeries (or kin). */
class SeriesFrames implements FrameSource {
  readonly count: number;
  readonly planes: number;
  readonly layout: FrameLayout;

  constructor(
    readonly reader: AxisReader,
    colour: boolean,
    readonly timing: Timing,
  ) {
    const shape = reader.handle.shape;
    this.count = shape[0]!;
    this.planes = shape.length === 4 && !colour ? shape[3]! : 1;
    this.layout = {
      rows: shape[1]!,
      cols: shape[2]!,
      channels: colour ? (shape[3] as 3 | 4) : 1,
      dtype: String(reader.handle.dtype),
    };
  }

  async read(index: number, options: FrameReadOptions = {}): Promise<Frame> {
    const row = await this.reader.row(index, options.signal);
    if (this.planes === 1) return { ...this.layout, values: row.values };
    const plane = Math.min(Math.max(0, options.plane ?? 0), this.planes - 1);
    const pixels = this.layout.rows * this.layout.cols;
    const values = new Float64Array(pixels);
    for (let i = 0; i < pixels; i++) values[i] = row.values[i * this.planes + plane]!;
    return { ...this.layout, values };
  }

  prefetch(indices: readonly number[], signal: AbortSignal): void {
    this.reader.prefetch(indices, signal);
    this.timing.prefetch(indices, signal);
  }

  time(index: number, signal?: AbortSignal): Promise<number | undefined> {
    return this.timing.time(index, signal);
  }

  async caption(): Promise<string | undefined> {
    return undefined;
  }
}

/** The images of an Images group, in `order_of_images` when it has one. */
class ImagesFrames implements FrameSource {
  readonly count: number;
  readonly planes = 1;
  readonly layout = undefined;
  #order: Promise<ImageEntry[]> | undefined;

  constructor(
    readonly context: ImageContext,
    readonly images: readonly ImageEntry[],
  ) {
    this.count = images.length;
  }

  async read(index: number, options: FrameReadOptions = {}): Promise<Frame> {
    const entry = await this.#entry(index, options.signal);
    const value = entry.node.value;
    if (!isDatasetHandle(value) || !isNumericDType(value.dtype))
      throw new TypeError(`${entry.path} is not a numeric image`);
    const handle = value;
    const data = await this.context.cache.get(entry.path, (own) => readWithSignal(handle, undefined, own), {
      signal: options.signal,
    });
    const [rows = 1, cols = 1, channels = 1] = data.shape;
    if (data.shape.length < 2 || data.shape.length > 3 || ![1, 3, 4].includes(channels))
      throw new TypeError(`${entry.path} has shape [${data.shape.join(', ')}], not an image`);
    return {
      rows,
      cols,
      channels: channels as 1 | 3 | 4,
      dtype: String(data.dtype),
      values: numbersOf(data.data as never),
    };
  }

  prefetch(indices: readonly number[], signal: AbortSignal): void {
    for (const i of indices) if (i >= 0 && i < this.count) this.read(i, { signal }).catch(() => undefined);
  }

  async time(): Promise<number | undefined> {
    return undefined;
  }

  async caption(index: number, signal?: AbortSignal): Promise<string | undefined> {
    const entry = await this.#entry(index, signal);
    const description = textAttr(entry.node.attrs.description);
    return `${entry.name} (${entry.type})${description === undefined ? '' : `: ${description}`}`;
  }

  #entry(index: number, signal?: AbortSignal): Promise<ImageEntry> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#order ??= this.#readOrder();
    return this.#order.then((order) => {
      const entry = order[index];
      if (entry === undefined) throw new RangeError(`image ${index} is outside 0..${order.length - 1}`);
      return entry;
    });
  }

  /** Images in `order_of_images`, then any it leaves out, in child order. */
  async #readOrder(): Promise<ImageEntry[]> {
    const first = this.images[0];
    if (first === undefined) return [];
    const groupPath = first.path.slice(0, first.path.lastIndexOf('/'));
    const order = nodeAt(this.context.root, `${groupPath}/order_of_images`);
    if (order?.kind !== 'dataset' || order.value.dtype !== 'ref' || !isDatasetHandle(order.value))
      return [...this.images];
    const refs = (await order.value.read()).data as ObjectRef[];
    const byPath = new Map(this.images.map((e) => [e.path, e]));
    const ordered = refs.map((r) => byPath.get(r.path)).filter((e): e is ImageEntry => e !== undefined);
    const listed = new Set(ordered);
    return [...ordered, ...this.images.filter((e) => !listed.has(e))];
  }
}

/** An IndexSeries: frame i is the target's frame at the i-th index. */
class IndexFrames implements FrameSource {
  readonly count: number;
  readonly planes: number;
  readonly layout: FrameLayout | undefined;

  constructor(
    readonly indices: AxisReader,
    readonly target: FrameSource,
    readonly timing: Timing,
  ) {
    this.count = indices.length;
    this.planes = target.planes;
    this.layout = target.layout;
  }

  async read(index: number, options: FrameReadOptions = {}): Promise<Frame> {
    return this.target.read(await this.#target(index, options.signal), options);
  }

  prefetch(indices: readonly number[], signal: AbortSignal): void {
    this.timing.prefetch(indices, signal);
    for (const i of indices) {
      if (i < 0 || i >= this.count) continue;
      this.#target(i, signal).then(
        (t) => this.target.prefetch([t], signal),
        () => undefined,
      );
    }
  }

  time(index: number, signal?: AbortSignal): Promise<number | undefined> {
    return this.timing.time(index, signal);
  }

  async caption(index: number, signal?: AbortSignal): Promise<string | undefined> {
    const target = await this.#target(index, signal);
    const inner = await this.target.caption(target, signal);
    return `index ${target}${inner === undefined ? '' : ` → ${inner}`}`;
  }

  async #target(index: number, signal?: AbortSignal): Promise<number> {
    const value = (await this.indices.row(index, signal)).values[0]!;
    if (!Number.isInteger(value) || value < 0 || value >= this.target.count)
      throw new RangeError(
        `index ${value} at position ${index} is outside the ${this.target.count} frames it points into`,
      );
    return value;
  }
}
