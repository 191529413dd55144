/**
 * Atomic output: a writer's file appears at its target only when close() succeeds; abort() and
 * failures leave neither a file at the target nor a temporary file beside it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetNode, groupNode, isNWBError, ndarray, textScalar, writeTree } from '@nwbjs/core';
import type { NdArray } from '@nwbjs/core';
import { openHdf5 } from '../src/index.js';
import { tempDir } from './helpers.js';

const { dir: root, cleanup } = tempDir();
afterAll(cleanup);
let n = 0;
function freshDir(): string {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir);
  return dir;
}

describe('atomic writes', () => {
  it('writes into a hidden temporary sibling and renames it onto the target on close', async () => {
    const dir = freshDir();
    const target = join(dir, 'out.nwb');
    const w = await openHdf5(target, 'w');
    await w.createGroup('/g');
    expect(existsSync(target)).toBe(false);
    const temps = readdirSync(dir);
    expect(temps).toHaveLength(1);
    expect(temps[0]).toMatch(new RegExp(`^\\.out\\.nwb\\.tmp-[0-9a-f]{6}-${process.pid}-[0-9a-f]{12}$`));
    await w.close();
    expect(readdirSync(dir)).toEqual(['out.nwb']);
  });

  it('abort() leaves nothing behind, and keeps a file that was already at the target', async () => {
    const dir = freshDir();
    const target = join(dir, 'out.nwb');
    writeFileSync(target, 'previous content');
    const w = await openHdf5(target, 'w');
    await w.createGroup('/g');
    await w.abort();
    expect(readdirSync(dir)).toEqual(['out.nwb']);
    expect(readFileSync(target, 'utf8')).toBe('previous content');
  });

  it("mode 'w-' refuses an existing target, at open and at close", async () => {
    const dir = freshDir();
    const target = join(dir, 'out.nwb');
    writeFileSync(target, 'x');
    await expect(openHdf5(target, 'w-')).rejects.toSatisfy((e: unknown) => isNWBError(e, 'BackendError'));
    const other = join(dir, 'later.nwb');
    const w = await openHdf5(other, 'w-');
    writeFileSync(other, 'appeared meanwhile');
    await expect(w.close()).rejects.toSatisfy((e: unknown) => isNWBError(e, 'BackendError'));
    expect(readFileSync(other, 'utf8')).toBe('appeared meanwhile');
    expect(readdirSync(dir).sort()).toEqual(['later.nwb', 'out.nwb']);
  });

  it('a failing writeTree aborts: no file at the target, no temporary file', async () => {
    const dir = freshDir();
    const target = join(dir, 'out.nwb');
    async function* slabs(): AsyncGenerator<NdArray> {
      yield ndarray('float64', [2], Float64Array.of(1, 2));
      throw new Error('the acquisition device went away');
    }
    const tree = groupNode({ nwb_version: textScalar('2.7.0') }, [
      ['acquisition', groupNode()],
      ['data', datasetNode({ kind: 'stream', dtype: 'float64', shape: [4], slabs: slabs() })],
    ]);
    const w = await openHdf5(target, 'w');
    await expect(writeTree(w, tree)).rejects.toThrow(/device went away/);
    expect(readdirSync(dir)).toEqual([]);
    await w.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a missing directory is a NotFoundError', async () => {
    const target = join(root, 'no-such-dir', 'out.nwb');
    await expect(openHdf5(target, 'w')).rejects.toSatisfy((e: unknown) => isNWBError(e, 'NotFoundError'));
  });
});
