/**
 * The HDF5 backend as the rest of nwbjs sees it: files starting with the HDF5 signature, opened by
 * path with {@link openHdf5}, and named `.nwb`, `.h5` or `.hdf5` when created.
 */
import type { BackendDescriptor } from '@nwbjs/core/backend';
import type { Hdf5Backend } from './backend.js';
import { openHdf5 } from './backend.js';
import { FORMAT } from './errors.js';
import { SIGNATURE_LENGTH, hasHdf5Signature } from './signature.js';

/** The HDF5 format's descriptor, for NWBIO and apps that pick a format by asking. */
export const hdf5Descriptor: BackendDescriptor<string, undefined, Hdf5Backend> = {
  format: FORMAT,
  extensions: ['.nwb', '.h5', '.hdf5'],
  headBytes: SIGNATURE_LENGTH,
  recognizes: (probe) =>
    probe.kind === 'file' &&
    hasHdf5Signature(probe.head.length, (offset) => probe.head.subarray(offset, offset + SIGNATURE_LENGTH)),
  open: (path, mode) => openHdf5(path, mode),
  describe: (path) => path,
  writeDefaults: {},
};
