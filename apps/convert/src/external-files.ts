/**
 * ImageSeries `external_file` paths are relative to the NWB file. When a conversion writes the output
 * into another directory, they would dangle: either rewrite them to point back at the originals, or
 * copy the files next to the output (`--copy-external`). Paths that are absolute or URLs are left alone.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, isDatasetHandle, type GroupNode, type NdArray, type TreeNode } from '@nwbjs/core';

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

/**
 * Rewrites (or copies, with `copy`) the external files of every ImageSeries so that they resolve from
 * `outputDir` as they did from `inputDir`. The tree is changed in place.
 */
export async function relocateExternalFiles(
  tree: GroupNode,
  inputDir: string | undefined,
  outputDir: string,
  copy: boolean,
): Promise<ExternalFilesReport> {
  const report: ExternalFilesReport = { action: 'unchanged', count: 0, leftAlone: 0 };
  const sameDir = inputDir !== undefined && path.resolve(inputDir) === path.resolve(outputDir);
  for (const [nodePath, node] of externalFileNodes(tree)) {
    const value: NdArray = isDatasetHandle(node.value) ? await node.value.read() : (node.value as NdArray);
    const paths = value.data as string[];
    if (inputDir === undefined) {
      report.leftAlone += paths.length;
      continue;
    }
    if (sameDir) continue;
    const relocated: string[] = [];
    for (const p of paths) {
      if (!isPortableRelative(p)) {
        report.leftAlone += 1;
        relocated.push(p);
        continue;
      }
      const source = path.resolve(inputDir, p);
      if (copy) {
        // Keep the file's relative place when it stays inside the output directory, else flatten it.
        const normalized = path.normalize(p);
        const inside = !normalized.startsWith('..') && !path.isAbsolute(normalized);
        const target = inside ? normalized : path.basename(normalized);
        await mkdir(path.dirname(path.join(outputDir, target)), { recursive: true });
        await copyFile(source, path.join(outputDir, target)).catch((error: NodeJS.ErrnoException) => {
          throw new NotFoundError(`external file ${p} cannot be copied (${error.code ?? error.message})`, {
            path: nodePath,
            cause: error,
          });
        });
        relocated.push(target.split(path.sep).join('/'));
      } else {
        relocated.push(path.relative(outputDir, source).split(path.sep).join('/'));
      }
      report.count += 1;
    }
    report.action = copy ? 'copied' : 'rewritten';
    node.value = { dtype: value.dtype, shape: value.shape, data: relocated };
  }
  return report;
}
