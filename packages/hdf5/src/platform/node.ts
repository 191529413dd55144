/**
 * The Node platform: `h5wasm/node`, whose file system is the real one (NODERAWFS), so files are
 * read and written in place and never held in WASM memory; paths are opened directly and writes are
 * atomic (temporary sibling, then rename).
 */
import { resolve } from 'node:path';
import type { H5Runtime, H5Wasm } from '../module.js';
import { startH5 } from '../module.js';
import { checkTarget, commit, discard, temporarySibling } from './node-atomic-file.js';
import { checkHdf5File } from './node-file-check.js';
import { nodeFastReads } from './node-fast-reads.js';
import { addInstalledPlugins, writePlugins } from './node-filter-plugins.js';
import { nodeScratch } from './node-scratch.js';
import type { Platform } from './types.js';

let loading: Promise<H5Runtime> | undefined;

/** The Node implementation of {@link Platform}. */
export const platform: Platform = {
  name: 'node',
  loadH5() {
    loading ??= import('h5wasm/node').then(async (h5) => {
      const runtime = await startH5(h5 as unknown as H5Wasm);
      addInstalledPlugins(runtime.module);
      return runtime;
    });
    return loading;
  },
  files: { resolve: (path) => resolve(path), checkHdf5File, checkTarget, temporarySibling, commit, discard },
  scratch: nodeScratch,
  fastReads: nodeFastReads,
  writePlugins,
};
