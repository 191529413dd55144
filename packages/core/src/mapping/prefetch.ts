/**
 * Reading a file's model needs its small metadata datasets (scalar text, dates, external file
 * names, references, a few numbers), which the mapping asks for one after another as it walks the
 * tree. Over HTTP each of those is a round trip. This reads them all at once, before the walk, so
 * that opening a file costs one round trip for its tree and one for these, whatever it holds; the
 * walk then finds each value already on its way.
 */
import { Limiter } from '../async/limiter.js';
import { isTextDType } from '../storage/dtype.js';
import type { DType } from '../storage/dtype.js';
import type { NdArray } from '../storage/values.js';
import { shapeSize } from '../storage/values.js';
import type { DatasetHandle, GroupNode } from '../tree/nodes.js';
import { isDatasetHandle } from '../tree/nodes.js';

/** Reads started at once, at most (a browser runs about six per host anyway; HTTP/2 runs them all). */
export const PREFETCH_CONCURRENCY = 64;

/** Largest text or reference dataset read ahead, in elements. */
const MAX_LIST_ELEMENTS = 4096;

/** Largest numeric dataset read ahead, in elements: scalars and a few values, never data. */
const MAX_NUMBER_ELEMENTS = 16;

/**
 * Datasets the model keeps as handles whatever their size (a series' values and times), and the
 * cached specification, which the model keeps as stored: never read ahead.
 */
const LAZY_NAMES = new Set(['data', 'timestamps']);
const UNREAD_GROUPS = new Set(['/specifications']);

/** The small datasets a model read is likely to ask for: what it reads eagerly, and little else. */
function isMetadataSized(dtype: DType, shape: readonly number[]): boolean {
  const size = shapeSize(shape);
  if (typeof dtype !== 'string' || dtype === 'region') return false;
  if (isTextDType(dtype) || dtype === 'ref') return size <= MAX_LIST_ELEMENTS;
  return size <= MAX_NUMBER_ELEMENTS;
}

/**
 * Starts reading every metadata-sized dataset under `root` (at most {@link PREFETCH_CONCURRENCY}
 * at a time) and returns the reads by handle. A failed read fails only when its value is used.
 */
export function prefetchSmallDatasets(
  root: GroupNode,
  concurrency = PREFETCH_CONCURRENCY,
): Map<DatasetHandle, Promise<NdArray>> {
  const reads = new Map<DatasetHandle, Promise<NdArray>>();
  const limit = new Limiter(concurrency);
  const groups: [string, GroupNode][] = [['', root]];
  for (let next = groups.pop(); next !== undefined; next = groups.pop()) {
    const [at, group] = next;
    for (const [name, child] of group.children) {
      const path = `${at}/${name}`;
      if (child.kind === 'group' && !UNREAD_GROUPS.has(path)) groups.push([path, child]);
      if (child.kind !== 'dataset' || !isDatasetHandle(child.value) || LAZY_NAMES.has(name)) continue;
      const handle = child.value;
      if (reads.has(handle) || !isMetadataSized(handle.dtype, handle.shape)) continue;
      const read = limit.run(() => handle.read());
      read.catch(() => undefined); // unused failures are nobody's concern
      reads.set(handle, read);
    }
  }
  return reads;
}
