/**
 * HDF5 filters that h5wasm does not build in (Blosc, Zstd, LZ4, Bitshuffle, ...), which files
 * written with Python's hdf5plugin use. The npm package `h5wasm-plugins` compiles them as
 * Emscripten side modules that HDF5 loads from its plugin search path when a dataset needs one.
 * Without a plugin, HDF5 can still read the file's structure but fails on that dataset's data with
 * an opaque error; this module says instead which filter is missing and how to get it.
 */
import { platform } from '#platform';
import { UnsupportedError } from '@nwbjs/core';
import { FORMAT } from './errors.js';
import type { H5Module } from './module.js';

/** Filters every h5wasm build has: deflate, shuffle, fletcher32, szip, nbit, scale-offset. */
const BUILT_IN = new Set([1, 2, 3, 4, 5, 6]);

/** The plugins `h5wasm-plugins` ships (file `libH5Z<name>.so`), by the HDF5 filter id they provide. */
export const PLUGIN_FILTERS: Readonly<Record<number, string>> = {
  307: 'bz2',
  32000: 'lzf',
  32001: 'blosc',
  32004: 'lz4',
  32008: 'bshuf',
  32013: 'zfp',
  32015: 'zstd',
  32019: 'jpeg',
  32022: 'bitgroom',
  32023: 'bitround',
  32026: 'blosc2',
};

/** Plugin names installed into each loaded h5wasm module. */
const installed = new WeakMap<H5Module, Set<string>>();

/** Records that the plugins `names` can now be loaded by `module`'s HDF5. */
export function markInstalled(module: H5Module, names: Iterable<string>): void {
  let set = installed.get(module);
  if (set === undefined) installed.set(module, (set = new Set()));
  for (const name of names) set.add(name);
}

/** The filter ids of `filters` that `module` cannot apply, with their plugin names where known. */
function missingFilters(
  module: H5Module,
  filters: readonly { readonly id: number; readonly name: string }[],
): { id: number; name: string; plugin?: string }[] {
  const have = installed.get(module);
  return filters
    .filter((f) => !BUILT_IN.has(f.id))
    .filter((f) => {
      const plugin = PLUGIN_FILTERS[f.id];
      return plugin === undefined || have?.has(plugin) !== true;
    })
    .map((f) => ({ ...f, ...(PLUGIN_FILTERS[f.id] === undefined ? {} : { plugin: PLUGIN_FILTERS[f.id] }) }));
}

/**
 * Throws an UnsupportedError naming the dataset at `path` and each filter of its pipeline that the
 * loaded HDF5 cannot apply, saying how to add it; returns when every filter is available.
 */
export function assertFiltersAvailable(
  module: H5Module,
  path: string,
  filters: readonly { readonly id: number; readonly name: string }[] | undefined,
): void {
  if (filters === undefined) return;
  const missing = missingFilters(module, filters);
  if (missing.length === 0) return;
  const names = missing.map((f) => `${f.name || 'unnamed'} (HDF5 filter ${f.id})`).join(', ');
  const pluggable = missing.every((f) => f.plugin !== undefined);
  const advice = pluggable
    ? 'install the npm package h5wasm-plugins beside @nwbjs/hdf5 (in the browser, pass its plugins to ' +
      'installFilterPlugins); see the @nwbjs/hdf5 README'
    : 'no h5wasm plugin provides it';
  throw new UnsupportedError(`the data is compressed with ${names}, which h5wasm lacks: ${advice}`, {
    path,
    feature: 'hdf5-filter',
    backend: FORMAT,
  });
}

/**
 * Makes HDF5 filter plugins available to every file this package opens from now on. In Node,
 * nothing needs calling when the npm package `h5wasm-plugins` is installed: its plugins are found
 * where it is installed. In the browser (or for plugins from elsewhere), pass each plugin's bytes
 * by name, the name being the part of its file name between `libH5Z` and `.so`:
 *
 * ```ts
 * import { installFilterPlugins } from '@nwbjs/hdf5';
 *
 * const response = await fetch('https://unpkg.com/h5wasm-plugins@0.2.1/plugins/libH5Zblosc.so');
 * await installFilterPlugins({ blosc: new Uint8Array(await response.arrayBuffer()) });
 * ```
 *
 * @param plugins - plugin name to the bytes of its `libH5Z<name>.so`.
 */
export async function installFilterPlugins(plugins: Readonly<Record<string, Uint8Array>>): Promise<void> {
  const { module } = await platform.loadH5();
  const names = Object.keys(plugins);
  for (const name of names) {
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      throw new UnsupportedError(`"${name}" is not a plugin name (letters, digits and _ only)`, {
        feature: 'hdf5-filter',
        backend: FORMAT,
      });
    }
  }
  const directory = platform.writePlugins(
    module,
    names.map((name) => ({ file: `libH5Z${name}.so`, bytes: plugins[name]! })),
  );
  module.insert_plugin_search_path(directory, 0);
  markInstalled(module, names);
}
