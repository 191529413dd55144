/**
 * HDF5 object references (H5T_STD_REF_OBJ, 8 bytes: the target's object header address) to and
 * from nwbjs ObjectRefs, which name the target by path.
 */
import type { ObjectRef } from '@nwbjs/core';
import { InvalidFileError, objectRef } from '@nwbjs/core';
import { OBJ_REF_SIZE } from './dtypes.js';
import { guard } from './errors.js';
import type { H5Module } from './module.js';
import { type ReferencePaths, addressKey } from './reference-paths.js';

/**
 * The path an object reference points at (`bytes` holds one 8-byte reference: the target's header
 * address). Found by `paths` where given; HDF5 is asked only for an object no hard link reaches.
 */
export function decodeRef(
  module: H5Module,
  fileId: bigint,
  bytes: Uint8Array,
  path: string,
  paths?: ReferencePaths,
): ObjectRef {
  if (bytes.every((b) => b === 0)) {
    throw new InvalidFileError('holds a null object reference', { path });
  }
  const target =
    guard(path, 'dereferencing an object reference', () => paths?.pathOf(addressKey(bytes))) ??
    guard(path, 'dereferencing an object reference', () => module.get_referenced_name(fileId, bytes, true));
  if (typeof target !== 'string' || target === '') {
    throw new InvalidFileError('holds an object reference to an object without a name', { path });
  }
  return objectRef(target);
}

/** The references of `refs`, packed one after another (8 bytes each). */
export function encodeRefs(
  module: H5Module,
  fileId: bigint,
  refs: readonly ObjectRef[],
  path: string,
): Uint8Array {
  const out = new Uint8Array(refs.length * OBJ_REF_SIZE);
  refs.forEach((ref, i) => {
    const bytes = guard(path, `creating a reference to ${ref.path}`, () =>
      module.create_object_reference(fileId, ref.path),
    );
    // h5wasm hands back a plain array of byte values.
    out.set(Uint8Array.from(bytes as ArrayLike<number>).subarray(0, OBJ_REF_SIZE), i * OBJ_REF_SIZE);
  });
  return out;
}
