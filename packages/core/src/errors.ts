/**
 * The errors nwbjs throws. Every error names the object it is about (`path`, an NWB path such as
 * `/acquisition/movie/data`, or the model object's name) and keeps the error that caused it, so a
 * message reads "what, where, why" without a stack trace.
 */

/** The kinds of error, one per class below; use {@link isNwbError} to narrow. */
export type NwbErrorTag =
  | 'ValidationError'
  | 'NotFoundError'
  | 'InvalidFileError'
  | 'MappingError'
  | 'UnsupportedError'
  | 'BackendError';

/** Options shared by every nwbjs error. */
export interface NwbErrorOptions {
  /** The NWB path (or model object name) the error is about. */
  path?: string;
  /** The underlying error, for example the one h5wasm or zarrita threw. */
  cause?: unknown;
}

/** Base class of every error nwbjs throws on purpose. */
export abstract class NwbError extends Error {
  abstract readonly _tag: NwbErrorTag;
  /** The NWB path (or model object name) the error is about, when there is one. */
  readonly path: string | undefined;

  constructor(message: string, options: NwbErrorOptions = {}) {
    super(options.path !== undefined ? `${options.path}: ${message}` : message, { cause: options.cause });
    this.path = options.path;
  }

  override get name(): string {
    return this._tag;
  }
}

/** A model object breaks one of NWB's rules (raised on construction and by `validate()`). */
export class ValidationError extends NwbError {
  readonly _tag = 'ValidationError';
  /** Short machine-readable name of the rule that was broken, e.g. `rate-xor-timestamps`. */
  readonly rule: string;

  constructor(message: string, options: NwbErrorOptions & { rule: string }) {
    super(message, options);
    this.rule = options.rule;
  }
}

/** A file, store, group, dataset, attribute or link target does not exist. */
export class NotFoundError extends NwbError {
  readonly _tag = 'NotFoundError';
}

/** The input exists but is not a readable NWB file or store (not HDF5/Zarr, corrupt, truncated, not NWB). */
export class InvalidFileError extends NwbError {
  readonly _tag = 'InvalidFileError';
}

/** The file is readable, but an object in it cannot be mapped to or from the data model. */
export class MappingError extends NwbError {
  readonly _tag = 'MappingError';
  /** The neurodata_type being mapped, when known. */
  readonly neurodataType: string | undefined;

  constructor(message: string, options: NwbErrorOptions & { neurodataType?: string }) {
    super(message, options);
    this.neurodataType = options.neurodataType;
  }
}

/** A backend cannot do what was asked (a codec, dtype or operation it lacks). */
export class UnsupportedError extends NwbError {
  readonly _tag = 'UnsupportedError';
  /** What is unsupported, e.g. `compression:blosc` or `dtype:float16`. */
  readonly feature: string;
  /** The backend's format name, when the limit is a backend's. */
  readonly backend: string | undefined;

  constructor(message: string, options: NwbErrorOptions & { feature: string; backend?: string }) {
    super(message, options);
    this.feature = options.feature;
    this.backend = options.backend;
  }
}

/** A storage library (h5wasm, zarrita, the file system, fetch) failed. */
export class BackendError extends NwbError {
  readonly _tag = 'BackendError';
  /** The backend's format name. */
  readonly backend: string;

  constructor(message: string, options: NwbErrorOptions & { backend: string }) {
    super(message, options);
    this.backend = options.backend;
  }
}

/** True when `error` is an nwbjs error, and (given tags) one of those kinds. */
export function isNwbError<T extends NwbErrorTag>(
  error: unknown,
  ...tags: T[]
): error is Extract<AllNwbErrors, { _tag: T }> {
  return error instanceof NwbError && (tags.length === 0 || (tags as NwbErrorTag[]).includes(error._tag));
}

type AllNwbErrors =
  ValidationError | NotFoundError | InvalidFileError | MappingError | UnsupportedError | BackendError;
