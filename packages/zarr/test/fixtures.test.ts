/**
 * Every Zarr fixture read at the storage level and checked against its NAME.json (written from
 * PyNWB's reading): datasets exist with the right dtype, shape and sha256, references resolve.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NdArray, ObjectRef, StorageReader } from '@nwbjs/core';
import { scalarValue } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import { openZarr } from '../src/index.js';
import { fixturesDir } from './helpers.js';

const stores = readdirSync(fixturesDir).filter((n) => n.endsWith('.nwb.zarr'));

interface ArrayDesc {
  shape: number[];
  dtype: string;
  sha256: string;
}
const isArrayDesc = (v: unknown): v is ArrayDesc =>
  typeof v === 'object' && v !== null && 'sha256' in v && 'shape' in v;

/** sha256 as FIXTURES.md defines it. */
function digest(array: NdArray): string {
  const h = createHash('sha256');
  if (array.dtype === 'ref') h.update(pyJson((array.data as ObjectRef[]).map((r) => r.path)));
  else if (array.dtype === 'utf8' || array.dtype === 'ascii') h.update(pyJson(array.data as string[]));
  else {
    const d = array.data as Uint8Array;
    h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return h.digest('hex');
}

/** Python's compact json.dumps of a list of strings (non-ASCII escaped). */
function pyJson(values: string[]): string {
  return `[${values.map((v) => JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join(',')}]`;
}

async function checkObject(
  reader: StorageReader,
  desc: Record<string, unknown>,
  counts: { arrays: number },
): Promise<void> {
  const base = desc['path'] as string;
  const self = await reader.stat(base);
  expect(self, base).toBeDefined();
  const fields = (desc['fields'] ?? {}) as Record<string, unknown>;
  for (const [field, value] of Object.entries(fields)) {
    // An Image is itself a dataset: its "data" field describes it.
    const at = self?.kind === 'dataset' && field === 'data' ? base : `${base}/${field}`;
    if (isArrayDesc(value)) {
      const info = await reader.stat(at);
      if (info?.kind !== 'dataset') continue; // an attribute shown as a field
      expect(info.shape, at).toEqual(value.shape);
      const data = await reader.readData(at, wholeHyperslab(info.shape));
      expect(digest(data), at).toBe(value.sha256);
      counts.arrays++;
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const nested = value as Record<string, unknown>;
      if (typeof nested['$ref'] === 'string') {
        const info = await reader.stat(at);
        expect(info?.kind === 'link' ? info.target : undefined, at).toBe(nested['$ref']);
      } else {
        for (const child of Object.values(nested)) {
          if (typeof child === 'object' && child !== null && 'path' in child)
            await checkObject(reader, child as Record<string, unknown>, counts);
        }
      }
    }
  }
}

describe('reading the hdmf-zarr fixtures', () => {
  for (const name of stores) {
    it(`reads ${name} as its description says`, async () => {
      const expected = JSON.parse(readFileSync(path.join(fixturesDir, `${name}.json`), 'utf8')) as {
        objects: Record<string, Record<string, unknown>>;
        file: Record<string, unknown>;
      };
      const reader = await openZarr(path.join(fixturesDir, name));
      try {
        const counts = { arrays: 0 };
        for (const desc of Object.values(expected.objects)) await checkObject(reader, desc, counts);
        expect(counts.arrays).toBeGreaterThan(0);
        // File metadata
        const root = await reader.readAttributes('/');
        expect(scalarValue(root['.specloc']!)).toEqual({ path: '/specifications' });
        expect(scalarValue(root['nwb_version']!)).toBe(expected.file['nwb_version']);
        for (const key of [
          'identifier',
          'session_description',
          'session_start_time',
          'timestamps_reference_time',
        ]) {
          const info = await reader.stat(`/${key}`);
          expect(info, key).toMatchObject({ kind: 'dataset', shape: [] });
          const value = await reader.readData(`/${key}`, wholeHyperslab([]));
          expect(value.data[0], key).toBe(expected.file[key]);
        }
        const start = await reader.readData('/session_start_time', wholeHyperslab([]));
        // hdmf-zarr's export from HDF5 stores the dates as vlen-utf8; its own writer as vlen-bytes.
        expect(start.dtype).toBe(name.includes('.export.') ? 'utf8' : 'ascii');
        for (const key of ['lab', 'institution', 'session_id', 'experiment_description']) {
          if (expected.file[key] === undefined) continue;
          const value = await reader.readData(`/general/${key}`, wholeHyperslab([]));
          expect(value.data[0], key).toBe(expected.file[key]);
        }
      } finally {
        await reader.close();
      }
    });
  }

  it('decodes pickled and json2 references alike, and hides zarr_dtype / zarr_link', async () => {
    const at = '/stimulus/templates/raccoons/order_of_images';
    const paths: string[][] = [];
    for (const name of ['tutorial_images.nwb.zarr', 'tutorial_images.jsonrefs.nwb.zarr']) {
      const reader = await openZarr(path.join(fixturesDir, name));
      const info = await reader.stat(at);
      expect(info).toMatchObject({ dtype: 'ref', shape: [2] });
      const refs = await reader.readData(at, wholeHyperslab([2]));
      paths.push((refs.data as ObjectRef[]).map((r) => r.path));
      expect(Object.keys(await reader.readAttributes(at))).not.toContain('zarr_dtype');
      expect(Object.keys(await reader.readAttributes('/stimulus/presentation/stimuli'))).not.toContain(
        'zarr_link',
      );
      expect(await reader.stat('/stimulus/presentation/stimuli/indexed_images')).toEqual({
        kind: 'link',
        path: '/stimulus/presentation/stimuli/indexed_images',
        target: '/stimulus/templates/raccoons',
      });
      await reader.close();
    }
    expect(paths[0]).toEqual([
      '/stimulus/templates/raccoons/rgb_face',
      '/stimulus/templates/raccoons/gs_face',
    ]);
    expect(paths[1]).toEqual(paths[0]);
  });

  it('keeps ints and floats of .zattrs apart', async () => {
    const reader = await openZarr(path.join(fixturesDir, 'tutorial_images.nwb.zarr'));
    const attrs = await reader.readAttributes('/acquisition/ImageSeries/data');
    expect(attrs['conversion']).toMatchObject({ dtype: 'float64', shape: [] });
    const ext = await reader.readAttributes('/acquisition/ExternalFiles/external_file');
    expect(ext['starting_frame']).toMatchObject({ dtype: 'int64', shape: [3] });
    await reader.close();
  });
});
