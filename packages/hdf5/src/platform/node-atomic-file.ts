/**
 * Where a writer's file lives while it is written, and how it gets to its target: a hidden
 * temporary sibling (same directory, so the final rename stays on one file system; named, tracked
 * and cleaned up by @nwbjs/core/node) that is renamed onto the target on commit and deleted on abort.
 */
import { existsSync, linkSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isNWBError } from '@nwbjs/core';
import {
  discardTemporary,
  releaseTemporary,
  removeStaleTemporaries,
  temporarySibling as coreTemporarySibling,
} from '@nwbjs/core/node';
import { backendError, notFound } from '../errors.js';

/**
 * A temporary sibling of `target` (`.NAME.tmp-HOST-PID-RANDOM` in the same directory), after removing
 * the ones that killed writers of the same target left there.
 */
export function temporarySibling(target: string): string {
  removeStaleTemporaries(target);
  return coreTemporarySibling(target);
}

/** Checks that a file can be created at `target` with `mode` ('w-' refuses an existing file). */
export function checkTarget(target: string, mode: 'w' | 'w-'): void {
  const dir = dirname(resolve(target));
  if (!isDirectory(dir)) throw notFound(target, `directory ${dir} does not exist`);
  if (isDirectory(target)) throw backendError(target, 'is a directory');
  if (mode === 'w-' && existsSync(target)) throw backendError(target, "already exists (mode 'w-')");
}

/**
 * Moves the finished temporary file onto `target`. With 'w-' the move fails if something appeared
 * at the target meanwhile (a hard link cannot replace a file, unlike a rename).
 */
export function commit(temp: string, target: string, mode: 'w' | 'w-'): void {
  try {
    if (mode === 'w-') {
      try {
        linkSync(temp, target);
        unlinkSync(temp);
        releaseTemporary(temp);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw backendError(target, "already exists (mode 'w-')", error);
        }
        // File systems without hard links: check, then rename.
        if (existsSync(target)) throw backendError(target, "already exists (mode 'w-')", error);
      }
    }
    renameSync(temp, target);
    releaseTemporary(temp);
  } catch (error) {
    discard(temp);
    throw isNWBError(error)
      ? error
      : backendError(target, 'moving the written file into place failed', error);
  }
}

/** Deletes a temporary file, ignoring one that is already gone. */
export function discard(temp: string): void {
  discardTemporary(temp);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
