/**
 * The temporary siblings of atomic writes: their names, the registry a signal handler empties, and the
 * cleanup of the ones killed writers left: only this pattern, only the target's, only dead processes'.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  discardLiveTemporaries,
  discardTemporary,
  liveTemporaries,
  parseTemporaryName,
  releaseTemporary,
  removeStaleTemporaries,
  temporarySibling,
} from '../src/node/index.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nwbjs-temporaries-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

/** The name `temporarySibling` would give in a process `pid` on this host. */
function nameFor(target: string, kind: 'tmp' | 'old', pid: number): string {
  const ours = basename(temporarySibling(join(dir, target), kind));
  releaseTemporary(join(dir, ours));
  return ours.replace(`-${process.pid}-`, `-${pid}-`);
}

describe('temporarySibling', () => {
  it('names a hidden sibling after the target, this host and this process, and tracks it until released', () => {
    const target = join(dir, 'movie.nwb');
    const temp = temporarySibling(target);
    expect(basename(temp)).toMatch(
      new RegExp(`^\\.movie\\.nwb\\.tmp-[0-9a-f]{6}-${process.pid}-[0-9a-f]{12}$`),
    );
    expect(parseTemporaryName(basename(temp))).toMatchObject({
      target: 'movie.nwb',
      kind: 'tmp',
      pid: process.pid,
    });
    expect(liveTemporaries()).toContain(temp);
    releaseTemporary(temp);
    expect(liveTemporaries()).not.toContain(temp);
    // A replaced target's sibling holds the user's previous content: never tracked for deletion.
    expect(liveTemporaries()).not.toContain(temporarySibling(target, 'old'));
  });

  it('discardLiveTemporaries removes what this process has open, files and directories', async () => {
    const file = temporarySibling(join(dir, 'a.nwb'));
    const store = temporarySibling(join(dir, 'b.nwb.zarr'));
    await writeFile(file, 'partial');
    await mkdir(join(store, 'acquisition'), { recursive: true });
    await writeFile(join(store, '.zgroup'), '{}');
    expect(discardLiveTemporaries().sort()).toEqual([file, store].sort());
    expect(await readdir(dir)).toEqual([]);
    expect(liveTemporaries()).toEqual([]);
    discardTemporary(file); // already gone: nothing to do
  });
});

describe('removeStaleTemporaries', () => {
  it("removes a dead writer's temporaries of the target, and nothing else", async () => {
    const dead = deadPid();
    const target = join(dir, 'movie.nwb.zarr');
    const stale = nameFor('movie.nwb.zarr', 'tmp', dead);
    const keep = [
      nameFor('movie.nwb.zarr', 'tmp', process.pid), // this (running) process's
      nameFor('movie.nwb.zarr', 'tmp', 1), // a running process's
      nameFor('other.nwb.zarr', 'tmp', dead), // another target's
      nameFor('movie.nwb.zarr', 'tmp', dead).replace(/tmp-[0-9a-f]{6}/, 'tmp-zzzzzz'), // not our pattern
      '.movie.nwb.zarr.tmp-0123456789ab', // an older naming: whose it is cannot be told
      'movie.nwb.zarr.tmp-notes', // a user's file
    ];
    await mkdir(join(dir, stale, 'acquisition'), { recursive: true });
    for (const name of keep) await writeFile(join(dir, name), 'x');
    expect(removeStaleTemporaries(target)).toEqual([join(dir, stale)]);
    expect((await readdir(dir)).sort()).toEqual([...keep].sort());
  });

  it("keeps a dead writer's replaced target until the target exists again", async () => {
    const target = join(dir, 'movie.nwb.zarr');
    const old = nameFor('movie.nwb.zarr', 'old', deadPid());
    await mkdir(join(dir, old));
    expect(removeStaleTemporaries(target)).toEqual([]);
    expect(existsSync(join(dir, old))).toBe(true);
    await mkdir(target);
    expect(removeStaleTemporaries(target)).toEqual([join(dir, old)]);
  });

  it('does nothing for a directory that does not exist', () => {
    expect(removeStaleTemporaries(join(dir, 'no', 'such', 'movie.nwb'))).toEqual([]);
  });
});
