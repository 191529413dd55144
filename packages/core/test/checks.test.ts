/** The checks every backend and writeTree make: one error, naming the path and the rule, per input. */
import { describe, expect, it } from 'vitest';
import { ValidationError, ndarray, slice } from '../src/index.js';
import {
  checkArrayData,
  checkBlock,
  checkDefinition,
  checkResize,
  checkSelection,
  checkWholeData,
  toHyperslab,
} from '../src/backend.js';
import type { NdArray } from '../src/index.js';

/** The rule of the ValidationError `fn` throws, after checking it names `/d`. */
function ruleOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).path).toBe('/d');
    return (error as ValidationError).rule;
  }
  throw new Error('nothing was thrown');
}

const ints = (shape: number[]): NdArray =>
  ndarray('int32', shape, new Int32Array(shape.reduce((a, b) => a * b, 1)));

describe('checkDefinition', () => {
  it('accepts a plain, a chunked and a growable definition', () => {
    checkDefinition('/d', { dtype: 'int32', shape: [] });
    checkDefinition('/d', { dtype: 'int32', shape: [0, 3], chunks: [4, 3], maxShape: [null, 3] });
  });

  it('refuses bad shapes, chunks and maxShapes', () => {
    expect(ruleOf(() => checkDefinition('/d', { dtype: 'int32', shape: [-1] }))).toBe('dataset-shape');
    expect(ruleOf(() => checkDefinition('/d', { dtype: 'int32', shape: [1.5] }))).toBe('dataset-shape');
    expect(ruleOf(() => checkDefinition('/d', { dtype: 'int32', shape: [], chunks: [1] }))).toBe(
      'dataset-layout',
    );
    expect(ruleOf(() => checkDefinition('/d', { dtype: 'int32', shape: [4], chunks: [0] }))).toBe(
      'dataset-layout',
    );
    expect(ruleOf(() => checkDefinition('/d', { dtype: 'int32', shape: [4, 2], chunks: [4] }))).toBe(
      'dataset-layout',
    );
    expect(ruleOf(() => checkDefinition('/d', { dtype: 'int32', shape: [4], maxShape: [3] }))).toBe(
      'dataset-layout',
    );
  });
});

describe('checkWholeData and checkArrayData', () => {
  it('refuses another dtype, another shape, or storage that does not suit', () => {
    const dataset = { dtype: 'int32' as const, shape: [2, 2] };
    checkWholeData('/d', dataset, ints([2, 2]));
    expect(ruleOf(() => checkWholeData('/d', dataset, ndarray('int16', [2, 2], new Int16Array(4))))).toBe(
      'dataset-dtype',
    );
    expect(ruleOf(() => checkWholeData('/d', dataset, ints([4])))).toBe('dataset-shape');
    const short = { dtype: 'int32' as const, shape: [2, 2], data: new Int32Array(3) };
    expect(ruleOf(() => checkWholeData('/d', dataset, short))).toBe('dataset-data');
    const wrongKind = { dtype: 'int32' as const, shape: [2], data: new Float32Array(2) };
    expect(ruleOf(() => checkArrayData('/d', wrongKind as unknown as NdArray))).toBe('dataset-data');
  });
});

describe('checkBlock', () => {
  const dataset = { dtype: 'int32' as const, shape: [4, 3] };

  it('accepts blocks inside the shape, empty ones at the end included', () => {
    checkBlock('/d', dataset, [0, 0], ints([4, 3]));
    checkBlock('/d', dataset, [3, 1], ints([1, 2]));
    checkBlock('/d', dataset, [4, 0], ints([0, 3]));
  });

  it('refuses blocks of another rank or reaching outside the shape', () => {
    expect(ruleOf(() => checkBlock('/d', dataset, [0], ints([4, 3])))).toBe('block-bounds');
    expect(ruleOf(() => checkBlock('/d', dataset, [0, 0], ints([12])))).toBe('block-bounds');
    expect(ruleOf(() => checkBlock('/d', dataset, [3, 0], ints([2, 3])))).toBe('block-bounds');
    expect(ruleOf(() => checkBlock('/d', dataset, [-1, 0], ints([1, 3])))).toBe('block-bounds');
    expect(ruleOf(() => checkBlock('/d', dataset, [0.5, 0], ints([1, 3])))).toBe('block-bounds');
    expect(
      ruleOf(() => checkBlock('/d', dataset, [0, 0], ndarray('float32', [1, 3], new Float32Array(3)))),
    ).toBe('dataset-dtype');
  });
});

describe('checkSelection', () => {
  it('accepts what toHyperslab makes, empty selections included', () => {
    checkSelection('/d', [10, 4], toHyperslab([10, 4], [slice(1, 9, 3), 2]));
    checkSelection('/d', [10, 4], toHyperslab([10, 4], [slice(10, 10)]));
    checkSelection('/d', [], toHyperslab([], []));
  });

  it('refuses another rank, a bad step or an index outside the shape', () => {
    const slab = (start: number[], count: number[], step: number[]) => ({
      start,
      count,
      step,
      dropped: start.map(() => false),
    });
    expect(ruleOf(() => checkSelection('/d', [10, 4], slab([0], [1], [1])))).toBe('selection-bounds');
    expect(ruleOf(() => checkSelection('/d', [10], slab([0], [2], [0])))).toBe('selection-bounds');
    expect(ruleOf(() => checkSelection('/d', [10], slab([8], [2], [2])))).toBe('selection-bounds');
    expect(ruleOf(() => checkSelection('/d', [10], slab([-1], [1], [1])))).toBe('selection-bounds');
  });
});

describe('checkResize', () => {
  it('resizes a chunked dataset within its maxShape; one without keeps its shape', () => {
    checkResize('/d', { shape: [4, 2], chunks: [2, 2], maxShape: [null, 2] }, [100, 2]);
    checkResize('/d', { shape: [4, 2], chunks: [2, 2] }, [3, 2]);
  });

  it('refuses unchunked datasets, another rank, and shapes beyond maxShape', () => {
    expect(ruleOf(() => checkResize('/d', { shape: [4] }, [5]))).toBe('dataset-layout');
    const grow = { shape: [4, 2], chunks: [2, 2], maxShape: [null, 2] };
    expect(ruleOf(() => checkResize('/d', grow, [5]))).toBe('resize-bounds');
    expect(ruleOf(() => checkResize('/d', grow, [5, 3]))).toBe('resize-bounds');
    expect(ruleOf(() => checkResize('/d', grow, [-1, 2]))).toBe('resize-bounds');
    expect(ruleOf(() => checkResize('/d', { shape: [4], chunks: [2] }, [5]))).toBe('resize-bounds');
  });
});
