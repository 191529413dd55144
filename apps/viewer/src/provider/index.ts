/**
 * The viewer's provider: the one module that uses the nwbjs packages. It opens a location, reads
 * the file's tree, and hands the UI plain descriptions (metadata, objects, frame sources) in the
 * shapes of `types.ts`. The UI imports only from here and never learns the file's format.
 */
import type { GroupNode, NdArray } from '@nwbjs/core';
import { readTree, treeToNWBFile } from '@nwbjs/core';
import { findImageObjects } from './images.js';
import { openStore } from './locations.js';
import { ViewerError, describeProblem } from './problems.js';
import { ReadCache, ReadScheduler } from './read-cache.js';
import { RequestLog } from './request-log.js';
import { metadataSections, objectTree, textAttr } from './structure.js';
import type { FileDetails, NWBView, SourceInput, ViewerProblem } from './types.js';

export type * from './types.js';
export { formatBytes } from './format.js';
export { isAbort } from './problems.js';

/** Reads running at once per file: enough to overlap latency, few enough to cancel cheaply. */
const READS_AT_ONCE = 4;
/** Decoded blocks and images kept per file. */
const CACHE_BYTES = 256 * 1024 * 1024;

/** Opening failed; `problem` says why, in words for the page. */
export class OpenError extends Error {
  override readonly name = 'OpenError';
  constructor(readonly problem: ViewerProblem) {
    super(problem.title);
  }
}

/** Options of {@link openNWB}. */
export interface OpenNWBOptions {
  /** Aborting it stops the requests of opening. */
  readonly signal?: AbortSignal;
}

/** Opens an NWB file from a URL, a local file or a local folder. Throws an {@link OpenError}. */
export async function openNWB(input: SourceInput, options: OpenNWBOptions = {}): Promise<NWBView> {
  const log = new RequestLog();
  const label = input.kind === 'url' ? input.url : input.kind === 'file' ? input.file.name : input.name;
  let opened;
  try {
    opened = await openStore(input, { log, signal: options.signal });
  } catch (error) {
    throw new OpenError(describeProblem(error, log, 0, label) ?? abortedProblem());
  }
  const { reader, access, location, baseUrl } = opened;
  try {
    const mark = log.mark();
    let root: GroupNode;
    try {
      root = await readTree(reader);
      checkNWBRoot(root, location);
    } catch (error) {
      throw new OpenError(describeProblem(error, log, mark, location) ?? abortedProblem());
    }
    const cache = new ReadCache<NdArray>(new ReadScheduler(READS_AT_ONCE), byteLength, CACHE_BYTES);
    const images = findImageObjects({ root, cache, baseUrl });
    let details: Promise<FileDetails> | undefined;
    return {
      location,
      access,
      tree: objectTree(root),
      images,
      details: () => (details ??= readDetails(root)),
      network: () => log.stats(),
      describe: (error) => describeProblem(error, log),
      close: () => reader.close(),
    };
  } catch (error) {
    await reader.close().catch(() => undefined);
    if (error instanceof OpenError) throw error;
    throw new OpenError(describeProblem(error, log, 0, location) ?? abortedProblem());
  }
}

function abortedProblem(): ViewerProblem {
  return { title: 'Opening was cancelled', detail: 'Open the file again to view it.', technical: undefined };
}

/** NWB files carry `nwb_version` (or, in old files, at least `neurodata_type` NWBFile) on the root. */
function checkNWBRoot(root: GroupNode, location: string): void {
  const version = textAttr(root.attrs.nwb_version);
  if (version !== undefined && version !== '') return;
  if (textAttr(root.attrs.neurodata_type) === 'NWBFile') return;
  throw new ViewerError('not-nwb', 'the root has neither nwb_version nor neurodata_type NWBFile', {
    location,
  });
}

async function readDetails(root: GroupNode): Promise<FileDetails> {
  try {
    const file = await treeToNWBFile(root);
    return {
      metadata: metadataSections(file),
      warnings: file.readWarnings.map((w) => w.message),
    };
  } catch (error) {
    const version = textAttr(root.attrs.nwb_version);
    return {
      metadata: [{ title: 'File', rows: version === undefined ? [] : [['NWB version', version]] }],
      warnings: [
        `The session metadata could not be read: ${error instanceof Error ? error.message : String(error)}`,
      ],
    };
  }
}

function byteLength(value: NdArray): number {
  const data = value.data;
  return ArrayBuffer.isView(data) ? data.byteLength : data.length * 64;
}
