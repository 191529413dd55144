/**
 * Telling an NWB file from any other file or store of a format: backends open whatever is in
 * their format (they are storage layers), and reading, converting or validating a store that is
 * not NWB would only hide the mistake.
 */
import type { StorageReader } from '../storage/backend.js';
import { wholeHyperslab } from '../storage/selection.js';
import { InvalidFileError, isNWBError } from '../errors.js';

/**
 * Throws an InvalidFileError unless the root group has an `nwb_version` attribute or
 * `neurodata_type` "NWBFile" (what PyNWB and hdmf-zarr accept as an NWB file), saying why in one
 * line (an empty file, an NWB 1.x file). Returns the NWB version, or undefined when only the
 * type is set. `location` names the file in the error (default: the reader's).
 */
export async function assertNWBRoot(
  reader: StorageReader,
  location: string = reader.location,
): Promise<string | undefined> {
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
  const version = text('nwb_version');
  if (version !== undefined && version !== '') return version;
  if (text('neurodata_type') === 'NWBFile') return undefined;
  throw new InvalidFileError(await whyNotNWB(reader), { path: location });
}

/** Why a store without NWB 2's root attributes is not read, in one line. */
async function whyNotNWB(reader: StorageReader): Promise<string> {
  const children = await reader.list('/').catch(() => undefined);
  if (
    children !== undefined &&
    children.length === 0 &&
    Object.keys(await reader.readAttributes('/')).length === 0
  ) {
    return `not an NWB file: this ${reader.format} file is empty (its root group holds nothing)`;
  }
  // NWB 1.x kept its version in a root dataset; PyNWB (and nwbjs) read NWB 2 only.
  const info = await reader.stat('/nwb_version').catch(() => undefined);
  if (
    info?.kind === 'dataset' &&
    info.shape.length === 0 &&
    (info.dtype === 'utf8' || info.dtype === 'ascii')
  ) {
    const version = await reader
      .readData('/nwb_version', wholeHyperslab([]))
      .then((value) => String((value.data as string[])[0]))
      .catch(() => undefined);
    if (version !== undefined && /^NWB-1\./.test(version)) {
      return `not an NWB 2 file: it is an NWB 1.x file (nwb_version ${version}), which PyNWB and nwbjs do not read`;
    }
  }
  return `not an NWB file: the root group of this ${reader.format} file has neither an nwb_version attribute nor neurodata_type NWBFile`;
}
