/**
 * The public face of the platform's codec pool. Re-exporting it straight from `#platform/...` would
 * put that package-internal specifier in the published types, which `moduleResolution: node10`
 * cannot follow; a declared function here keeps it out.
 */
import { setCodecWorkers as setPlatformCodecWorkers } from '#platform/codec-pool.js';

/**
 * Sets how many worker threads code Blosc, Zstd and LZ4 chunks in Node (default: the core count, at
 * most 4; 0 codes them on the calling thread). Deflate always runs on node:zlib's own thread pool.
 * In a browser it is accepted and does nothing: every chunk is coded in-thread.
 */
export function setCodecWorkers(count: number): Promise<void> {
  return setPlatformCodecWorkers(count);
}
