/**
 * Booleans as h5py writes them: an HDF5 enum {FALSE = 0, TRUE = 1} over int8, which HDMF, PyNWB
 * and MatNWB read as bool. h5wasm cannot create enum types, so a bool is first created as a
 * stand-in of the same element size whose datatype takes more room in the file than the enum's:
 *
 * - a dataset: a compound with one int8 member named `nwbjs_bool_<id>`;
 * - an attribute: fixed-length text, each element `nwbjs-bool:<id>:0` or `...:1`.
 *
 * When the file is closed, before it takes its name, {@link rewriteBoolStandIns} finds each
 * stand-in's datatype in the file by its id, checks the bytes around it are the message HDF5 wrote,
 * and writes the enum over it in place (the HDF5 file format is public; messages may be longer than
 * what they hold). Until then this package reads the stand-ins as bools. A stand-in that cannot be
 * rewritten fails the close, so no file with a stand-in ever takes the target's name.
 */
import type { NdArray } from '@nwbjs/core';
import { BackendError, shapeSize } from '@nwbjs/core';
import { encodeText } from '@nwbjs/core/backend';
import type { TypeMetadata } from './dtypes.js';
import { H5T } from './dtypes.js';
import { lookup3 } from './format/lookup3.js';
import type { H5Module, Metadata } from './module.js';

const MEMBER_PREFIX = 'nwbjs_bool_';
const TEXT_PREFIX = 'nwbjs-bool:';
const ID_LENGTH = 16;
/** Fixed length of an attribute stand-in's elements: room for the enum where the text was. */
const TEXT_LENGTH = 48;
const TEXT_PATTERN = /^nwbjs-bool:([0-9a-f]{16}):([01])$/;
const MEMBER_PATTERN = /^nwbjs_bool_[0-9a-f]{16}$/;

/** One stand-in written into a file: where it is, for messages. */
export interface BoolStandIn {
  /** The dataset, or the object holding the attribute. */
  readonly path: string;
  /** The attribute's name, for an attribute. */
  readonly attribute?: string;
}

/** A fresh stand-in id. */
export function standInId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ID_LENGTH / 2));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The datatype a bool dataset is created with: one int8 member named after `id`. */
export function boolDatasetType(id: string): TypeMetadata {
  return {
    type: H5T.COMPOUND,
    size: 1,
    signed: false,
    littleEndian: true,
    vlen: false,
    compound_type: {
      nmembers: 1,
      members: [
        {
          type: H5T.INTEGER,
          size: 1,
          signed: true,
          littleEndian: true,
          vlen: false,
          name: MEMBER_PREFIX + id,
          offset: 0,
        },
      ],
    },
  };
}

/** True for the member name of a dataset stand-in's compound. */
export function isBoolStandInMember(name: string): boolean {
  return MEMBER_PATTERN.test(name);
}

/** True for a dataset stand-in's datatype (this package's, not yet rewritten). */
export function isBoolStandInType(meta: Metadata): boolean {
  const members = meta.compound_type?.members;
  return (
    meta.type === H5T.COMPOUND &&
    meta.size === 1 &&
    members?.length === 1 &&
    isBoolStandInMember(members[0]!.name)
  );
}

/** The value a bool attribute is written as: fixed-length text naming `id`, one element per bool. */
export function boolAttributeStandIn(value: NdArray, id: string): NdArray {
  const bits = value.data as Uint8Array;
  return {
    dtype: 'ascii',
    shape: value.shape,
    data: Array.from(bits, (b) => `${TEXT_PREFIX}${id}:${b === 0 ? 0 : 1}`),
    textLength: TEXT_LENGTH,
  };
}

/** The bools an attribute stand-in holds, or undefined when `value` is not one. */
export function boolsOfStandIn(value: NdArray): NdArray | undefined {
  if (value.dtype !== 'ascii' || value.textLength !== TEXT_LENGTH) return undefined;
  const texts = value.data as string[];
  if (texts.length === 0) return undefined;
  const bits = new Uint8Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const match = TEXT_PATTERN.exec(texts[i]!);
    if (match === null) return undefined;
    bits[i] = Number(match[2]);
  }
  return { dtype: 'bool', shape: value.shape, data: bits };
}

/** The enum datatype message h5py writes for bool, version 1: base int8, members FALSE and TRUE. */
const BOOL_ENUM = (() => {
  const out = new Uint8Array(38);
  const view = new DataView(out.buffer);
  out[0] = 0x18; // version 1, class 8 (enumeration)
  view.setUint16(1, 2, true); // two members
  view.setUint32(4, 1, true); // one byte per element
  out[8] = 0x10; // base type: version 1, class 0 (fixed-point)
  out[9] = 0x08; // little-endian, signed
  view.setUint32(12, 1, true);
  view.setUint16(16, 0, true); // bit offset
  view.setUint16(18, 8, true); // bit precision
  out.set(encodeText('FALSE'), 20); // names, NUL-padded to 8 bytes each
  out.set(encodeText('TRUE'), 28);
  out[36] = 0; // values
  out[37] = 1;
  return out;
})();

/** Positioned access to a closed file of h5wasm's file system (the real one in Node, MEMFS in the browser). */
interface FileBytes {
  readonly size: number;
  read(position: number, length: number): Uint8Array;
  write(position: number, bytes: Uint8Array): void;
  close(): void;
}

function openFileBytes(module: H5Module, fsPath: string): FileBytes {
  const fs = module.FS as unknown as {
    open(path: string, flags: string): unknown;
    read(stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number): number;
    write(stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number): number;
    stat(path: string): { size: number };
    close(stream: unknown): void;
  };
  const size = fs.stat(fsPath).size;
  const stream = fs.open(fsPath, 'r+');
  return {
    size,
    read(position, length) {
      const out = new Uint8Array(Math.max(0, Math.min(length, size - position)));
      const got = fs.read(stream, out, 0, out.length, position);
      return out.subarray(0, got);
    },
    write(position, bytes) {
      fs.write(stream, bytes, 0, bytes.length, position);
    },
    close: () => fs.close(stream),
  };
}

const pad8 = (n: number) => Math.ceil(n / 8) * 8;

/**
 * Rewrites every stand-in of `standIns` (by id) in the closed file at `fsPath` into h5py's bool
 * enum. Throws a BackendError naming the object when a stand-in is not found where HDF5 put it.
 */
export function rewriteBoolStandIns(
  module: H5Module,
  fsPath: string,
  standIns: ReadonlyMap<string, BoolStandIn>,
  location: string,
): void {
  if (standIns.size === 0) return;
  const file = openFileBytes(module, fsPath);
  try {
    const done = new Set<string>();
    const block = 16 << 20;
    const overlap = 64;
    for (let start = 0; start < file.size; start += block) {
      const bytes = file.read(start, block + overlap);
      for (const prefix of [MEMBER_PREFIX, TEXT_PREFIX]) {
        const needle = encodeText(prefix);
        for (let at = indexOf(bytes, needle, 0); at >= 0; at = indexOf(bytes, needle, at + 1)) {
          if (at >= block) break; // the next block sees it whole
          const id = new TextDecoder().decode(
            bytes.subarray(at + needle.length, at + needle.length + ID_LENGTH),
          );
          const standIn = standIns.get(id);
          if (standIn === undefined || done.has(id)) continue;
          const rewritten =
            prefix === MEMBER_PREFIX
              ? rewriteDatasetType(file, start + at)
              : rewriteAttribute(file, start + at, standIn.attribute ?? '');
          if (rewritten) done.add(id);
        }
      }
    }
    for (const [id, standIn] of standIns) {
      if (done.has(id)) continue;
      const what =
        standIn.attribute === undefined ? standIn.path : `${standIn.path} attribute ${standIn.attribute}`;
      throw new BackendError(
        `${what}: its bool datatype could not be written as h5py's enum (not found where HDF5 put it)`,
        {
          path: location,
          backend: 'hdf5',
        },
      );
    }
  } finally {
    file.close();
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  for (
    let i = haystack.indexOf(first, from);
    i >= 0 && i <= haystack.length - needle.length;
    i = haystack.indexOf(first, i + 1)
  ) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/**
 * The compound datatype message around a member name at `nameAt`: checked field by field (one
 * member, one byte, an int8 member type), then overwritten with the enum and zeros to its end.
 */
function rewriteDatasetType(file: FileBytes, nameAt: number): boolean {
  const start = nameAt - 8;
  if (start < 0) return false;
  const bytes = file.read(start, 160);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[0]! >> 4;
  const members = view.getUint16(1, true);
  if ((bytes[0]! & 0x0f) !== 6 || members !== 1 || view.getUint32(4, true) !== 1) return false;
  const nameLength = MEMBER_PREFIX.length + ID_LENGTH + 1;
  // Where the member's own datatype starts, by compound message version.
  let memberType: number;
  if (version === 1) memberType = 8 + pad8(nameLength) + 4 + 28;
  else if (version === 2) memberType = 8 + pad8(nameLength) + 4;
  else if (version === 3) memberType = 8 + nameLength + 1;
  else return false;
  if (bytes[memberType] === undefined || (bytes[memberType]! & 0x0f) !== 0) return false;
  if (view.getUint32(memberType + 4, true) !== 1) return false;
  const length = memberType + 12;
  const out = new Uint8Array(length);
  out.set(BOOL_ENUM);
  return patchMetadata(file, start, out);
}

/**
 * The attribute message whose value starts at `valueAt`: its header, name, fixed-length string
 * datatype and dataspace are checked against what HDF5 writes (message version 1 or 3), then the
 * message is laid out again with the enum datatype, the same dataspace and one byte per element.
 */
function rewriteAttribute(file: FileBytes, valueAt: number, name: string): boolean {
  const nameBytes = new Uint8Array([...encodeText(name), 0]);
  const windowStart = Math.max(0, valueAt - 1024);
  const before = file.read(windowStart, valueAt - windowStart);
  for (
    let nameAt = lastIndexOf(before, nameBytes);
    nameAt >= 0;
    nameAt = lastIndexOf(before, nameBytes, nameAt - 1)
  ) {
    const absolute = windowStart + nameAt;
    for (const version of [1, 3] as const) {
      const headerAt = absolute - (version === 1 ? 8 : 9);
      if (headerAt < 0) continue;
      const header = file.read(headerAt, 9);
      const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
      if (header[0] !== version || view.getUint16(2, true) !== nameBytes.length) continue;
      const typeSize = view.getUint16(4, true);
      const spaceSize = view.getUint16(6, true);
      const typeAt = absolute + (version === 1 ? pad8(nameBytes.length) : nameBytes.length);
      const spaceAt = typeAt + (version === 1 ? pad8(typeSize) : typeSize);
      const dataAt = spaceAt + (version === 1 ? pad8(spaceSize) : spaceSize);
      if (typeSize !== 8 || dataAt !== valueAt) continue;
      const type = file.read(typeAt, 8);
      const typeView = new DataView(type.buffer, type.byteOffset, type.byteLength);
      if ((type[0]! & 0x0f) !== 3 || typeView.getUint32(4, true) !== TEXT_LENGTH) continue;
      const space = file.read(spaceAt, spaceSize);
      const count = elementCount(space);
      if (count === undefined || count === 0) continue;
      const values = file.read(valueAt, count * TEXT_LENGTH);
      const bits = new Uint8Array(count);
      for (let i = 0; i < count; i++) {
        const text = new TextDecoder()
          .decode(values.subarray(i * TEXT_LENGTH, (i + 1) * TEXT_LENGTH))
          .replace(/\0+$/, '');
        const match = TEXT_PATTERN.exec(text);
        if (match === null) return false;
        bits[i] = Number(match[2]);
      }
      const oldEnd = valueAt + count * TEXT_LENGTH;
      const enumSize = version === 1 ? pad8(BOOL_ENUM.length) : BOOL_ENUM.length;
      const newSpaceAt = typeAt + enumSize;
      const newDataAt = newSpaceAt + (version === 1 ? pad8(spaceSize) : spaceSize);
      if (newDataAt + count > oldEnd) return false;
      const out = new Uint8Array(oldEnd - headerAt);
      out.set(header.subarray(0, version === 1 ? 8 : 9));
      new DataView(out.buffer).setUint16(4, BOOL_ENUM.length, true);
      out.set(nameBytes, absolute - headerAt);
      out.set(BOOL_ENUM, typeAt - headerAt);
      out.set(space, newSpaceAt - headerAt);
      out.set(bits, newDataAt - headerAt);
      return patchMetadata(file, headerAt, out);
    }
  }
  return false;
}

function lastIndexOf(
  haystack: Uint8Array,
  needle: Uint8Array,
  from = haystack.length - needle.length,
): number {
  for (let i = Math.min(from, haystack.length - needle.length); i >= 0; i--) {
    let j = 0;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** Elements of a dataspace message (version 1 or 2); undefined when it is not one. */
function elementCount(space: Uint8Array): number | undefined {
  const version = space[0];
  const rank = space[1];
  if (rank === undefined || (version !== 1 && version !== 2)) return undefined;
  if (version === 2 && space[3] === 0) return 1; // scalar
  const dimsAt = version === 1 ? 8 : 4;
  const view = new DataView(space.buffer, space.byteOffset, space.byteLength);
  const dims: number[] = [];
  for (let axis = 0; axis < rank; axis++) {
    if (dimsAt + axis * 8 + 8 > space.length) return undefined;
    dims.push(Number(view.getBigUint64(dimsAt + axis * 8, true)));
  }
  return shapeSize(dims);
}

/**
 * Writes `bytes` at `position`, inside an object header. A version-2 header chunk (`OHDR`, or a
 * continuation `OCHK`) ends in a checksum of its bytes: the chunk holding `position` is found by
 * its signature and checksum before the write, and its checksum is computed again after. A version-1
 * header has neither signature nor checksum. Returns false (writing nothing) when signatures are
 * near but no chunk of them holds `position` with a checksum that matches.
 */
function patchMetadata(file: FileBytes, position: number, bytes: Uint8Array): boolean {
  const from = Math.max(0, position - (1 << 16));
  const window = file.read(from, position + bytes.length + (1 << 16) - from);
  const at = position - from;
  let signatures = 0;
  for (let sig = at; sig >= 0; sig--) {
    const signature = window[sig] === 0x4f ? new TextDecoder().decode(window.subarray(sig, sig + 4)) : '';
    if (signature !== 'OHDR' && signature !== 'OCHK') continue;
    signatures++;
    const end = chunkEnd(window, sig, signature === 'OHDR');
    if (end === undefined || end < at + bytes.length) continue;
    window.set(bytes, at);
    const sum = lookup3(window.subarray(sig, end));
    const out = new Uint8Array(end + 4 - at);
    out.set(window.subarray(at, end));
    new DataView(out.buffer).setUint32(end - at, sum, true);
    file.write(position, out);
    return true;
  }
  // Version-2 chunks nearby, none holding it: not a place this code understands.
  if (signatures > 0) return false;
  // A version-1 header, which has no checksum.
  file.write(position, bytes);
  return true;
}

/** Where the checksum of the chunk whose signature is at `sig` starts, if its checksum checks. */
function chunkEnd(bytes: Uint8Array, sig: number, first: boolean): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const checks = (end: number) =>
    end + 4 <= bytes.length && lookup3(bytes.subarray(sig, end)) === view.getUint32(end, true);
  if (first) {
    if (bytes[sig + 4] !== 2) return undefined;
    const flags = bytes[sig + 5]!;
    let p = sig + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const width = 1 << (flags & 3);
    let size = 0;
    for (let i = width - 1; i >= 0; i--) size = size * 256 + bytes[p + i]!;
    p += width;
    return checks(p + size) ? p + size : undefined;
  }
  // A continuation chunk does not say its length: walk its messages (with or without creation
  // order) and take the boundary, or a short gap after it, where the checksum matches.
  for (const headerSize of [4, 6]) {
    for (let p = sig + 4; p + headerSize <= bytes.length;) {
      for (let gap = 0; gap < headerSize; gap++) if (checks(p + gap)) return p + gap;
      p += headerSize + view.getUint16(p + 1, true);
    }
  }
  return undefined;
}
