/**
 * Selections of part of a dataset, numpy style: per axis an index, a slice, or everything.
 * Backends only ever see the normalized form, a {@link Hyperslab}.
 */
import { ValidationError } from '../errors.js';

/** A slice along one axis; `start` defaults to 0, `stop` to the axis length, `step` to 1. */
export interface Slice {
  /** First index (negative counts from the end). */
  start?: number;
  /** One past the last index (negative counts from the end). */
  stop?: number;
  /** Stride, a positive integer. */
  step?: number;
}

/**
 * One axis of a user selection: a number picks one index (negative counts from the end) and drops
 * the axis from the result, a {@link Slice} keeps it, `null` takes the whole axis.
 */
export type AxisSelection = number | Slice | null;

/** A selection over the leading axes of a dataset; missing trailing axes are taken whole. */
export type Selection = readonly AxisSelection[];

/**
 * A normalized selection: per axis `start`, `count` and a positive `step`, all within bounds,
 * plus which axes were picked by a single index (and so are dropped from the result's shape).
 */
export interface Hyperslab {
  /** First index per axis. */
  readonly start: readonly number[];
  /** Number of elements per axis. */
  readonly count: readonly number[];
  /** Stride per axis (at least 1). */
  readonly step: readonly number[];
  /** Axes picked by a single index, left out of the result shape. */
  readonly dropped: readonly boolean[];
}

/** Creates a slice, like Python's `slice(start, stop, step)`. */
export function slice(start?: number, stop?: number, step?: number): Slice {
  return { start, stop, step };
}

/** Normalizes a selection against a shape, throwing a ValidationError (rule `selection`) for out-of-bounds indices. */
export function toHyperslab(shape: readonly number[], selection: Selection = []): Hyperslab {
  if (selection.length > shape.length) {
    throw new ValidationError(`selection has ${selection.length} axes, dataset has ${shape.length}`, {
      rule: 'selection',
    });
  }
  const start: number[] = [];
  const count: number[] = [];
  const step: number[] = [];
  const dropped: boolean[] = [];
  shape.forEach((length, axis) => {
    const sel = selection[axis] ?? null;
    if (typeof sel === 'number') {
      if (!Number.isInteger(sel) || sel < -length || sel >= length) {
        throw new ValidationError(`index ${sel} is out of bounds for axis ${axis} of length ${length}`, {
          rule: 'selection',
        });
      }
      start.push(sel < 0 ? sel + length : sel);
      count.push(1);
      step.push(1);
      dropped.push(true);
      return;
    }
    const s = sel ?? {};
    const st = s.step ?? 1;
    if (!Number.isInteger(st) || st <= 0)
      throw new ValidationError(`step must be a positive integer, got ${st}`, { rule: 'selection' });
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + length : v, 0), length);
    const a = clamp(s.start ?? 0);
    const b = clamp(s.stop ?? length);
    start.push(a);
    count.push(b > a ? Math.ceil((b - a) / st) : 0);
    step.push(st);
    dropped.push(false);
  });
  return { start, count, step, dropped };
}

/** The hyperslab covering a whole dataset. */
export function wholeHyperslab(shape: readonly number[]): Hyperslab {
  return {
    start: shape.map(() => 0),
    count: [...shape],
    step: shape.map(() => 1),
    dropped: shape.map(() => false),
  };
}

/** The shape of the array a hyperslab reads: its counts, less the dropped axes. */
export function hyperslabShape(slab: Hyperslab): number[] {
  return slab.count.filter((_, axis) => !slab.dropped[axis]);
}
