/**
 * Giving an error the path it happened at. nwbjs errors that already name a path pass through;
 * those without one are re-made with it; foreign errors (a stream's, a storage library's) are
 * wrapped in a BackendError that keeps them as `cause`.
 */
import {
  BackendError,
  InvalidFileError,
  MappingError,
  NotFoundError,
  NWBError,
  UnsupportedError,
  ValidationError,
} from '../errors.js';

/** `error`, made to name `path`. `backend` is the format named by a wrapping BackendError. */
export function errorAt(error: unknown, path: string, backend: string, doing = 'writing'): NWBError {
  if (error instanceof NWBError) {
    if (error.path !== undefined) return error;
    const options = { path, cause: error };
    const message = error.message;
    if (error instanceof ValidationError)
      return new ValidationError(message, { ...options, rule: error.rule });
    if (error instanceof NotFoundError) return new NotFoundError(message, options);
    if (error instanceof InvalidFileError) return new InvalidFileError(message, options);
    if (error instanceof MappingError) {
      return new MappingError(message, { ...options, neurodataType: error.neurodataType });
    }
    if (error instanceof UnsupportedError) {
      return new UnsupportedError(message, { ...options, feature: error.feature, backend: error.backend });
    }
    if (error instanceof BackendError)
      return new BackendError(message, { ...options, backend: error.backend });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new BackendError(`${doing} failed: ${reason}`, { path, cause: error, backend });
}
