/**
 * Filter plugins in Node. h5wasm/node's file system is the real one, so HDF5 loads plugins straight
 * from the `plugins` folder of an installed `h5wasm-plugins` package; plugins given as bytes are
 * written to a folder of their own under the OS temporary directory.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { markInstalled } from '../filter-plugins.js';
import type { H5Module } from '../module.js';

/** Adds the plugins of an installed `h5wasm-plugins` package, if there is one, to HDF5's search path. */
export function addInstalledPlugins(module: H5Module): void {
  let directory: string;
  try {
    const manifest = createRequire(import.meta.url).resolve('h5wasm-plugins/package.json');
    directory = join(dirname(manifest), 'plugins');
    const names = readdirSync(directory).flatMap((file) => /^libH5Z(\w+)\.so$/.exec(file)?.[1] ?? []);
    module.insert_plugin_search_path(directory, 0);
    markInstalled(module, names);
  } catch {
    // Not installed (it is an optional peer dependency): datasets that need a plugin say so when read.
  }
}

/** Writes `plugins` to a fresh temporary folder and returns it. */
export function writePlugins(
  _module: H5Module,
  plugins: readonly { file: string; bytes: Uint8Array }[],
): string {
  const directory = mkdtempSync(join(tmpdir(), 'nwbjs-h5-plugins-'));
  for (const { file, bytes } of plugins) writeFileSync(join(directory, file), bytes);
  return directory;
}
