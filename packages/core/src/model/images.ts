/**
 * Static images: Image and its grayscale/RGB/RGBA kinds (typed datasets), the Images group holding
 * them, and ImageReferences, the group's `order_of_images`.
 */
import type { DatasetLayout } from '../storage/backend.js';
import { isNumericDType } from '../storage/dtype.js';
import type { DatasetValue } from '../tree/nodes.js';
import type { DataInput } from './data.js';
import { formatShape, toDatasetValue } from './data.js';
import { NamedCollection } from './named-collection.js';
import type { NWBObjectOptions } from './nwb-object.js';
import { NWBObject, isNWBType } from './nwb-object.js';
import type { ModelContext, RuleChecker } from './validation.js';

/** Options of {@link Image} and its subtypes. */
export interface ImageOptions extends NWBObjectOptions {
  /** Pixels, x first: (x, y), (x, y, 3) for RGB or (x, y, 4) for RGBA. */
  data: DataInput;
  /** Pixels per centimetre. */
  resolution?: number;
  /** What the image shows. */
  description?: string;
  /** Chunking and compression when written. */
  dataLayout?: DatasetLayout;
}

/** An image (neurodata_type Image): (x, y), (x, y, 3) or (x, y, 4). */
export class Image extends NWBObject {
  /** The pixels, x first. */
  readonly data: DatasetValue;
  /** Pixels per centimetre. */
  readonly resolution: number | undefined;
  /** What the image shows. */
  readonly description: string | undefined;
  /** Chunking and compression the pixels are written with. */
  readonly dataLayout: DatasetLayout | undefined;

  /** Throws a ValidationError when the shape does not suit the type or the pixels are not numbers. */
  constructor(options: ImageOptions, context: ModelContext = {}) {
    super(options, context);
    this.data = toDatasetValue(options.data, options.name);
    this.resolution = options.resolution;
    this.description = options.description;
    this.dataLayout = options.dataLayout;
    // The subtypes only narrow allowedShapes(), so the checks can run here for all of them.
    this.runChecks();
  }

  /** The NWB type this class writes, e.g. `Image`. */
  get neurodataType(): string {
    return 'Image';
  }

  /** The shapes this type allows, as [rank, last axis length or undefined]. */
  protected allowedShapes(): ReadonlyArray<readonly [number, number | undefined]> {
    return [
      [2, undefined],
      [3, 3],
      [3, 4],
    ];
  }

  protected override checkRules(check: RuleChecker): void {
    super.checkRules(check);
    const shape = this.data.shape;
    const ok = this.allowedShapes().some(
      ([rank, last]) => shape.length === rank && (last === undefined || shape[rank - 1] === last),
    );
    const spelled = this.allowedShapes()
      .map(([rank, last]) => (rank === 2 ? '(x, y)' : `(x, y, ${last})`))
      .join(' or ');
    check.check(ok, 'image-shape', `a ${this.neurodataType} is ${spelled}, got shape ${formatShape(shape)}`);
    check.check(
      isNumericDType(this.data.dtype),
      'image-dtype',
      `image data must be numeric, got ${String(this.data.dtype)}`,
    );
    if (this.resolution !== undefined) {
      check.check(
        Number.isFinite(this.resolution),
        'number',
        `resolution must be finite, got ${this.resolution}`,
      );
    }
  }
}

/** A grayscale image (x, y). */
export class GrayscaleImage extends Image {
  /** Always `GrayscaleImage`. */
  override get neurodataType(): string {
    return 'GrayscaleImage';
  }

  protected override allowedShapes(): ReadonlyArray<readonly [number, number | undefined]> {
    return [[2, undefined]];
  }
}

/** An RGB image (x, y, 3). */
export class RGBImage extends Image {
  /** Always `RGBImage`. */
  override get neurodataType(): string {
    return 'RGBImage';
  }

  protected override allowedShapes(): ReadonlyArray<readonly [number, number | undefined]> {
    return [[3, 3]];
  }
}

/** An RGBA image (x, y, 4). */
export class RGBAImage extends Image {
  /** Always `RGBAImage`. */
  override get neurodataType(): string {
    return 'RGBAImage';
  }

  protected override allowedShapes(): ReadonlyArray<readonly [number, number | undefined]> {
    return [[3, 4]];
  }
}

/** Options of {@link ImageReferences}. */
export interface ImageReferencesOptions extends Partial<NWBObjectOptions> {
  /** The images in order; each an Image of the same Images, once. */
  images: readonly Image[];
}

/** The ordered images of an Images group (neurodata_type ImageReferences, name `order_of_images`). */
export class ImageReferences extends NWBObject {
  /** The images, in order. */
  readonly images: readonly Image[];

  /** Named `order_of_images` unless given a name; throws a ValidationError for an image listed twice. */
  constructor(options: ImageReferencesOptions, context: ModelContext = {}) {
    super({ ...options, name: options.name ?? 'order_of_images' }, context);
    this.images = [...options.images];
    if (new.target === ImageReferences) this.runChecks();
  }

  /** Always `ImageReferences`. */
  get neurodataType(): string {
    return 'ImageReferences';
  }

  protected override checkRules(check: RuleChecker): void {
    super.checkRules(check);
    const seen = new Set<Image>();
    for (const image of this.images) {
      check.check(isNWBType(image, Image), 'order-of-images', 'order_of_images holds Image objects only');
      check.check(
        !seen.has(image),
        'order-of-images-unique',
        `image ${JSON.stringify(image.name)} is listed twice`,
      );
      seen.add(image);
    }
  }
}

/** Options of {@link Images}. */
export interface ImagesOptions extends NWBObjectOptions {
  /** Default "no description". */
  description?: string;
  /** The images it holds (names must differ). */
  images?: readonly Image[];
  /** The order of the images (an ImageReferences, or the images in order). */
  orderOfImages?: ImageReferences | readonly Image[];
}

/** A collection of images (neurodata_type Images), optionally ordered. */
export class Images extends NWBObject {
  /** What the images are. */
  readonly description: string;
  /** The images, by name. */
  readonly images: NamedCollection<Image>;
  #orderOfImages: ImageReferences | undefined;
  readonly #context: ModelContext;

  /** Throws a ValidationError for duplicate names, or an order listing foreign images or one image twice. */
  constructor(options: ImagesOptions, context: ModelContext = {}) {
    super(options, context);
    this.#context = context;
    this.description = options.description ?? 'no description';
    this.images = new NamedCollection<Image>(options.name, options.images ?? []);
    const order = options.orderOfImages;
    this.#orderOfImages =
      order === undefined || isNWBType(order, ImageReferences)
        ? order
        : new ImageReferences({ images: order });
    if (new.target === Images) this.runChecks();
  }

  /** Always `Images`. */
  get neurodataType(): string {
    return 'Images';
  }

  /** The order of the images (`order_of_images`), if set. */
  get orderOfImages(): ImageReferences | undefined {
    return this.#orderOfImages;
  }

  /** Adds an image; throws when the name is taken. */
  addImage(image: Image): Image {
    const check = this.checker();
    check.check(image.name !== 'order_of_images', 'unique-name', 'an image cannot be named order_of_images');
    return this.images.add(image);
  }

  /** The image named `name`. */
  getImage(name: string): Image | undefined {
    return this.images.get(name);
  }

  /** Sets the order of the images (each must be one of this group's images, once). */
  setOrderOfImages(order: ImageReferences | readonly Image[]): void {
    const refs = isNWBType(order, ImageReferences) ? order : new ImageReferences({ images: order });
    const previous = this.#orderOfImages;
    this.#orderOfImages = refs;
    const problems = this.validate().filter((e) => e.rule.startsWith('order-of-images'));
    if (problems.length > 0 && this.#context.onViolation === undefined) {
      this.#orderOfImages = previous;
      throw problems[0]!;
    }
  }

  protected override checkRules(check: RuleChecker): void {
    super.checkRules(check);
    check.check(
      !this.images.has('order_of_images'),
      'unique-name',
      'an image cannot be named order_of_images',
    );
    const order = this.#orderOfImages;
    if (order === undefined) return;
    for (const image of order.images) {
      check.check(
        this.images.get(image.name) === image,
        'order-of-images-member',
        `order_of_images lists ${JSON.stringify(image.name)}, which is not an image of this Images`,
      );
    }
  }
}
