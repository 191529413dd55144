/**
 * TimeSeries: data over time, timed by a rate or by timestamps (nwb.base.yaml). Its data and its
 * timestamps may instead be another series' (PyNWB passes the series), which is stored as a link.
 */
import type { DatasetLayout } from '../storage/backend.js';
import { isNumericDType } from '../storage/dtype.js';
import type { NdArray } from '../storage/values.js';
import { ndarray } from '../storage/values.js';
import type { DatasetValue } from '../tree/nodes.js';
import type { DataInput } from './data.js';
import { formatShape, isInMemory, toDatasetValue } from './data.js';
import type { NWBObjectOptions } from './nwb-object.js';
import { NWBObject, isNWBType } from './nwb-object.js';
import type { ModelContext, RuleChecker } from './validation.js';

/** How data change between samples (the `continuity` attribute of `data`). */
export type Continuity = 'continuous' | 'instantaneous' | 'step';

const CONTINUITIES: readonly string[] = ['continuous', 'instantaneous', 'step'];

/** Timestamps: seconds as numbers or an array, or another series whose timestamps to share (a link). */
export type TimestampsInput = readonly number[] | DataInput | TimeSeries;

/** Options of {@link TimeSeries}. */
export interface TimeSeriesOptions extends NWBObjectOptions {
  /** The samples, first axis time; or another series whose data to share (a link). */
  data: DataInput | TimeSeries;
  /** SI unit of the data after `conversion` and `offset`. */
  unit: string;
  /** Smallest meaningful difference in `unit`s (default -1.0, unknown). */
  resolution?: number;
  /** Factor from stored values to `unit` (default 1.0). */
  conversion?: number;
  /** Added after `conversion` (default 0.0). */
  offset?: number;
  /** Sample times in seconds. Give this or `rate`, not both. */
  timestamps?: TimestampsInput;
  /** Time of the first sample in seconds (default 0.0 when `rate` is given). */
  startingTime?: number;
  /** Sampling rate in Hz. Give this or `timestamps`, not both. */
  rate?: number;
  /** Default "no comments". */
  comments?: string;
  /** Default "no description". */
  description?: string;
  /** Per-sample control values (uint8), with `controlDescription` naming each value. */
  control?: DataInput;
  /** What each control value means, by value. */
  controlDescription?: readonly string[];
  /** How the data change between samples (the `continuity` attribute of data). */
  continuity?: Continuity;
  /** Chunking, compression and growth of `data` when written (like PyNWB's H5DataIO). */
  dataLayout?: DatasetLayout;
  /** Chunking, compression and growth of `timestamps` when written. */
  timestampsLayout?: DatasetLayout;
}

/** A time series (neurodata_type TimeSeries); base of the image series types. */
export class TimeSeries extends NWBObject {
  /** SI unit of the data after `conversion` and `offset`. */
  readonly unit: string;
  /** Smallest meaningful difference, in `unit`s (-1.0 when unknown). */
  readonly resolution: number;
  /** Factor from stored values to `unit`. */
  readonly conversion: number;
  /** Added after `conversion`. */
  readonly offset: number;
  /** Time of the first sample in seconds (with `rate`). */
  readonly startingTime: number | undefined;
  /** Sampling rate in Hz, when timed by rate. */
  readonly rate: number | undefined;
  /** Human-readable comments. */
  readonly comments: string;
  /** What the series holds. */
  readonly description: string;
  /** Per-sample control values. */
  readonly control: DatasetValue | undefined;
  /** What each control value means. */
  readonly controlDescription: readonly string[] | undefined;
  /** How the data change between samples. */
  readonly continuity: Continuity | undefined;
  /** Chunking and compression `data` is written with. */
  readonly dataLayout: DatasetLayout | undefined;
  /** Chunking and compression `timestamps` are written with. */
  readonly timestampsLayout: DatasetLayout | undefined;
  /** The series whose data this one shares (written as a link), if any. */
  readonly dataSource: TimeSeries | undefined;
  /** The series whose timestamps this one shares (written as a link), if any. */
  readonly timestampsSource: TimeSeries | undefined;
  readonly #data: DatasetValue | undefined;
  readonly #timestamps: DatasetValue | undefined;

  /**
   * Throws a ValidationError naming the rule broken (e.g. `rate-xor-timestamps`); handles and streams are
   * checked by shape only.
   */
  constructor(options: TimeSeriesOptions, context: ModelContext = {}) {
    super(options, context);
    if (isNWBType(options.data, TimeSeries)) this.dataSource = options.data;
    else this.#data = toDatasetValue(options.data, `${options.name}/data`);
    this.unit = options.unit;
    this.resolution = options.resolution ?? -1.0;
    this.conversion = options.conversion ?? 1.0;
    this.offset = options.offset ?? 0.0;
    this.rate = options.rate;
    this.startingTime = options.startingTime ?? (options.rate !== undefined ? 0.0 : undefined);
    this.comments = options.comments ?? 'no comments';
    this.description = options.description ?? 'no description';
    this.control =
      options.control === undefined ? undefined : toDatasetValue(options.control, `${options.name}/control`);
    this.controlDescription =
      options.controlDescription === undefined ? undefined : [...options.controlDescription];
    this.continuity = options.continuity;
    this.dataLayout = options.dataLayout;
    this.timestampsLayout = options.timestampsLayout;
    const ts = options.timestamps;
    if (isNWBType(ts, TimeSeries)) this.timestampsSource = ts;
    else if (ts !== undefined) this.#timestamps = timestampsValue(ts);
    if (new.target === TimeSeries) this.runChecks();
  }

  /** The NWB type this class writes, e.g. `TimeSeries`. */
  get neurodataType(): string {
    return 'TimeSeries';
  }

  /** The data: this series' own, or that of {@link dataSource}. */
  get data(): DatasetValue {
    return this.dataSource !== undefined ? this.dataSource.data : this.#data!;
  }

  /** The timestamps (own or those of {@link timestampsSource}), or undefined when timed by rate. */
  get timestamps(): DatasetValue | undefined {
    return this.timestampsSource !== undefined ? this.timestampsSource.timestamps : this.#timestamps;
  }

  /** Number of samples (the data's first axis). */
  get numSamples(): number {
    return this.data.shape[0] ?? 0;
  }

  /** True when the frames live outside `data` (ImageSeries with external files). */
  protected hasExternalFrames(): boolean {
    return false;
  }

  protected override checkRules(check: RuleChecker): void {
    super.checkRules(check);
    check.check(typeof this.unit === 'string', 'unit-required', 'unit is required');
    for (const [field, value] of [
      ['resolution', this.resolution],
      ['conversion', this.conversion],
      ['offset', this.offset],
    ] as const) {
      check.check(Number.isFinite(value), 'number', `${field} must be a finite number, got ${value}`);
    }
    const hasRate = this.rate !== undefined;
    const timestamps = this.timestamps;
    check.check(
      hasRate !== (timestamps !== undefined),
      'rate-xor-timestamps',
      hasRate ? 'give rate or timestamps, not both' : 'give either rate or timestamps',
    );
    if (this.rate !== undefined) {
      check.check(
        Number.isFinite(this.rate) && this.rate >= 0,
        'rate',
        `rate must be a non-negative number, got ${this.rate}`,
      );
    }
    if (this.startingTime !== undefined) {
      check.check(hasRate, 'starting-time-needs-rate', 'startingTime is only meaningful with rate');
      check.check(
        Number.isFinite(this.startingTime),
        'number',
        `startingTime must be finite, got ${this.startingTime}`,
      );
    }
    if (this.continuity !== undefined) {
      check.check(
        CONTINUITIES.includes(this.continuity),
        'continuity',
        `continuity must be one of ${CONTINUITIES.join(', ')}, got ${JSON.stringify(this.continuity)}`,
      );
    }
    const data = this.data;
    check.check(
      isNumericDType(data.dtype) || data.dtype === 'bool' || data.dtype === 'utf8' || data.dtype === 'ascii',
      'data-dtype',
      `data must be numeric, bool or text`,
    );
    check.check(data.shape.length >= 1, 'data-shape', 'data needs at least one axis (time)');
    if (timestamps !== undefined) {
      check.check(
        timestamps.shape.length === 1,
        'timestamps-shape',
        `timestamps must be 1-D, got shape ${formatShape(timestamps.shape)}`,
      );
      check.check(isNumericDType(timestamps.dtype), 'timestamps-dtype', 'timestamps must be numbers');
      if (!this.hasExternalFrames() && data.shape.length >= 1 && timestamps.shape.length === 1) {
        check.check(
          timestamps.shape[0] === data.shape[0],
          'timestamps-length',
          `${timestamps.shape[0]} timestamps for ${data.shape[0]} samples (data shape ${formatShape(data.shape)})`,
        );
      }
    }
    if (this.control !== undefined && this.control.shape.length === 1 && data.shape.length >= 1) {
      check.check(
        this.control.shape[0] === data.shape[0],
        'control-length',
        `${this.control.shape[0]} control values for ${data.shape[0]} samples`,
      );
    }
  }
}

/** Timestamps as stored: numbers in memory become float64, as PyNWB writes them. */
function timestampsValue(input: Exclude<TimestampsInput, TimeSeries>): DatasetValue {
  if (Array.isArray(input)) return ndarray('float64', [input.length], Float64Array.from(input as number[]));
  const value = toDatasetValue(input as DataInput);
  if (isInMemory(value) && isNumericDType(value.dtype) && value.dtype !== 'float64') {
    return ndarray(
      'float64',
      value.shape,
      Float64Array.from(value.data as ArrayLike<number | bigint>, (v) => Number(v)),
    );
  }
  return value as DatasetValue | NdArray;
}
