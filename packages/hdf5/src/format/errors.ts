/**
 * What the format reader throws when a file's structures contradict themselves or the file (bad
 * signature, checksum, an address past the end, a cycle, an absurd count). The code that knows
 * which object was being read turns it into an InvalidFileError naming that object.
 */
export class CorruptStructureError extends Error {
  override readonly name = 'CorruptStructureError';
}

/** Throws a CorruptStructureError saying `message`. */
export function corrupt(message: string): never {
  throw new CorruptStructureError(message);
}

/** A structure the format allows but this reader does not read (the caller falls back). */
export class UnreadStructureError extends Error {
  override readonly name = 'UnreadStructureError';
}

/** Throws an UnreadStructureError saying `message`. */
export function unread(message: string): never {
  throw new UnreadStructureError(message);
}

/** `0x...` for an address in messages. */
export const hex = (address: number): string => `0x${address.toString(16)}`;
