/**
 * The targets of issues #6 and #11, checked against measured ratios (time ours / time theirs).
 */
import type { ComparedCase, StreamCase, TargetResult } from './results.js';

/** Peak RSS every streamed or chunked write must stay under. */
export const RSS_LIMIT_BYTES = 400 * 1e6;

const RATIO_TARGETS: ReadonlyArray<{ name: string; caseIds: string[]; maxRatio: number; note?: string }> = [
  { name: 'HDF5 uncompressed write at least as fast as h5py', caseIds: ['hdf5-write-raw'], maxRatio: 1 },
  {
    name: 'HDF5 random frame reads at least as fast as h5py',
    caseIds: ['hdf5-frames-raw', 'hdf5-frames-gzip'],
    maxRatio: 1,
  },
  {
    name: 'HDF5 whole reads at least as fast as h5py',
    caseIds: ['hdf5-whole-raw', 'hdf5-whole-gzip'],
    maxRatio: 1,
  },
  { name: 'gzip writes at least as fast as h5py', caseIds: ['hdf5-write-gzip'], maxRatio: 1 },
  { name: 'Zarr writes at least as fast as zarr-python', caseIds: ['zarr-write-raw'], maxRatio: 1 },
  {
    name: 'Zarr reads at least as fast as zarr-python',
    caseIds: ['zarr-frames-raw', 'zarr-frames-gzip', 'zarr-whole-raw', 'zarr-whole-gzip'],
    maxRatio: 1,
  },
  {
    name: 'compressed Zarr writes at least 1.5x zarr-python',
    caseIds: ['zarr-write-gzip'],
    maxRatio: 1 / 1.5,
  },
  {
    name: 'HDF5 -> Zarr (chunks copied) at most 1.0x the h5py -> zarr-python copy',
    caseIds: ['convert-to-zarr', 'convert-to-zarr-gzip'],
    maxRatio: 1,
  },
  {
    name: 'conversion at least 3x faster than hdmf-zarr export',
    caseIds: ['convert-hdmf-zarr'],
    maxRatio: 1 / 3,
  },
];

/** Met / missed / not measured for each target. */
export function evaluateTargets(
  cases: readonly ComparedCase[],
  stream: readonly StreamCase[],
): TargetResult[] {
  const results: TargetResult[] = RATIO_TARGETS.map((t) => {
    const found = cases.filter((c) => t.caseIds.includes(c.id));
    const ratios = found.map((c) => c.ratio);
    if (found.length === 0 || ratios.some((r) => r === null)) {
      const reason = found
        .map((c) => ('unavailable' in c.theirs ? c.theirs.unavailable : undefined))
        .find((r) => r !== undefined);
      return { ...t, measured: null, met: null, note: reason ?? 'not run' };
    }
    const worst = Math.max(...(ratios as number[]));
    return { ...t, measured: worst, met: worst <= t.maxRatio };
  });
  // Memory: every case that streams (writes, conversion, case 5); whole reads hold the movie by design.
  const rss = [
    ...cases.filter((c) => c.group !== 'read').map((c) => c.ours.peakRssBytes),
    ...stream.map((s) => s.peakRssBytes),
  ];
  results.push({
    name: 'peak RSS under 400 MB at every size (writes, conversion, streamed writes)',
    caseIds: [...cases.filter((c) => c.group !== 'read').map((c) => c.id), ...stream.map((s) => s.id)],
    maxRatio: RSS_LIMIT_BYTES,
    measured: rss.length === 0 ? null : Math.max(...rss),
    met: rss.length === 0 ? null : Math.max(...rss) < RSS_LIMIT_BYTES,
    ...(rss.length === 0 ? { note: 'not run' } : {}),
  });
  return results;
}
