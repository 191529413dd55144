/**
 * Walking a file with two readers at once and asserting they agree on every path: stat, list,
 * group identity, attributes, and the data of every dataset (whole up to a size, else a slab of
 * the first and last rows). Paths where the second reader raises an UnsupportedError are collected
 * (the caller lists the ones it expects); any other difference fails.
 */
import type { NdArray, StorageReader } from '@nwbjs/core';
import { UnsupportedError, shapeSize } from '@nwbjs/core';
import type { Hyperslab } from '@nwbjs/core/backend';
import { joinPath, wholeHyperslab } from '@nwbjs/core/backend';
import { expect } from 'vitest';

/** Datasets with more elements than this are compared by slabs. */
const WHOLE_LIMIT = 1 << 20;

/** What a walk found. */
export interface Comparison {
  /** Paths compared. */
  paths: number;
  /** `path: feature` of each UnsupportedError the second reader raised. */
  unsupported: string[];
}

/** Compares `actual` with `expected` over the whole tree. */
export async function compareReaders(
  expected: StorageReader,
  actual: StorageReader,
  label: string,
): Promise<Comparison> {
  const result: Comparison = { paths: 0, unsupported: [] };
  const seen = new Set<string>();
  const visit = async (path: string): Promise<void> => {
    result.paths++;
    const where = `${label}:${path}`;
    const info = await attempt(result, path, () => actual.stat(path));
    const wanted = await expected.stat(path);
    if (info === UNSUPPORTED) return;
    expect(info, where).toEqual(wanted);
    if (wanted === undefined || wanted.kind === 'link') return;
    const attrs = await attempt(result, path, () => actual.readAttributes(path));
    if (attrs !== UNSUPPORTED)
      expect(attrs, `${where} attributes`).toEqual(await expected.readAttributes(path));
    if (wanted.kind === 'group') {
      const identity = await expected.groupIdentity!(path);
      expect(await actual.groupIdentity!(path), `${where} identity`).toBe(identity);
      if (seen.has(identity!)) return;
      seen.add(identity!);
      const names = await actual.list(path);
      expect(names, `${where} list`).toEqual(await expected.list(path));
      for (const name of names) await visit(joinPath(path, name));
      return;
    }
    for (const slab of slabsOf(wanted.shape)) {
      const data = await attempt(result, path, () => actual.readData(path, slab));
      if (data === UNSUPPORTED) return;
      expectSameArray(data, await expected.readData(path, slab), `${where} ${JSON.stringify(slab.start)}`);
    }
  };
  await visit('/');
  return result;
}

const UNSUPPORTED = Symbol('unsupported');

async function attempt<T>(
  result: Comparison,
  path: string,
  fn: () => Promise<T>,
): Promise<T | typeof UNSUPPORTED> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof UnsupportedError)) throw error;
    expect(error.path, 'an UnsupportedError names the object').toMatch(new RegExp(`^${escape(path)}`));
    const entry = `${path}: ${error.feature ?? ''}`;
    if (!result.unsupported.includes(entry)) result.unsupported.push(entry);
    return UNSUPPORTED;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The whole dataset, or for a big one the first and the last rows, and every 7th row of the middle. */
function slabsOf(shape: readonly number[]): Hyperslab[] {
  if (shapeSize(shape) <= WHOLE_LIMIT || shape.length === 0) return [wholeHyperslab(shape)];
  const rowSize = shapeSize(shape.slice(1));
  const rows = Math.max(1, Math.min(shape[0]!, Math.floor(WHOLE_LIMIT / 4 / Math.max(1, rowSize))));
  const rest = shape.slice(1);
  const dropped = shape.map(() => false);
  const first: Hyperslab = {
    start: [0, ...rest.map(() => 0)],
    count: [rows, ...rest],
    step: shape.map(() => 1),
    dropped,
  };
  const last: Hyperslab = { ...first, start: [shape[0]! - rows, ...rest.map(() => 0)] };
  const spread = Math.max(1, Math.floor(shape[0]! / rows));
  const strided: Hyperslab = {
    start: shape.map(() => 0),
    count: [Math.ceil(shape[0]! / spread), ...rest.map((n) => Math.ceil(n / 3))],
    step: [spread, ...rest.map(() => 3)],
    dropped,
  };
  return [first, last, strided];
}

function expectSameArray(actual: NdArray, expected: NdArray, where: string): void {
  expect(actual.dtype, where).toEqual(expected.dtype);
  expect(actual.shape, where).toEqual(expected.shape);
  expect(actual.textLength, where).toBe(expected.textLength);
  expect(actual.data.constructor, where).toBe(expected.data.constructor);
  expect(actual.data, where).toEqual(expected.data);
}
