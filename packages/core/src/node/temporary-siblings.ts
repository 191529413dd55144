/**
 * The temporary siblings that make writes atomic on a file system (Node only): a backend writes into
 * a hidden sibling of its target and renames it into place when the write is complete, so the target
 * never holds half a file. This module names those siblings, keeps a list of the ones this process
 * has open (so a signal handler can remove them before exiting), and removes the stale ones that a
 * killed process left behind: only names of this module's pattern, only for the target being
 * written, only of processes on this host that are no longer running.
 *
 * A name is `.NAME.tmp-HOST-PID-RANDOM` (HOST: 6 hex digits of a hash of the host name) for the file
 * or directory being written, and `.NAME.old-HOST-PID-RANDOM` for a target that a replacing write
 * moved aside just before renaming its temporary into place.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** What a temporary sibling holds: the output being written, or the target it replaces. */
export type TemporaryKind = 'tmp' | 'old';

const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 6);

/**
 * The temporaries this process has made and not yet committed or discarded, in a registry shared by
 * every copy of this package loaded in the process (two copies of @nwbjs/core must not hide each
 * other's files from a signal handler).
 */
const live: Set<string> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('@nwbjs/core/live-temporaries')
] ??= new Set<string>()) as Set<string>;

/**
 * A fresh path next to `target` for a write in progress (`tmp`), recorded as live until
 * {@link releaseTemporary} or {@link discardTemporary}, or for a target being replaced (`old`), which
 * is not recorded: it holds the user's previous content, which a signal handler must not delete.
 */
export function temporarySibling(target: string, kind: TemporaryKind = 'tmp'): string {
  const full = resolve(target);
  const path = join(
    dirname(full),
    `.${basename(full)}.${kind}-${HOST}-${process.pid}-${randomBytes(6).toString('hex')}`,
  );
  if (kind === 'tmp') live.add(path);
  return path;
}

/** Forgets `path` (it was renamed into place, or deleted by other means). */
export function releaseTemporary(path: string): void {
  live.delete(path);
}

/** Deletes `path` (a file or a directory), if it exists, and forgets it. */
export function discardTemporary(path: string): void {
  rmSync(path, { recursive: true, force: true, maxRetries: 3 });
  live.delete(path);
}

/** The temporaries this process has open now. */
export function liveTemporaries(): string[] {
  return [...live];
}

/**
 * Deletes every temporary this process has open, synchronously: for a SIGINT or SIGTERM handler that
 * exits right after. Returns the paths it removed.
 */
export function discardLiveTemporaries(): string[] {
  const removed = [...live];
  for (const path of removed) {
    try {
      discardTemporary(path);
    } catch {
      // Exiting anyway: what could not be removed keeps its hidden name, and a later write removes it.
    }
  }
  return removed;
}

/** What a temporary sibling's name says, or undefined for a name not of this pattern. */
export function parseTemporaryName(
  name: string,
): { target: string; kind: TemporaryKind; host: string; pid: number } | undefined {
  const match = /^\.(.+)\.(tmp|old)-([0-9a-f]{6})-(\d+)-[0-9a-f]{12}$/.exec(name);
  if (!match) return undefined;
  return { target: match[1]!, kind: match[2] as TemporaryKind, host: match[3]!, pid: Number(match[4]) };
}

/** True unless `pid` is certainly not running (a process of another user counts as running). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Deletes the temporary siblings of `target` that processes on this host left behind when they were
 * killed, and returns their paths. A `tmp` sibling is an unfinished write, so it goes. An `old` one
 * is a replaced target and goes only once the target exists again (a process killed between the two
 * renames leaves the previous content there, under the hidden name, and it is kept). Names of other
 * patterns, of other targets, of other hosts and of running processes are left alone.
 */
export function removeStaleTemporaries(target: string): string[] {
  const full = resolve(target);
  const dir = dirname(full);
  const name = basename(full);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const parsed = parseTemporaryName(entry);
    if (parsed === undefined || parsed.target !== name || parsed.host !== HOST) continue;
    if (parsed.pid === process.pid || isRunning(parsed.pid)) continue;
    if (parsed.kind === 'old' && !existsSync(full)) continue;
    const path = join(dir, entry);
    try {
      rmSync(path, { recursive: true, force: true, maxRetries: 3 });
      removed.push(path);
    } catch {
      // Another process may be removing it too, or it is not ours to remove after all: leave it.
    }
  }
  return removed;
}
