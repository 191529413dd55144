/**
 * Test helper: two readers of the same NWB file compared object by object: kinds, link targets,
 * dataset dtypes and shapes, attributes (by value: JSON keeps only "integer" and "float", so an
 * attribute's width is not compared), and every dataset's whole content.
 */
import type { NdArray, StorageReader } from '@nwbjs/core';
import { formatDType, isNumericDType } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import { expect } from 'vitest';

/** Comparable values: numbers, NaN and bigints spelled alike, references by path, rows field by field. */
function value(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  if (typeof v === 'object' && v !== null) {
    if ('path' in v) return { path: (v as { path: string }).path };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)]));
  }
  return v;
}

function plain(array: NdArray): unknown {
  return Array.from(array.data as ArrayLike<unknown>, value);
}

function attributeKind(array: NdArray): string {
  if (isNumericDType(array.dtype)) return array.dtype.startsWith('float') ? 'float' : 'int';
  return array.dtype === 'ascii' ? 'utf8' : formatDType(array.dtype);
}

/** Asserts that `actual` holds what `expected` holds, under `path`; returns the datasets compared. */
export async function expectSameTree(
  expected: StorageReader,
  actual: StorageReader,
  path = '/',
  options: { data?: boolean; attributeKinds?: boolean } = {},
): Promise<number> {
  const info = await expected.stat(path);
  const got = await actual.stat(path);
  expect(got?.kind, path).toBe(info?.kind);
  if (info === undefined || got === undefined) return 0;
  if (info.kind === 'link') {
    expect(got.kind === 'link' && got.target, path).toBe(info.target);
    return 0;
  }
  const attrs = await expected.readAttributes(path);
  const gotAttrs = await actual.readAttributes(path);
  expect(Object.keys(gotAttrs).sort(), `${path} attribute names`).toEqual(Object.keys(attrs).sort());
  for (const [name, value] of Object.entries(attrs)) {
    const other = gotAttrs[name]!;
    if (options.attributeKinds !== false)
      expect(attributeKind(other), `${path} @${name} kind`).toBe(attributeKind(value));
    expect(other.shape, `${path} @${name} shape`).toEqual(value.shape);
    expect(plain(other), `${path} @${name}`).toEqual(plain(value));
  }
  if (info.kind === 'dataset') {
    if (got.kind !== 'dataset') return 0;
    expect(formatDType(got.dtype), `${path} dtype`).toBe(formatDType(info.dtype));
    expect(got.shape, `${path} shape`).toEqual(info.shape);
    if (options.data === false) return 1;
    const a = await expected.readData(path, wholeHyperslab(info.shape));
    const b = await actual.readData(path, wholeHyperslab(info.shape));
    expect(b.shape, `${path} data shape`).toEqual(a.shape);
    expect(b.textLength, `${path} textLength`).toBe(a.textLength);
    expect(plain(b), `${path} data`).toEqual(plain(a));
    return 1;
  }
  const names = await expected.list(path);
  expect(await actual.list(path), `${path} children`).toEqual(names);
  let count = 0;
  for (const name of names)
    count += await expectSameTree(expected, actual, path === '/' ? `/${name}` : `${path}/${name}`, options);
  return count;
}
