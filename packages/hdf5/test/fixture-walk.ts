/**
 * Checking a store against a fixture description (NAME.nwb.json, see fixtures/FIXTURES.md). The
 * descriptions name fields the way PyNWB reads them; `locate` maps each name to where it lives on
 * disk (a dataset, an attribute of the object, of its `data`, `timestamps`, ...).
 */
import type { NdArray, StorageReader } from '@nwbjs/core';
import type { NodeInfo } from '@nwbjs/core/backend';
import { wholeHyperslab } from '@nwbjs/core/backend';
import { expect } from 'vitest';
import { sha256Of } from './helpers.js';

interface ArrayField {
  dtype: string;
  shape: number[];
  sha256: string;
  values?: unknown[];
  $link?: string;
}
interface FixtureObject {
  path: string;
  namespace?: string;
  neurodata_type?: string;
  fields: Record<string, unknown>;
}
/** A fixture description. */
export interface FixtureDescription {
  file: Record<string, unknown>;
  objects: Record<string, FixtureObject>;
}

/** Fields PyNWB computes rather than reads (nothing on disk to compare). */
const COMPUTED = new Set(['timestamp_link']);

/** Attributes PyNWB exposes under another name: field -> [relative dataset, attribute]. */
const RENAMED: Record<string, [string, string]> = {
  rate: ['starting_time', 'rate'],
  starting_time_unit: ['starting_time', 'unit'],
  timestamps_unit: ['timestamps', 'unit'],
  interval: ['timestamps', 'interval'],
  starting_frame: ['external_file', 'starting_frame'],
};

/** Checks every object of `description` against `reader`; returns how many fields were checked. */
export async function checkFixture(reader: StorageReader, description: FixtureDescription): Promise<number> {
  let checked = 0;
  for (const object of Object.values(description.objects)) checked += await checkObject(reader, object);
  checked += await checkFileMetadata(reader, description.file);
  return checked;
}

async function checkObject(reader: StorageReader, object: FixtureObject): Promise<number> {
  const path = object.path;
  const info = await reader.stat(path);
  expect(info, path).toBeDefined();
  const attrs = await reader.readAttributes(path);
  if (object.neurodata_type !== undefined)
    expect(text(attrs['neurodata_type']), path).toBe(object.neurodata_type);
  if (object.namespace !== undefined) expect(text(attrs['namespace']), path).toBe(object.namespace);
  let checked = 1;
  for (const [name, value] of Object.entries(object.fields)) {
    if (COMPUTED.has(name)) continue;
    const where = `${path}:${name}`;
    if (isObject(value)) {
      checked += await checkObject(reader, value);
    } else if (name === 'images' && typeof value === 'object' && value !== null) {
      for (const child of Object.values(value as Record<string, FixtureObject>)) {
        checked += await checkObject(reader, child);
      }
    } else if (isArrayField(value)) {
      await checkArray(reader, where, await locateArray(reader, path, info, name, value), value);
      checked++;
    } else if (isRef(value)) {
      const link = await reader.stat(`${path}/${name}`);
      if (link?.kind === 'link') expect(link.target, where).toBe(value.$ref);
      else expect((attrs[name]?.data as { path: string }[] | undefined)?.[0]?.path, where).toBe(value.$ref);
      checked++;
    } else {
      const found = await locateScalar(reader, path, name);
      expect(found, `${where} not found on disk`).toBeDefined();
      expectScalar(where, found!, value);
      checked++;
    }
  }
  return checked;
}

/** The array a field names: a dataset `path/name`, `path` itself (typed datasets), or a renamed attribute. */
async function locateArray(
  reader: StorageReader,
  path: string,
  info: NodeInfo | undefined,
  name: string,
  field: ArrayField,
): Promise<NdArray> {
  const renamed = RENAMED[name];
  if (renamed !== undefined) {
    const value = (await reader.readAttributes(`${path}/${renamed[0]}`))[renamed[1]];
    expect(value, `${path}/${renamed[0]}@${renamed[1]}`).toBeDefined();
    return value!;
  }
  let target = name === 'data' && info?.kind === 'dataset' ? path : `${path}/${name}`;
  const stat = await reader.stat(target);
  if (field.$link !== undefined) {
    expect(stat, target).toEqual({ kind: 'link', path: target, target: field.$link });
    target = field.$link;
  }
  const dataset = await reader.stat(target);
  if (dataset?.kind !== 'dataset') throw new Error(`${target} is not a dataset`);
  expect(dataset.shape, target).toEqual(field.shape);
  return reader.readData(target, wholeHyperslab(dataset.shape));
}

/** A scalar field: a dataset, an attribute of the object, of its `data`, or a renamed attribute. */
async function locateScalar(reader: StorageReader, path: string, name: string): Promise<NdArray | undefined> {
  const renamed = RENAMED[name];
  if (renamed !== undefined) return (await reader.readAttributes(`${path}/${renamed[0]}`))[renamed[1]];
  const stat = await reader.stat(`${path}/${name}`);
  if (stat?.kind === 'dataset') return reader.readData(stat.path, wholeHyperslab(stat.shape));
  const own = (await reader.readAttributes(path))[name];
  if (own !== undefined) return own;
  if ((await reader.stat(`${path}/data`))?.kind === 'dataset') {
    return (await reader.readAttributes(`${path}/data`))[name];
  }
  return undefined;
}

async function checkArray(
  _reader: StorageReader,
  where: string,
  got: NdArray,
  field: ArrayField,
): Promise<void> {
  expect(got.shape, where).toEqual(field.shape);
  if (field.dtype === 'str') expect(['utf8', 'ascii'], where).toContain(got.dtype);
  else expect(got.dtype, where).toBe(field.dtype);
  expect(sha256Of(got), `${where} sha256`).toBe(field.sha256);
  if (field.values !== undefined) {
    const values = Array.from(got.data as ArrayLike<unknown>, (v) =>
      typeof v === 'bigint' ? Number(v) : isRefValue(v) ? { $ref: v.path } : v,
    );
    expect(values, where).toEqual(field.values);
  }
}

function expectScalar(where: string, got: NdArray, expected: unknown): void {
  expect(got.data.length, where).toBe(1);
  const value = (got.data as ArrayLike<unknown>)[0];
  if (typeof expected === 'number') {
    const v = Number(value);
    // float32 attributes (conversion, resolution, rate, ...) hold the nearest float32.
    expect(got.dtype === 'float32' ? Math.fround(expected) : expected, where).toBe(v);
  } else {
    expect(value, where).toEqual(expected);
  }
}

/** File-level metadata: root datasets, /general datasets and the root's nwb_version. */
async function checkFileMetadata(reader: StorageReader, file: Record<string, unknown>): Promise<number> {
  let checked = 0;
  for (const [name, expected] of Object.entries(file)) {
    let value: unknown;
    if (name === 'nwb_version') {
      value = text((await reader.readAttributes('/'))['nwb_version']);
    } else {
      const candidates = [`/${name}`, `/general/${name}`];
      const found = (await Promise.all(candidates.map((p) => reader.stat(p)))).find(
        (s) => s?.kind === 'dataset',
      );
      if (found?.kind !== 'dataset') throw new Error(`file field ${name} not found`);
      const array = await reader.readData(found.path, wholeHyperslab(found.shape));
      value = found.shape.length === 0 ? (array.data as string[])[0] : [...(array.data as string[])];
    }
    expect(value, `file ${name}`).toEqual(expected);
    checked++;
  }
  return checked;
}

function text(value: NdArray | undefined): string | undefined {
  return value === undefined ? undefined : (value.data as string[])[0];
}
function isObject(value: unknown): value is FixtureObject {
  return typeof value === 'object' && value !== null && 'fields' in value && 'path' in value;
}
function isArrayField(value: unknown): value is ArrayField {
  return typeof value === 'object' && value !== null && 'dtype' in value && 'sha256' in value;
}
function isRef(value: unknown): value is { $ref: string } {
  return typeof value === 'object' && value !== null && '$ref' in value;
}
function isRefValue(value: unknown): value is { path: string } {
  return typeof value === 'object' && value !== null && 'path' in value;
}
