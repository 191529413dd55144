/**
 * The errors nwbjs throws. Every error names the object it is about (`path`, an NWB path such as
 * `/acquisition/movie/data`, or the model object's name) and keeps the error that caused it, so a
 * message reads "what, where, why" without a stack trace.
 */

/** The kinds of error, one per class below; use {@link isNWBError} to narrow. */
export type NWBErrorTag =
  | 'ValidationError'
  | 'NotFoundError'
  | 'InvalidFileError'
  | 'MappingError'
  | 'UnsupportedError'
  | 'BackendError';

/** Options shared by every nwbjs error. */
export interface NWBErrorOptions {
  /** The NWB path (or model object name) the error is about. */
  path?: string;
  /** The underlying error, for example the one h5wasm or zarrita threw. */
  cause?: unknown;
}

/** Base class of every error nwbjs throws on purpose. */
export abstract class NWBError extends Error {
  /** Which kind of error this is; {@link isNWBError} narrows by it. */
  abstract readonly _tag: NWBErrorTag;
  /** The NWB path (or model object name) the error is about, when there is one. */
  readonly path: string | undefined;

  /** The message is prefixed with the path when one is given. */
  constructor(message: string, options: NWBErrorOptions = {}) {
    super(options.path !== undefined ? `${options.path}: ${message}` : message, { cause: options.cause });
    this.path = options.path;
  }

  /** The tag, so stack traces and logs show the kind. */
  override get name(): string {
    return this._tag;
  }
}

/** A model object breaks one of NWB's rules (raised on construction and by `validate()`). */
export class ValidationError extends NWBError {
  /** Tag of {@link ValidationError}. */
  readonly _tag = 'ValidationError';
  /** Short machine-readable name of the rule that was broken, e.g. `rate-xor-timestamps`. */
  readonly rule: string;

  /** An error for broken `rule` at `path`. */
  constructor(message: string, options: NWBErrorOptions & { rule: string }) {
    super(message, options);
    this.rule = options.rule;
  }
}

/** A file, store, group, dataset, attribute or link target does not exist. */
export class NotFoundError extends NWBError {
  /** Tag of {@link NotFoundError}. */
  readonly _tag = 'NotFoundError';
}

/** The input exists but is not a readable NWB file or store (not HDF5/Zarr, corrupt, truncated, not NWB). */
export class InvalidFileError extends NWBError {
  /** Tag of {@link InvalidFileError}. */
  readonly _tag = 'InvalidFileError';
}

/** The file is readable, but an object in it cannot be mapped to or from the data model. */
export class MappingError extends NWBError {
  /** Tag of {@link MappingError}. */
  readonly _tag = 'MappingError';
  /** The neurodata_type being mapped, when known. */
  readonly neurodataType: string | undefined;

  /** An error about the object at `path`, of `neurodataType` when known. */
  constructor(message: string, options: NWBErrorOptions & { neurodataType?: string }) {
    super(message, options);
    this.neurodataType = options.neurodataType;
  }
}

/** A backend cannot do what was asked (a codec, dtype or operation it lacks). */
export class UnsupportedError extends NWBError {
  /** Tag of {@link UnsupportedError}. */
  readonly _tag = 'UnsupportedError';
  /** What is unsupported, e.g. `compression:blosc` or `dtype:float16`. */
  readonly feature: string;
  /** The backend's format name, when the limit is a backend's. */
  readonly backend: string | undefined;

  /** An error for `feature`, missing in `backend` when the limit is a backend's. */
  constructor(message: string, options: NWBErrorOptions & { feature: string; backend?: string }) {
    super(message, options);
    this.feature = options.feature;
    this.backend = options.backend;
  }
}

/** A storage library (h5wasm, zarrita, the file system, fetch) failed. */
export class BackendError extends NWBError {
  /** Tag of {@link BackendError}. */
  readonly _tag = 'BackendError';
  /** The backend's format name. */
  readonly backend: string;

  /** An error of `backend`, keeping the library's error as `cause`. */
  constructor(message: string, options: NWBErrorOptions & { backend: string }) {
    super(message, options);
    this.backend = options.backend;
  }
}

/** True when `error` is an nwbjs error, and (given tags) one of those kinds. */
export function isNWBError<T extends NWBErrorTag>(
  error: unknown,
  ...tags: T[]
): error is Extract<AllNWBErrors, { _tag: T }> {
  return error instanceof NWBError && (tags.length === 0 || (tags as NWBErrorTag[]).includes(error._tag));
}

type AllNWBErrors =
  ValidationError | NotFoundError | InvalidFileError | MappingError | UnsupportedError | BackendError;
