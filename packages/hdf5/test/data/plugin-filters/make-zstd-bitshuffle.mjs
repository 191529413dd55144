// Adds Zstd and Bitshuffle datasets to filters.h5 (see make.py): Debian has no HDF5 plugins for them.
import h5wasm from 'h5wasm/node';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const Module = await h5wasm.ready;
const plugins = join(
  dirname(createRequire(import.meta.url).resolve('h5wasm-plugins/package.json')),
  'plugins',
);
Module.insert_plugin_search_path(plugins, 0);
const file = new h5wasm.File('filters.h5', 'a');
const values = new Float32Array(10000).map((_, i) => i);
const common = { data: values, shape: [100, 100], chunks: [10, 100] };
file.create_dataset({ name: 'zstd', ...common, compression: 32015, compression_opts: [3] });
file.create_dataset({ name: 'bshuf', ...common, compression: 32008, compression_opts: [0, 2] });
file.close();
