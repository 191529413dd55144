/**
 * Paths of referenced objects are found by walking the tree breadth first only until the target
 * turns up, each address met kept: HDF5's own lookup (`get_referenced_name`) walks the whole file
 * for every reference, which made the root's `.specloc` of a file of 100 000 groups cost seconds.
 * And what a link is, h5wasm answers only for links less than MAX_LINK_DEPTH deep.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { NdArray, ObjectRef, RegionRef } from '@nwbjs/core';
import { isNWBError, objectRef, readTree, regionRef } from '@nwbjs/core';
import { platform } from '#platform';
import { MAX_LINK_DEPTH } from '../src/file-handle.js';
import { openHdf5 } from '../src/index.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const WIDE = 2000;

function refs(paths: string[]): NdArray {
  return { dtype: 'ref', shape: [paths.length], data: paths.map((p) => objectRef(p)) };
}

/** A file with WIDE groups under /analysis, a `.specloc` at the root and references everywhere. */
async function build(): Promise<string> {
  const path = join(dir, 'wide.h5');
  const writer = await openHdf5(path, 'w');
  for (const group of ['/acquisition', '/analysis', '/specifications', '/specifications/core'])
    await writer.createGroup(group);
  for (let i = 0; i < WIDE; i++) await writer.createGroup(`/analysis/g${i}`);
  await writer.createGroup('/analysis/g7/deeper');
  await writer.createDataset('/acquisition/data', { dtype: 'float64', shape: [10] }, undefined, {
    dtype: 'float64',
    shape: [10],
    data: new Float64Array(10),
  });
  await writer.setAttribute('/', '.specloc', {
    dtype: 'ref',
    shape: [],
    data: [objectRef('/specifications')],
  });
  await writer.createDataset(
    '/acquisition/refs',
    { dtype: 'ref', shape: [4] },
    undefined,
    refs(['/analysis/g7/deeper', '/acquisition/data', '/', '/analysis/g1999']),
  );
  await writer.createDataset('/acquisition/regions', { dtype: 'region', shape: [1] }, undefined, {
    dtype: 'region',
    shape: [1],
    data: [
      regionRef('/acquisition/data', { kind: 'hyperslab', start: [2], stride: [1], count: [1], block: [3] }),
    ],
  });
  await writer.close();
  return path;
}

describe('object references', () => {
  it('name their targets without HDF5 walking the file, and each object is looked at once', async () => {
    const path = await build();
    const { module } = await platform.loadH5();
    const walks = vi.spyOn(module, 'get_referenced_name');
    const addresses = vi.spyOn(module, 'create_object_reference');
    const reader = await openHdf5(path, 'r');
    try {
      const root = await reader.readAttributes('/');
      expect((root['.specloc']!.data as ObjectRef[])[0]!.path).toBe('/specifications');
      // The root and its three links, not the 2000 groups under /analysis.
      expect(addresses).toHaveBeenCalled();
      expect(addresses.mock.calls.length).toBeLessThan(10);

      const all = await reader.readData('/acquisition/refs', {
        start: [0],
        count: [4],
        step: [1],
        dropped: [false],
      });
      expect((all.data as ObjectRef[]).map((r) => r.path)).toEqual([
        '/analysis/g7/deeper',
        '/acquisition/data',
        '/',
        '/analysis/g1999',
      ]);
      const regions = await reader.readData('/acquisition/regions', {
        start: [0],
        count: [1],
        step: [1],
        dropped: [false],
      });
      expect((regions.data as RegionRef[])[0]!.path).toBe('/acquisition/data');
      // The whole tree at most once (about WIDE addresses), however many references.
      const walked = addresses.mock.calls.length;
      expect(walked).toBeLessThan(WIDE + 20);
      await reader.readData('/acquisition/refs', { start: [0], count: [4], step: [1], dropped: [false] });
      expect(addresses.mock.calls.length).toBe(walked);
      expect(walks).not.toHaveBeenCalled();
    } finally {
      walks.mockRestore();
      addresses.mockRestore();
      await reader.close();
    }
  });
});

describe('groups nested deeper than MAX_LINK_DEPTH', () => {
  it('are an InvalidFileError naming the first group too deep, before h5wasm spends minutes on it', async () => {
    const path = join(dir, 'deep.h5');
    const writer = await openHdf5(path, 'w');
    let at = '';
    for (let i = 0; i < MAX_LINK_DEPTH + 5; i++) {
      at += '/g';
      await writer.createGroup(at);
    }
    await writer.close();
    const reader = await openHdf5(path, 'r');
    try {
      const error = await readTree(reader).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isNWBError(error, 'InvalidFileError'), String(error)).toBe(true);
      expect((error as { path: string }).path).toBe('/g'.repeat(MAX_LINK_DEPTH + 1));
      expect(String(error)).toMatch(/groups nest deeper than 100 levels/);
    } finally {
      await reader.close();
    }
  });
});
