/**
 * ImageSeries `external_file` paths are relative to the NWB file. When a conversion writes the output
 * into another directory, they would dangle: either rewrite them to point back at the originals, or
 * copy the files next to the output (`--copy-external`), keeping their places relative to it. Paths
 * that are absolute or URLs are left alone. Copying never reads outside the input's folder, never
 * follows a link and never replaces a file.
 */
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidFileError, isDatasetHandle, type GroupNode, type NdArray, type TreeNode } from '@nwbjs/core';

/** What happened to external files. */
export interface ExternalFilesReport {
  /** `unchanged` when input and output share a directory (or there are none). */
  action: 'unchanged' | 'rewritten' | 'copied';
  /** How many paths were rewritten or files copied. */
  count: number;
  /** Paths left as they were because they are absolute, URLs, or the input is remote. */
  leftAlone: number;
}

/** Every dataset named `external_file` in the tree, with its group's path. */
function* externalFileNodes(group: GroupNode, at = ''): Generator<[string, TreeNode & { kind: 'dataset' }]> {
  for (const [name, child] of group.children) {
    const childPath = `${at}/${name}`;
    if (child.kind === 'group') yield* externalFileNodes(child, childPath);
    else if (child.kind === 'dataset' && name === 'external_file') yield [childPath, child];
  }
}

function isPortableRelative(p: string): boolean {
  return !(
    path.isAbsolute(p) ||
    path.win32.isAbsolute(p) ||
    /^[a-z][a-z0-9+.-]*:\/\//i.test(p) ||
    p.startsWith('~')
  );
}

/** One file `--copy-external` copies. */
interface PlannedCopy {
  source: string;
  target: string;
}

/**
 * The copies `--copy-external` makes, planned before anything is written and made once the output's
 * data is written: {@link ExternalCopies.run} copies, {@link ExternalCopies.undo} removes exactly
 * what `run` created (files and the folders made for them) when the conversion fails after all.
 */
export class ExternalCopies {
  readonly #planned: PlannedCopy[];
  readonly #created: string[] = [];

  constructor(planned: PlannedCopy[] = []) {
    this.#planned = planned;
  }

  /** Copies each planned file; never replaces a file (one that appeared since planning is an error). */
  async run(): Promise<void> {
    for (const { source, target } of this.#planned) {
      const madeDir = await mkdir(path.dirname(target), { recursive: true });
      if (madeDir !== undefined) this.#created.push(madeDir);
      await copyFile(source, target, constants.COPYFILE_EXCL);
      this.#created.push(target);
    }
  }

  /** Removes what {@link run} created, newest first. */
  async undo(): Promise<void> {
    for (const created of this.#created.reverse()) await rm(created, { recursive: true, force: true });
    this.#created.length = 0;
  }
}

/** True when `inner` is `outer` or below it (both resolved). */
function isWithin(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** Whether two files hold the same bytes. */
async function sameContent(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([stat(a), stat(b)]);
  if (x.size !== y.size) return false;
  const [p, q] = await Promise.all([readFile(a), readFile(b)]);
  return p.equals(q);
}

/**
 * Why the external file `p` (relative to `inputDir`) must not be copied to `outputDir`, or where it
 * goes. Only a regular file inside the input's folder is copied, to the same relative place next to
 * the output, and never over an existing file (one with the same bytes is taken as already copied).
 */
async function planCopy(
  inputDir: string,
  outputDir: string,
  p: string,
): Promise<{ refused: string } | { copy?: PlannedCopy; relative: string }> {
  const source = path.resolve(inputDir, p);
  if (!isWithin(inputDir, source)) return { refused: "outside the input's folder" };
  const info = await lstat(source).catch(() => undefined);
  if (info === undefined) return { refused: 'missing' };
  if (info.isSymbolicLink()) return { refused: 'a symbolic link' };
  if (!info.isFile()) return { refused: 'not a regular file' };
  const [realInput, realSource] = await Promise.all([realpath(inputDir), realpath(source)]);
  if (!isWithin(realInput, realSource))
    return { refused: "outside the input's folder, through a linked folder" };
  const relative = path.relative(inputDir, source);
  const target = path.join(outputDir, relative);
  const existing = await lstat(target).catch(() => undefined);
  if (existing !== undefined) {
    if (existing.isFile() && (await sameContent(source, target))) return { relative };
    return { refused: `${target} exists` };
  }
  return { copy: { source, target }, relative };
}

/**
 * Rewrites (or, with `copy`, plans copies of) the external files of every ImageSeries so that they
 * resolve from `outputDir` as they did from `inputDir`. The tree is changed in place; nothing is
 * copied until the returned {@link ExternalCopies} runs. With `copy`, a file that must not be
 * copied (outside the input's folder, a link, missing, or in the way of an existing file) is an
 * error that lists each one and why.
 */
export async function relocateExternalFiles(
  tree: GroupNode,
  inputDir: string | undefined,
  outputDir: string,
  copy: boolean,
): Promise<ExternalFilesReport & { copies: ExternalCopies }> {
  const report: ExternalFilesReport = { action: 'unchanged', count: 0, leftAlone: 0 };
  const sameDir = inputDir !== undefined && path.resolve(inputDir) === path.resolve(outputDir);
  const planned = new Map<string, PlannedCopy>();
  const refusals: string[] = [];
  for (const [nodePath, node] of externalFileNodes(tree)) {
    const value: NdArray = isDatasetHandle(node.value) ? await node.value.read() : (node.value as NdArray);
    const paths = value.data as string[];
    if (inputDir === undefined) {
      report.leftAlone += paths.length;
      continue;
    }
    if (sameDir) continue;
    const relocated: string[] = [];
    const refused: string[] = [];
    for (const p of paths) {
      if (!isPortableRelative(p)) {
        report.leftAlone += 1;
        relocated.push(p);
        continue;
      }
      const source = path.resolve(inputDir, p);
      if (copy) {
        const plan = await planCopy(path.resolve(inputDir), path.resolve(outputDir), p);
        if ('refused' in plan) {
          refused.push(`${p} (${plan.refused})`);
          continue;
        }
        if (plan.copy !== undefined) planned.set(plan.copy.target, plan.copy);
        relocated.push(plan.relative.split(path.sep).join('/'));
      } else {
        relocated.push(path.relative(outputDir, source).split(path.sep).join('/'));
      }
      report.count += 1;
    }
    if (refused.length > 0) refusals.push(`${nodePath}: ${refused.join(', ')}`);
    report.action = copy ? 'copied' : 'rewritten';
    node.value = { dtype: value.dtype, shape: value.shape, data: relocated };
  }
  if (refusals.length > 0) {
    throw new InvalidFileError(
      `--copy-external: external files not copied: ${refusals.join('; ')}; nothing was written ` +
        '(without --copy-external the paths are rewritten to point at the originals)',
    );
  }
  return { ...report, copies: new ExternalCopies([...planned.values()]) };
}
