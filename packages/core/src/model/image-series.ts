/**
 * The image series types (nwb.image.yaml): ImageSeries (frames in `data` or in external files),
 * OpticalSeries (a stimulus shown to the subject) and IndexSeries (indices into stored images).
 */
import type { NdArray } from '../storage/values.js';
import { ndarray } from '../storage/values.js';
import { integerRange, isNumericDType } from '../storage/dtype.js';
import type { DataInput } from './data.js';
import { formatShape, isEmpty, isInMemory, isIntegerDType, numbersOf } from './data.js';
import type { Device } from './device.js';
import type { Images } from './images.js';
import type { TimeSeriesOptions } from './time-series.js';
import { TimeSeries } from './time-series.js';
import type { ModelContext, RuleChecker } from './validation.js';

/** Options of {@link ImageSeries}. */
export interface ImageSeriesOptions extends Omit<TimeSeriesOptions, 'data' | 'unit'> {
  /**
   * Frames, (frame, x, y) or (frame, x, y, z); omit (or give an empty array) when the frames are in
   * `externalFile`s, which stores an empty uint8 (0, 0, 0) array as PyNWB does.
   */
  data?: DataInput | TimeSeries;
  /** Required with data; "unknown" by default with external files. */
  unit?: string;
  /** Paths (relative to the NWB file) of files holding the frames. */
  externalFile?: readonly string[];
  /** Index of the first frame of each external file; `[0]` by default for one file. */
  startingFrame?: readonly number[];
  /** "raw" (default), "external" (set when external files are given) or another format name. */
  format?: string;
  /** Pixels on x, y (and z). */
  dimension?: readonly number[];
  /** The device that took the frames (must be one of the file's devices when written). */
  device?: Device;
}

const EMPTY_FRAMES = (): NdArray => ndarray('uint8', [0, 0, 0], new Uint8Array(0));

/** A series of images (neurodata_type ImageSeries). */
export class ImageSeries extends TimeSeries {
  /** Paths, relative to the NWB file, of files holding the frames. */
  readonly externalFile: readonly string[] | undefined;
  /** Index of the first frame of each external file. */
  readonly startingFrame: readonly number[] | undefined;
  /** How the frames are stored: "raw", "external", or a format name. */
  readonly format: string;
  /** Pixels on x, y (and z). */
  readonly dimension: readonly number[] | undefined;
  /** The device that took the frames (written as a link). */
  readonly device: Device | undefined;
  readonly #dataMissing: boolean;

  /**
   * Throws a ValidationError naming the rule broken (external files XOR data, format, starting frames,
   * shape).
   */
  constructor(options: ImageSeriesOptions, context: ModelContext = {}) {
    const external = options.externalFile !== undefined && options.externalFile.length > 0;
    super(
      {
        ...options,
        data: options.data ?? EMPTY_FRAMES(),
        unit:
          options.unit ??
          (external || options.data === undefined ? 'unknown' : (undefined as unknown as string)),
      },
      context,
    );
    this.#dataMissing = options.data === undefined && !external;
    this.externalFile = options.externalFile === undefined ? undefined : [...options.externalFile];
    this.startingFrame =
      options.startingFrame !== undefined
        ? [...options.startingFrame]
        : options.externalFile?.length === 1
          ? [0]
          : undefined;
    this.format = options.format ?? (external ? 'external' : 'raw');
    this.dimension = options.dimension === undefined ? undefined : [...options.dimension];
    this.device = options.device;
    if (new.target === ImageSeries) this.runChecks();
  }

  /** Always `ImageSeries` (subclasses override). */
  override get neurodataType(): string {
    return 'ImageSeries';
  }

  protected override hasExternalFrames(): boolean {
    return this.externalFile !== undefined && this.externalFile.length > 0;
  }

  /** The ranks of `data` this type allows (without external files), with the last axis' length. */
  protected allowedDataShapes(): ReadonlyArray<readonly [number, number | undefined]> {
    return [
      [3, undefined],
      [4, undefined],
    ];
  }

  protected override checkRules(check: RuleChecker): void {
    super.checkRules(check);
    const external = this.hasExternalFrames();
    const files = this.externalFile ?? [];
    check.check(!this.#dataMissing, 'external-file-xor-data', 'give data or externalFile');
    if (external) {
      check.check(
        isEmpty(this.data),
        'external-file-xor-data',
        `with external files data must be empty, got shape ${formatShape(this.data.shape)}`,
      );
      check.check(
        this.format === 'external',
        'external-format',
        `format must be "external" with external files, got ${JSON.stringify(this.format)}`,
      );
      check.check(
        files.every((f) => typeof f === 'string' && f !== ''),
        'external-file',
        'external file paths must be non-empty text',
      );
      if (this.startingFrame === undefined) {
        check.fail('starting-frame', `startingFrame is required with ${files.length} external files`);
      } else {
        check.check(
          this.startingFrame.length === files.length,
          'starting-frame',
          `startingFrame has ${this.startingFrame.length} entries for ${files.length} external files`,
        );
        check.check(
          this.startingFrame.every((f) => Number.isSafeInteger(f) && f >= 0),
          'starting-frame',
          'startingFrame entries must be non-negative integers',
        );
      }
    } else {
      check.check(this.format !== 'external', 'external-format', 'format "external" needs externalFile');
      if (!this.#dataMissing) {
        const shape = this.data.shape;
        const allowed = this.allowedDataShapes();
        const ok = allowed.some(
          ([rank, last]) => shape.length === rank && (last === undefined || shape[rank - 1] === last),
        );
        check.check(
          ok,
          'image-series-data-shape',
          `${this.neurodataType} data must be ${allowed
            .map(([rank, last]) =>
              rank === 3
                ? '(frame, x, y)'
                : last === undefined
                  ? '(frame, x, y, z)'
                  : `(frame, x, y, ${last})`,
            )
            .join(' or ')}, got shape ${formatShape(shape)}`,
        );
      }
    }
    if (this.dimension !== undefined) {
      check.check(
        this.dimension.every((d) => Number.isSafeInteger(d) && d >= 0),
        'dimension',
        'dimension entries must be non-negative integers',
      );
    }
  }
}

/** Options of {@link OpticalSeries}. */
export interface OpticalSeriesOptions extends ImageSeriesOptions {
  /** Distance from the camera or monitor to the target, in metres. */
  distance: number;
  /** Width, height (and depth) of the image, in metres: 2 or 3 numbers. */
  fieldOfView: readonly number[];
  /** Which corner is (0, 0), e.g. "lower left". */
  orientation: string;
}

/** Images shown to the subject (neurodata_type OpticalSeries): (frame, x, y) or (frame, x, y, 3). */
export class OpticalSeries extends ImageSeries {
  /** Distance from the camera or monitor to the target, in metres. */
  readonly distance: number;
  /** Width, height (and depth) of the image, in metres. */
  readonly fieldOfView: readonly number[];
  /** Which corner is (0, 0), e.g. "lower left". */
  readonly orientation: string;

  /**
   * Throws a ValidationError for ImageSeries' rules, a missing distance or orientation, or a field of view
   * not of 2 or 3 numbers.
   */
  constructor(options: OpticalSeriesOptions, context: ModelContext = {}) {
    super(options, context);
    this.distance = options.distance;
    this.fieldOfView =
      options.fieldOfView === undefined ? (undefined as unknown as number[]) : [...options.fieldOfView];
    this.orientation = options.orientation;
    if (new.target === OpticalSeries) this.runChecks();
  }

  /** Always `OpticalSeries`. */
  override get neurodataType(): string {
    return 'OpticalSeries';
  }

  protected override allowedDataShapes(): ReadonlyArray<readonly [number, number | undefined]> {
    return [
      [3, undefined],
      [4, 3],
    ];
  }

  protected override checkRules(check: RuleChecker): void {
    super.checkRules(check);
    check.check(
      typeof this.distance === 'number' && Number.isFinite(this.distance),
      'optical-series-distance',
      'distance (a number, metres) is required',
    );
    check.check(
      typeof this.orientation === 'string',
      'optical-series-orientation',
      'orientation is required',
    );
    const fov = this.fieldOfView;
    check.check(
      Array.isArray(fov) && (fov.length === 2 || fov.length === 3) && fov.every((v) => Number.isFinite(v)),
      'field-of-view',
      `fieldOfView must hold 2 or 3 numbers, got ${Array.isArray(fov) ? `[${fov.join(', ')}]` : String(fov)}`,
    );
  }
}

/** Options of {@link IndexSeries}. */
export interface IndexSeriesOptions extends Omit<TimeSeriesOptions, 'data' | 'unit'> {
  /** Zero-based indices (any integer array; stored as uint32). */
  data: DataInput | TimeSeries;
  /** The Images (with order_of_images) the indices point into. */
  indexedImages?: Images;
  /** Discouraged since NWB 2.5: an ImageSeries whose frames the indices point into. */
  indexedTimeseries?: ImageSeries;
}

const UINT32_MAX = Number(integerRange('uint32')![1]);

/** Indices into stored images over time (neurodata_type IndexSeries); data unit is fixed "N/A". */
export class IndexSeries extends TimeSeries {
  /** The Images the indices point into (written as a link). */
  readonly indexedImages: Images | undefined;
  /** The legacy target: an ImageSeries whose frames the indices point into. */
  readonly indexedTimeseries: ImageSeries | undefined;

  /** Throws a ValidationError without a target, or for indices that are not 1-D integers in uint32 range. */
  constructor(options: IndexSeriesOptions, context: ModelContext = {}) {
    super({ ...options, unit: 'N/A' }, context);
    this.indexedImages = options.indexedImages;
    this.indexedTimeseries = options.indexedTimeseries;
    if (new.target === IndexSeries) this.runChecks();
  }

  /** Always `IndexSeries`. */
  override get neurodataType(): string {
    return 'IndexSeries';
  }

  protected override checkRules(check: RuleChecker): void {
    super.checkRules(check);
    check.check(
      this.indexedImages !== undefined || this.indexedTimeseries !== undefined,
      'index-series-target',
      'give indexedImages (an Images) or indexedTimeseries (an ImageSeries)',
    );
    const data = this.data;
    check.check(
      data.shape.length === 1,
      'index-series-data-shape',
      `data must be 1-D, got shape ${formatShape(data.shape)}`,
    );
    const integer = isIntegerDType(data.dtype);
    check.check(
      integer,
      'index-series-dtype',
      `indices must be integers, got ${isNumericDType(data.dtype) ? data.dtype : String(data.dtype)}`,
    );
    if (!integer || !isInMemory(data)) return;
    const values = numbersOf(data);
    const bad = values.find((v) => v < 0 || v > UINT32_MAX);
    check.check(bad === undefined, 'index-series-values', `indices must be in [0, 2^32), found ${bad}`);
    const images = this.indexedImages;
    if (images !== undefined) {
      const count = images.orderOfImages?.images.length ?? images.images.size;
      const outside = values.find((v) => v >= count);
      check.check(
        outside === undefined,
        'index-series-range',
        `index ${outside} is past the ${count} images of ${JSON.stringify(images.name)}`,
      );
    }
  }
}
