/**
 * The browser platform: h5wasm's default build, whose file system is Emscripten's in-memory one.
 * There are no paths to open; files come in as bytes and go out as bytes (see `in-memory.ts`).
 * Nothing here, or in what it imports, uses a Node built-in.
 */
import type { H5Runtime, H5Wasm } from '../module.js';
import { startH5 } from '../module.js';
import { memfsScratch } from './memfs-scratch.js';
import type { Platform } from './types.js';

/** Where plugins given as bytes are kept, in the in-memory file system. */
const PLUGIN_DIRECTORY = '/nwbjs-h5-plugins';

let loading: Promise<H5Runtime> | undefined;

/** The browser implementation of {@link Platform}. */
export const platform: Platform = {
  name: 'browser',
  loadH5() {
    loading ??= import('h5wasm').then((h5) => startH5(h5 as unknown as H5Wasm));
    return loading;
  },
  files: undefined,
  scratch: memfsScratch,
  fastReads: undefined,
  writePlugins(module, plugins) {
    module.FS.mkdirTree(PLUGIN_DIRECTORY);
    for (const { file, bytes } of plugins) module.FS.writeFile(`${PLUGIN_DIRECTORY}/${file}`, bytes);
    return PLUGIN_DIRECTORY;
  },
};
