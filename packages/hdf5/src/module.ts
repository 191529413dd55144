/**
 * h5wasm's types as this package uses them, and the one step every platform takes after loading
 * its build: switching on HDF5's throwing error handler. Which build is loaded (`h5wasm/node`,
 * whose file system is the real one, or the default build, whose file system is in memory) is the
 * platform's choice: see `platform/node.ts` and `platform/browser.ts`.
 */
import type * as H5WasmNamespace from 'h5wasm';

/** The high-level h5wasm namespace (both builds export the same one). */
export type H5Wasm = typeof H5WasmNamespace;
/** h5wasm's low-level module: the HDF5 functions it binds, and Emscripten's file system. */
export type H5Module = typeof H5WasmNamespace.Module;
/** What h5wasm reports about a datatype and dataspace. */
export type { Metadata, Filter } from 'h5wasm';

/** The loaded library: its high-level namespace and its low-level module. */
export interface H5Runtime {
  readonly h5: H5Wasm;
  readonly module: H5Module;
}

/**
 * Waits for a loaded h5wasm build to be ready. HDF5 prints and swallows errors by default; the
 * throwing handler turns them into JS exceptions instead, so a failed call can never look like a
 * success.
 */
export async function startH5(h5: H5Wasm): Promise<H5Runtime> {
  const module = (await h5.ready) as H5Module;
  module.activate_throwing_error_handler();
  return { h5, module };
}

/** HDF5's unlimited dimension (H5S_UNLIMITED), as h5wasm passes and returns it. */
export const H5S_UNLIMITED = 18446744073709551615n;

/** True for a maxshape entry that means "unlimited" (h5wasm reports it as a float near 2^64). */
export function isUnlimited(extent: number): boolean {
  return extent >= 2 ** 63;
}
