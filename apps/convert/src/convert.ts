/**
 * Conversion is tree to tree: read the source's tree (metadata only; datasets stay lazy), adjust what
 * the user asked for (chunking, compression, external file paths), and write it to the target, which
 * copies each dataset block by block. Object ids, links, references, attributes, dtypes and objects of
 * types the data model does not know all travel as they are.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  InvalidFileError,
  readTree,
  writeTree,
  type Compression,
  type DatasetNode,
  type GroupNode,
  type ObjectRef,
  type StorageWriter,
  type WriteWarning,
} from '@nwbjs/core';
import { lindiFromHdf5, saveLindi } from '@nwbjs/lindi';
import { UsageError } from './usage-error.js';
import { danglingLinks, missingRootParts } from './tree-checks.js';
import { relocateExternalFiles, type ExternalCopies, type ExternalFilesReport } from './external-files.js';
import {
  isUrl,
  openReader,
  openWriter,
  outputFormatFromName,
  type Format,
  type ReadOptions,
} from './formats.js';
import type { ProgressReporter } from './progress.js';
import { silentProgress } from './progress.js';
import { countTree, type TreeCounts } from './tree-stats.js';

/** Largest copy of one call: 4 MiB reads and writes keep memory low and a Ctrl-C prompt. */
const COPY_BYTES = 4 * 1024 * 1024;

/** Options of {@link convert}. */
export interface ConvertOptions extends ReadOptions {
  /** Output format; by default from the output's name. */
  to?: Format;
  /** `keep` (default) keeps each dataset's compression where the target supports it; `null` writes none. */
  compression?: 'keep' | Compression | null;
  /**
   * Chunk shape for image data (datasets named `data` with as many dimensions as it has sizes, 3 or 4),
   * clamped to each dataset's shape. A UsageError when no dataset has that many dimensions; image data
   * of the other rank is left as it was, and the summary's notes say so.
   */
  chunks?: readonly number[];
  /**
   * The Zarr format of a Zarr output: 2 (default; every hdmf-zarr reads it, 0.14 through
   * `NWBZarrV2IO`) or 3 (hdmf-zarr 0.14's layout; hdmf-zarr before 0.14 cannot read it).
   */
  zarrFormat?: 2 | 3;
  /**
   * For a LINDI output: the URL its chunk references name the HDF5 file by (where it will be served
   * from); default: the input's absolute path.
   */
  lindiUrl?: string;
  /** Replace an existing output (otherwise it is an error). */
  overwrite?: boolean;
  /**
   * Write a root that calls itself NWBFile but lacks what every NWB file has (identifier,
   * session_description, session_start_time), with a warning; without it that is an error.
   */
  force?: boolean;
  /** Copy external files next to the output instead of rewriting their paths. */
  copyExternal?: boolean;
  progress?: ProgressReporter;
}

/** What a conversion did. */
export interface ConvertSummary {
  input: { location: string; format: Format };
  output: { location: string; format: Format };
  counts: TreeCounts;
  seconds: number;
  externalFiles: ExternalFilesReport;
  /** What the target could not store as the source had it (a codec it lacks, ...), per dataset. */
  warnings: WriteWarning[];
  /** What the conversion could not carry over from the source, in words. */
  notes: string[];
  /** What is wrong with the source and was written as it is (dangling soft links, a forced root), in words. */
  problems: string[];
}

/** Converts `input` to `output` (HDF5 or Zarr either way, or a repack in the same format). */
export async function convert(
  input: string,
  output: string,
  options: ConvertOptions = {},
): Promise<ConvertSummary> {
  const started = performance.now();
  const toFormat = options.to ?? outputFormatFromName(output);
  if (toFormat === undefined) {
    throw new UsageError(
      `${output}: cannot tell the output format from its name; end it in .nwb or .zarr, or pass --to`,
    );
  }
  if (options.zarrFormat !== undefined && toFormat !== 'zarr') {
    throw new UsageError(`${output}: --zarr-format applies to Zarr output, and this output is ${toFormat}`);
  }
  if (options.lindiUrl !== undefined && toFormat !== 'lindi') {
    throw new UsageError(`${output}: --lindi-url applies to LINDI output, and this output is ${toFormat}`);
  }
  if (toFormat === 'lindi') {
    // A LINDI file points at the HDF5 file's own chunks: their layout and paths are the HDF5 file's.
    const asked = [
      options.chunks !== undefined && '--chunks',
      options.compression !== undefined && options.compression !== 'keep' && '--compression',
      options.copyExternal === true && '--copy-external',
    ].filter((o): o is string => typeof o === 'string');
    if (asked.length > 0)
      throw new UsageError(
        `${output}: ${asked.join(', ')} cannot apply to a LINDI output (it points at the input's chunks)`,
      );
  }
  if (!isUrl(input) && path.resolve(input) === path.resolve(output)) {
    throw new UsageError(`${output}: input and output are the same; write to a new path`);
  }
  const outputDir = path.dirname(path.resolve(output));
  if (!(await stat(outputDir).catch(() => undefined))?.isDirectory()) {
    throw new UsageError(`${output}: the output's directory ${outputDir} does not exist`);
  }
  if (!options.overwrite && (await stat(output).catch(() => undefined)) !== undefined) {
    throw new UsageError(`${output}: output exists; pass --overwrite to replace it`);
  }

  if (toFormat === 'lindi') return convertToLindi(input, output, options, started);

  const reader = await openReader(
    input,
    options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
  );
  const warnings: WriteWarning[] = [];
  const progress = options.progress ?? silentProgress;
  let writer: StorageWriter | undefined;
  let copied: ExternalCopies | undefined;
  try {
    const tree = await readTree(reader);
    const notes: string[] = [];
    if (isUrl(input) && dropUnseenSpecloc(tree)) {
      notes.push(
        'the source lists no /specifications (a remote store whose consolidated metadata predates its cached ' +
          'specification, as hdmf-zarr < 0.13 wrote them); the output has no cached specification',
      );
    }
    const problems = sourceProblems(tree, input, options.force ?? false);
    notes.push(...applyChunks(tree, options.chunks));
    const { copies, ...externalFiles } = await relocateExternalFiles(
      tree,
      isUrl(input) ? undefined : path.dirname(path.resolve(input)),
      outputDir,
      options.copyExternal ?? false,
    );
    const counts = countTree(tree);
    writer = await openWriter(output, toFormat, options.overwrite ? 'w' : 'w-', options.zarrFormat);
    await writeTree(writer, tree, {
      compression: options.compression === undefined ? 'keep' : options.compression,
      // The event loop turns between copies, so Ctrl-C is acted on within one copy's time rather
      // than a whole dataset's (an HDF5 write does not yield until it is done).
      maxCallBytes: COPY_BYTES,
      onProgress: (done: number, total: number) => progress.update(done, total),
      onWarning: (warning) => warnings.push(warning),
    });
    copied = copies;
    await copies.run();
    await writer.close();
    writer = undefined;
    progress.finish();
    return {
      input: { location: input, format: reader.format as Format },
      output: { location: output, format: toFormat },
      counts,
      seconds: (performance.now() - started) / 1000,
      externalFiles,
      warnings,
      notes,
      problems,
    };
  } catch (error) {
    // Clear the bar so the error message starts its own line.
    progress.finish();
    await writer?.abort().catch(() => undefined);
    await copied?.undo().catch(() => undefined);
    throw error;
  } finally {
    await reader.close();
  }
}

/**
 * An HDF5 file (local, or at an http(s) URL, read by Range requests) indexed into a LINDI file: no
 * data are copied, the output records where each chunk of the input is.
 */
async function convertToLindi(
  input: string,
  output: string,
  options: ConvertOptions,
  started: number,
): Promise<ConvertSummary> {
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  const reader = await openReader(input, timeout);
  try {
    if (reader.format !== 'hdf5')
      throw new UsageError(
        `${output}: a LINDI file is made from an HDF5 file, and ${input} is ${reader.format}`,
      );
    const progress = options.progress ?? silentProgress;
    const tree = await readTree(reader);
    const problems = sourceProblems(tree, input, options.force ?? false);
    const url = options.lindiUrl === undefined ? {} : { url: options.lindiUrl };
    await saveLindi(await lindiFromHdf5(input, { ...url, ...timeout }), output);
    progress.finish();
    return {
      input: { location: input, format: reader.format },
      output: { location: output, format: 'lindi' },
      counts: countTree(tree),
      seconds: (performance.now() - started) / 1000,
      // External files keep the paths the HDF5 file gives them.
      externalFiles: { action: 'unchanged', count: 0, leftAlone: 0 },
      warnings: [],
      notes: [],
      problems,
    };
  } finally {
    await reader.close();
  }
}

/**
 * What is wrong with the source's tree, in words: dangling soft links (written as they are), and a
 * root without the required datasets, which is an error unless `force`.
 */
function sourceProblems(tree: GroupNode, input: string, force: boolean): string[] {
  const problems = danglingLinks(tree).map(
    ({ path, target }) => `${path}: soft link to ${target}, which is not in the file (written as it is)`,
  );
  const missing = missingRootParts(tree);
  if (missing.length > 0) {
    const what = `the root says NWBFile but has no ${missing.join(', ')}, which every NWB file has`;
    if (!force)
      throw new InvalidFileError(`${what}; not written (pass --force to write it anyway)`, { path: input });
    problems.unshift(`${input}: ${what}; written because of --force, it is not a valid NWB file`);
  }
  return problems;
}

/**
 * A remote Zarr store cannot be listed: what its `.zmetadata` omits is invisible. hdmf-zarr before
 * 0.13 consolidated before caching the specification, so the root's `.specloc` points at a group
 * the reader never saw. Writing that reference would fail; the file is valid NWB without it.
 */
function dropUnseenSpecloc(tree: GroupNode): boolean {
  const specloc = tree.attrs['.specloc'];
  if (specloc?.dtype !== 'ref') return false;
  const target = (specloc.data as ObjectRef[])[0]?.path;
  if (target === undefined || target.split('/').filter(Boolean).length !== 1) return false;
  if (tree.children.has(target.replace(/^\//, ''))) return false;
  delete tree.attrs['.specloc'];
  return true;
}

/**
 * Sets the user's chunking on image data (compression overrides go to writeTree as a whole). Refuses
 * chunks that fit no dataset rather than ignore them; returns a note naming image data of another
 * rank, which keeps its chunking.
 */
function applyChunks(tree: GroupNode, chunks: readonly number[] | undefined): string[] {
  if (chunks === undefined) return [];
  const skipped: string[] = [];
  let applied = 0;
  for (const [at, node] of imageData(tree, '')) {
    const { value } = node;
    if (value.shape.length !== chunks.length) {
      skipped.push(`${at} (${value.shape.length}-D)`);
      continue;
    }
    const base = node.layout ?? ('layout' in value ? value.layout : {});
    node.layout = {
      ...base,
      chunks: chunks.map((c, axis) => Math.max(1, Math.min(c, value.shape[axis] || 1))),
    };
    applied++;
  }
  const spec = chunks.join(',');
  if (applied === 0) {
    const found = skipped.length === 0 ? 'the file has no 3-D or 4-D data' : `found ${listed(skipped)}`;
    throw new UsageError(`--chunks ${spec}: no ${chunks.length}-D image data to re-chunk (${found})`);
  }
  if (skipped.length === 0) return [];
  return [`--chunks ${spec} has ${chunks.length} sizes; ${listed(skipped)} kept their chunking`];
}

function listed(items: readonly string[]): string {
  return items.slice(0, 3).join(', ') + (items.length > 3 ? ` and ${items.length - 3} more` : '');
}

/** The datasets named `data` of rank 3 or 4, with their paths. */
function* imageData(group: GroupNode, at: string): Generator<[string, DatasetNode]> {
  for (const [name, child] of group.children) {
    if (child.kind === 'group') yield* imageData(child, `${at}/${name}`);
    else if (child.kind === 'dataset' && name === 'data' && child.value.shape.length >= 3)
      yield [`${at}/${name}`, child];
  }
}
