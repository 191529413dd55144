/**
 * The one h5wasm instance of the process (the Node build, whose file system is the real one, so
 * files never sit in WASM memory), made ready once, with HDF5's throwing error handler switched on.
 */
import type * as H5WasmNamespace from 'h5wasm';

/** The high-level h5wasm namespace, as `h5wasm/node` exports it. */
export type H5Wasm = typeof H5WasmNamespace;
/** h5wasm's low-level module: the HDF5 functions it binds. */
export type H5Module = typeof H5WasmNamespace.Module;
/** What h5wasm reports about a datatype and dataspace. */
export type { Metadata, Filter } from 'h5wasm';

/** The loaded library: its high-level namespace and its low-level module. */
export interface H5Runtime {
  readonly h5: H5Wasm;
  readonly module: H5Module;
}

let loading: Promise<H5Runtime> | undefined;

/**
 * Loads h5wasm once. HDF5 prints and swallows errors by default; the throwing handler turns them
 * into JS exceptions instead, so a failed call can never look like a success.
 */
export function loadH5(): Promise<H5Runtime> {
  loading ??= (async () => {
    const h5 = (await import('h5wasm/node')) as unknown as H5Wasm;
    const module = (await h5.ready) as H5Module;
    module.activate_throwing_error_handler();
    return { h5, module };
  })();
  return loading;
}

/** HDF5's unlimited dimension (H5S_UNLIMITED), as h5wasm passes and returns it. */
export const H5S_UNLIMITED = 18446744073709551615n;

/** True for a maxshape entry that means "unlimited" (h5wasm reports it as a float near 2^64). */
export function isUnlimited(extent: number): boolean {
  return extent >= 2 ** 63;
}
