/**
 * Telling an NWB file from any other HDF5 file or Zarr store: both backends open whatever is in
 * their format, and converting or validating a store that is not NWB would only hide the mistake.
 */
import { InvalidFileError, isNWBError, type StorageReader } from '@nwbjs/core';

/**
 * Throws an InvalidFileError unless the root group has an `nwb_version` attribute or
 * `neurodata_type` "NWBFile" (what PyNWB and hdmf-zarr accept as an NWB file). `location` names the
 * file in the message.
 */
export async function assertNWBRoot(
  reader: StorageReader,
  location: string = reader.location,
): Promise<void> {
  let attrs;
  try {
    attrs = await reader.readAttributes('/');
  } catch (error) {
    if (isNWBError(error)) throw error;
    throw new InvalidFileError('not an NWB file: the root group cannot be read', {
      path: location,
      cause: error,
    });
  }
  const text = (name: string): string | undefined => {
    const value = attrs[name];
    return value !== undefined && (value.dtype === 'utf8' || value.dtype === 'ascii')
      ? (value.data as string[])[0]
      : undefined;
  };
  if (text('nwb_version') || text('neurodata_type') === 'NWBFile') return;
  throw new InvalidFileError(
    `not an NWB file: the root group of this ${reader.format} store has neither nwb_version nor neurodata_type NWBFile`,
    { path: location },
  );
}
