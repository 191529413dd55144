/**
 * Walking a file with two readers at once and asserting they agree on every path: stat, list,
 * group identity, attributes, and the data of every dataset (whole up to a size, else the first
 * and last rows and a strided slab). Where the second reader raises an UnsupportedError the path
 * is collected (callers list the ones they expect); where the first (h5wasm) fails, the second
 * must fail too; any other difference fails the test.
 */
import type { NdArray, StorageReader } from '@nwbjs/core';
import { UnsupportedError, isNWBError, shapeSize } from '@nwbjs/core';
import type { Hyperslab } from '@nwbjs/core/backend';
import { joinPath, wholeHyperslab } from '@nwbjs/core/backend';
import { expect } from 'vitest';

/** Datasets with more elements than this are compared by slabs. */
const WHOLE_LIMIT = 1 << 20;

/** What a walk found. */
export interface Comparison {
  /** Paths compared. */
  paths: number;
  /** `path: feature` of each UnsupportedError the second reader raised where the first read. */
  unsupported: string[];
  /** `path: what` where both readers refused (h5wasm cannot read it either). */
  bothRefused: string[];
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Compares `actual` with `expected` over the whole tree. */
export async function compareReaders(
  expected: StorageReader,
  actual: StorageReader,
  label: string,
): Promise<Comparison> {
  const result: Comparison = { paths: 0, unsupported: [], bothRefused: [] };
  const seen = new Set<string>();

  /** Both answers, or undefined when either refused (and that refusal is accounted for). */
  const agree = async <T>(path: string, what: string, read: (r: StorageReader) => Promise<T>) => {
    const [want, got] = [await settle(() => read(expected)), await settle(() => read(actual))];
    if (!want.ok) {
      expect(got.ok, `${label}:${path} ${what}: h5wasm fails, the format reader must too`).toBe(false);
      expect(isNWBError(got.ok ? undefined : got.error), `${label}:${path} ${what}`).toBe(true);
      result.bothRefused.push(`${path}: ${what}`);
      return undefined;
    }
    if (!got.ok) {
      if (!(got.error instanceof UnsupportedError)) throw got.error;
      expect(got.error.path, 'an UnsupportedError names the object').toMatch(new RegExp(`^${escape(path)}`));
      const entry = `${path}: ${got.error.feature ?? ''}`;
      if (!result.unsupported.includes(entry)) result.unsupported.push(entry);
      return undefined;
    }
    return { want: want.value, got: got.value };
  };

  const visit = async (path: string): Promise<void> => {
    result.paths++;
    const where = `${label}:${path}`;
    const info = await agree(path, 'stat', (r) => r.stat(path));
    if (info === undefined) return;
    expect(info.got, where).toEqual(info.want);
    const node = info.want;
    if (node === undefined || node.kind === 'link') return;
    const attrs = await agree(path, 'attributes', (r) => r.readAttributes(path));
    if (attrs !== undefined) expect(attrs.got, `${where} attributes`).toEqual(attrs.want);
    if (node.kind === 'group') {
      const identity = await expected.groupIdentity!(path);
      expect(await actual.groupIdentity!(path), `${where} identity`).toBe(identity);
      if (seen.has(identity!)) return;
      seen.add(identity!);
      const names = await actual.list(path);
      expect(names, `${where} list`).toEqual(await expected.list(path));
      for (const name of names) await visit(joinPath(path, name));
      return;
    }
    for (const slab of slabsOf(node.shape)) {
      const data = await agree(path, 'data', (r) => r.readData(path, slab));
      if (data === undefined) return;
      expectSameArray(data.got, data.want, `${where} ${JSON.stringify(slab.start)}`);
    }
  };
  await visit('/');
  return result;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The whole dataset, or for a big one the first and the last rows, and a strided slab. */
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
