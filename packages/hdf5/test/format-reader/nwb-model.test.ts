/**
 * Reading NWB through the format reader: the shared fixtures match their descriptions (what PyNWB
 * reads), and core's read path (readNWBFile) builds the same model from it as from the h5wasm
 * backend, for the fixtures and the real-world files.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StorageReader } from '@nwbjs/core';
import { readNWBFile } from '@nwbjs/core';
import { Hdf5FormatReader, openHdf5 } from '../../src/index.js';
import { fileSource } from '../format/file-source.js';
import { type FixtureDescription, checkFixture } from '../fixture-walk.js';
import { FIXTURES, HDF5_FIXTURES, REPO_ROOT } from '../helpers.js';

async function withFormatReader<T>(path: string, fn: (reader: StorageReader) => Promise<T>): Promise<T> {
  const { source, size, close } = await fileSource(path);
  const reader = await Hdf5FormatReader.open(source, { size, location: path });
  try {
    return await fn(reader);
  } finally {
    await reader.close();
    await close();
  }
}

/**
 * A model as plain data: class instances as their name and own fields, Maps as entries, dataset
 * handles as path, dtype, shape and their data when small (read through their own reader).
 */
async function snapshot(value: unknown, seen = new Map<object, string>(), at = '$'): Promise<unknown> {
  if (typeof value === 'function') return '[function]';
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return value;
  const known = seen.get(value);
  if (known !== undefined) return `[seen at ${known}]`;
  seen.set(value, at);
  const record = value as Record<string, unknown>;
  if (record['kind'] === 'handle' && typeof record['read'] === 'function') {
    const handle = value as { path: string; dtype: unknown; shape: number[]; read(): Promise<unknown> };
    const shape = handle.shape;
    const small = shape.reduce((a, b) => a * b, 1) <= 1 << 16;
    return { handle: handle.path, dtype: handle.dtype, shape, data: small ? await handle.read() : 'big' };
  }
  if (value instanceof Map) {
    const entries: unknown[] = [];
    for (const [k, v] of value) entries.push([k, await snapshot(v, seen, `${at}.${String(k)}`)]);
    return { map: entries };
  }
  if (Array.isArray(value)) return Promise.all(value.map((v, i) => snapshot(v, seen, `${at}[${i}]`)));
  const out: Record<string, unknown> = { class: value.constructor?.name };
  for (const key of Object.keys(value)) {
    if (key === 'reader' || key === 'backend' || key === 'io') continue;
    // Files older than object ids get fresh random ones (the storage-level test compares the attribute).
    if (key === 'objectId') continue;
    out[key] = await snapshot(record[key], seen, `${at}.${key}`);
  }
  return out;
}

async function modelOf(reader: StorageReader): Promise<unknown> {
  try {
    return await snapshot(await readNWBFile(reader));
  } catch (error) {
    return { error: (error as Error).name, message: (error as Error).message.replace(/ at .*$/, '') };
  }
}

describe('NWB read through the format reader', () => {
  for (const name of HDF5_FIXTURES) {
    it(`${name} matches its description`, async () => {
      const description = JSON.parse(
        readFileSync(join(FIXTURES, `${name}.nwb.json`), 'utf8'),
      ) as FixtureDescription;
      const checked = await withFormatReader(join(FIXTURES, `${name}.nwb`), (r) =>
        checkFixture(r, description),
      );
      expect(checked).toBeGreaterThan(10);
    });
  }

  const files = HDF5_FIXTURES.map((n) => join(FIXTURES, `${n}.nwb`));
  const realworld = join(REPO_ROOT, '../shared/fixtures/realworld');
  for (const tool of readdirSync(realworld)) {
    if (tool.includes('.') || !existsSync(join(realworld, tool))) continue;
    for (const name of readdirSync(join(realworld, tool)).sort()) {
      if (name.endsWith('.nwb')) files.push(join(realworld, tool, name));
    }
  }
  for (const file of files) {
    it(`readNWBFile gives the same model as with h5wasm: ${file.split('/').slice(-2).join('/')}`, async () => {
      const h5wasm = await openHdf5(file);
      let expected: unknown;
      try {
        expected = await modelOf(h5wasm);
      } finally {
        await h5wasm.close();
      }
      const actual = await withFormatReader(file, modelOf);
      expect(actual).toEqual(expected);
    }, 60_000);
  }
});
