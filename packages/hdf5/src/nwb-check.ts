/**
 * Telling an NWB file from any other HDF5 file. The backend opens every HDF5 file (it is a storage
 * layer); callers that need NWB check the root with {@link assertNWBFile}.
 */
import type { StorageReader } from '@nwbjs/core';
import { InvalidFileError, isNWBError } from '@nwbjs/core';

/**
 * Throws an InvalidFileError unless the store's root looks like NWB: an `nwb_version` attribute or
 * `neurodata_type` "NWBFile" (what PyNWB and nwb-validate accept). Returns the NWB version, or
 * undefined when only the type is set.
 */
export async function assertNWBFile(reader: StorageReader): Promise<string | undefined> {
  let attrs;
  try {
    attrs = await reader.readAttributes('/');
  } catch (error) {
    if (isNWBError(error, 'InvalidFileError')) throw error;
    throw new InvalidFileError('the root group cannot be read', { path: reader.location, cause: error });
  }
  const text = (name: string): string | undefined => {
    const value = attrs[name];
    if (value === undefined || (value.dtype !== 'utf8' && value.dtype !== 'ascii')) return undefined;
    return (value.data as string[])[0];
  };
  const version = text('nwb_version');
  if (version !== undefined && version !== '') return version;
  if (text('neurodata_type') === 'NWBFile') return undefined;
  throw new InvalidFileError(
    'is HDF5 but not NWB (the root has neither nwb_version nor neurodata_type NWBFile)',
    {
      path: reader.location,
    },
  );
}
