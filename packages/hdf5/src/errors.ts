/**
 * Turning what h5wasm throws (HDF5's error stack as text, or a plain Error) into nwbjs errors that
 * name the object path and keep the original as `cause`.
 */
import { BackendError, NotFoundError, UnsupportedError, isNWBError } from '@nwbjs/core';

/** The format name every error and reader of this package reports. */
export const FORMAT = 'hdf5';

/** The first informative line of an HDF5 error stack (h5wasm throws the whole printed stack). */
export function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(
      (l) => l !== '' && !l.startsWith('HDF5-DIAG') && !l.startsWith('major:') && !l.startsWith('minor:'),
    );
  // The innermost frame says what actually went wrong; the outer ones say which API call failed.
  const frames = lines.map((l) => l.replace(/^#\d+:\s+\S+ line \d+ in /, ''));
  const last = frames[frames.length - 1];
  if (last === undefined) return text.slice(0, 200);
  return frames.length > 1 ? `${frames[0]}; ${last}` : last;
}

/**
 * Runs `fn`, rethrowing anything that is not already an nwbjs error as a BackendError about `path`
 * that says what was being done.
 */
export function guard<T>(path: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw wrapError(error, path, what);
  }
}

/** An nwbjs error for `error`, raised while doing `what` at `path`. */
export function wrapError(error: unknown, path: string, what: string): Error {
  if (isNWBError(error)) return error;
  // HDF5 walks the group tree recursively for some calls (naming what a reference points at); a
  // tree nested thousands deep overflows the stack of the WebAssembly build.
  if (error instanceof RangeError && /call stack/i.test(error.message))
    return new BackendError(
      `${what} failed: the file's groups nest too deeply for the HDF5 library (it ran out of stack)`,
      { path, cause: error, backend: FORMAT },
    );
  return new BackendError(`${what} failed: ${hdf5Reason(error)}`, { path, cause: error, backend: FORMAT });
}

/** A NotFoundError about `path`. */
export function notFound(path: string, what = 'no such object'): NotFoundError {
  return new NotFoundError(what, { path });
}

/** An UnsupportedError about `path` for `feature`. */
export function unsupported(path: string, message: string, feature: string): UnsupportedError {
  return new UnsupportedError(message, { path, feature, backend: FORMAT });
}

/** A BackendError about `path` that has no underlying library error. */
export function backendError(path: string, message: string, cause?: unknown): BackendError {
  return new BackendError(message, { path, cause, backend: FORMAT });
}
