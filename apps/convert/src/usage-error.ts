/** A command line the app refuses before touching any file (bad option, existing output, ...). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
