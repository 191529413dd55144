/**
 * The checks every writer and reader of the storage interface makes before it touches storage: a
 * dataset's definition, data given whole or as a block, a new shape, and a selection to read. They are decided
 * here once, so that both backends (and writeTree) refuse the same input with the same error: a
 * ValidationError naming the object's path and the rule broken.
 */
import { ValidationError } from '../errors.js';
import type { DatasetDefinition } from './backend.js';
import type { DType } from './dtype.js';
import { formatDType, sameDType } from './dtype.js';
import type { Hyperslab } from './selection.js';
import type { NdArray } from './values.js';
import { ndarray } from './values.js';

/** What the checks need to know of a dataset: its element type and current shape. */
export interface DatasetExtent {
  readonly dtype: DType;
  readonly shape: readonly number[];
}

const list = (values: readonly unknown[]) => `[${values.join(', ')}]`;

/**
 * Checks a definition before a dataset is created: a shape of whole non-negative extents, a chunk
 * shape (if any) of one positive extent per axis, a maxShape (if any) of one axis per axis and no
 * smaller than the shape. Rules `dataset-shape` and `dataset-layout`.
 */
export function checkDefinition(path: string, definition: DatasetDefinition): void {
  const { shape, chunks, maxShape } = definition;
  const rank = shape.length;
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ValidationError(`invalid shape ${list(shape)}`, { path, rule: 'dataset-shape' });
  }
  const layout = (message: string) => new ValidationError(message, { path, rule: 'dataset-layout' });
  if (chunks !== undefined) {
    if (rank === 0) throw layout('a scalar dataset cannot be chunked');
    if (chunks.length !== rank || !chunks.every((c) => Number.isSafeInteger(c) && c > 0)) {
      throw layout(`chunk shape ${list(chunks)} does not suit shape ${list(shape)}`);
    }
  }
  if (maxShape !== undefined && rank > 0) {
    const fits =
      maxShape.length === rank &&
      maxShape.every((m, axis) => m === null || (Number.isSafeInteger(m) && m >= shape[axis]!));
    if (!fits) throw layout(`maxShape ${list(maxShape)} does not fit shape ${list(shape)}`);
  }
}

/**
 * Checks that an array's storage suits its own dtype and shape (a typed array of the right kind
 * and length, text as strings, references as references). Rule `dataset-data`.
 */
export function checkArrayData(path: string, array: NdArray): NdArray {
  try {
    ndarray(array.dtype, array.shape, array.data);
  } catch (error) {
    throw new ValidationError((error as Error).message, { path, cause: error, rule: 'dataset-data' });
  }
  return array;
}

/**
 * Checks data given whole to a dataset: the dataset's dtype (rule `dataset-dtype`), its shape
 * (rule `dataset-shape`) and storage that suits both (rule `dataset-data`).
 */
export function checkWholeData(path: string, dataset: DatasetExtent, data: NdArray): NdArray {
  checkDType(path, dataset, data);
  if (!sameShape(data.shape, dataset.shape)) {
    throw new ValidationError(`data has shape ${list(data.shape)}, the dataset ${list(dataset.shape)}`, {
      path,
      rule: 'dataset-shape',
    });
  }
  return checkArrayData(path, data);
}

/**
 * Checks a block to be written with its first element at `start`: the dataset's dtype (rule
 * `dataset-dtype`), inside the dataset's current shape along every axis (rule `block-bounds`), and
 * storage that suits it (rule `dataset-data`).
 */
export function checkBlock(
  path: string,
  dataset: DatasetExtent,
  start: readonly number[],
  data: NdArray,
): NdArray {
  checkDType(path, dataset, data);
  const rank = dataset.shape.length;
  const fits =
    start.length === rank &&
    data.shape.length === rank &&
    dataset.shape.every((d, axis) => {
      const s = start[axis]!;
      return Number.isSafeInteger(s) && s >= 0 && s + data.shape[axis]! <= d;
    });
  if (!fits) {
    throw new ValidationError(
      `a block of shape ${list(data.shape)} at ${list(start)} does not fit shape ${list(dataset.shape)}`,
      { path, rule: 'block-bounds' },
    );
  }
  return checkArrayData(path, data);
}

/**
 * Checks a selection against a dataset's shape: one start, count and step per axis, steps of at
 * least 1, and every selected index inside the axis. Rule `selection-bounds`.
 */
export function checkSelection(path: string, shape: readonly number[], slab: Hyperslab): void {
  const rank = shape.length;
  const fits =
    slab.start.length === rank &&
    slab.count.length === rank &&
    slab.step.length === rank &&
    shape.every((d, axis) => {
      const start = slab.start[axis]!;
      const count = slab.count[axis]!;
      const step = slab.step[axis]!;
      if (!Number.isSafeInteger(count) || count < 0) return false;
      if (!Number.isSafeInteger(step) || step < 1) return false;
      return count === 0 || (Number.isSafeInteger(start) && start >= 0 && start + (count - 1) * step < d);
    });
  if (!fits) {
    throw new ValidationError(
      `selection start ${list(slab.start)} count ${list(slab.count)} step ${list(slab.step)} ` +
        `does not fit shape ${list(shape)}`,
      { path, rule: 'selection-bounds' },
    );
  }
}

/**
 * Checks a new shape for a dataset: it must be chunked (rule `dataset-layout`), and the shape of
 * the same rank, whole non-negative extents, within its maxShape; a dataset without a maxShape
 * keeps its shape (rule `resize-bounds`).
 */
export function checkResize(
  path: string,
  dataset: {
    readonly shape: readonly number[];
    readonly chunks?: readonly number[];
    readonly maxShape?: readonly (number | null)[];
  },
  shape: readonly number[],
): void {
  if (dataset.chunks === undefined) {
    throw new ValidationError('only a chunked dataset can be resized', { path, rule: 'dataset-layout' });
  }
  const max = dataset.maxShape ?? dataset.shape;
  const fits =
    shape.length === dataset.shape.length &&
    shape.every((d, axis) => Number.isSafeInteger(d) && d >= 0 && (max[axis] === null || d <= max[axis]!));
  if (!fits) {
    throw new ValidationError(`shape ${list(shape)} is not within maxShape ${list(max.map(String))}`, {
      path,
      rule: 'resize-bounds',
    });
  }
}

function checkDType(path: string, dataset: DatasetExtent, data: NdArray): void {
  if (!sameDType(data.dtype, dataset.dtype)) {
    throw new ValidationError(
      `data has dtype ${formatDType(data.dtype)}, the dataset ${formatDType(dataset.dtype)}`,
      { path, rule: 'dataset-dtype' },
    );
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
