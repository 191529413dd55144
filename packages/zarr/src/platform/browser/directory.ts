/**
 * Browser: there is no file system to open a path in, so a path string is refused with an
 * UnsupportedError that says what can be opened instead.
 */
import { UnsupportedError } from '@nwbjs/core';
import type { DirectoryReaderOpener, DirectoryWriterOpener } from '../contract.js';

function refuse(location: string): never {
  throw new UnsupportedError(
    `${JSON.stringify(location)}: directory stores are not available in the browser; open an http(s) URL, a Map<string, Uint8Array> or a ZarrStore instead`,
    { path: '/', feature: 'directory-store', backend: 'zarr' },
  );
}

/** Always refuses: no directories in the browser. */
export const openDirectoryReader: DirectoryReaderOpener = async (location) => refuse(location);

/** Always refuses: no directories in the browser. */
export const openDirectoryWriter: DirectoryWriterOpener = async (location) => refuse(location);
