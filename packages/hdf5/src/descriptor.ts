/**
 * The HDF5 backend as the rest of nwbjs sees it: files starting with the HDF5 signature, opened by
 * path with {@link openHdf5}; http(s) URLs of HDF5 files (named `.nwb`, `.h5` or `.hdf5`, or whose
 * first bytes are HDF5's), read with Range requests by {@link openHdf5Url}; and files named `.nwb`,
 * `.h5` or `.hdf5` when created.
 */
import type { OpenMode } from '@nwbjs/core';
import type { BackendDescriptor } from '@nwbjs/core/backend';
import type { Hdf5Backend } from './backend.js';
import { openHdf5 } from './backend.js';
import { FORMAT, backendError } from './errors.js';
import type { Hdf5UrlOptions, RemoteHdf5File } from './remote/remote-file.js';
import { openHdf5Url } from './remote/remote-file.js';
import { SIGNATURE_LENGTH, hasHdf5Signature } from './signature.js';

/** Name endings of HDF5 files. */
const EXTENSIONS = ['.nwb', '.h5', '.hdf5'];

/** True for `http://` and `https://` locations. */
function isHttpUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** Whether a URL's path names an HDF5 file by its ending. */
function namedHdf5(url: string): boolean {
  const path = new URL(url).pathname.toLowerCase();
  return EXTENSIONS.some((ending) => path.endsWith(ending));
}

/** Opens a path (h5wasm) or, for reading, an http(s) URL (Range requests, no h5wasm). */
function open(
  location: string,
  mode: OpenMode,
  options?: Hdf5UrlOptions,
): Promise<Hdf5Backend | RemoteHdf5File> {
  if (!isHttpUrl(location)) return openHdf5(location, mode);
  if (mode !== 'r')
    return Promise.reject(
      backendError(location, `a URL can only be read (mode 'r'), not written ('${mode}')`),
    );
  return openHdf5Url(location, options);
}

/** The HDF5 format's descriptor, for NWBIO and apps that pick a format by asking. */
export const hdf5Descriptor: BackendDescriptor<
  string,
  Hdf5UrlOptions | undefined,
  Hdf5Backend | RemoteHdf5File
> = {
  format: FORMAT,
  extensions: EXTENSIONS,
  headBytes: SIGNATURE_LENGTH,
  recognizes: (probe) => {
    const signed =
      probe.head.length > 0 &&
      hasHdf5Signature(probe.head.length, (offset) => probe.head.subarray(offset, offset + SIGNATURE_LENGTH));
    if (probe.kind === 'url') return signed || namedHdf5(probe.location);
    return probe.kind === 'file' && signed;
  },
  open,
  describe: (location) => location,
  writeDefaults: {},
};
