/**
 * The datatype message (versions 1-4), fully: numbers with their byte order, sign and bit layout,
 * strings with padding and character set, compounds (member encodings of versions 1-3), enums,
 * arrays, variable-length sequences and strings, references, opaque, bitfield and time types.
 * Nested types are parsed in place, so a message is consumed exactly.
 */
import type { Cursor } from './cursor.js';
import { corrupt, unread } from './errors.js';

/** HDF5 datatype classes by number. */
const CLASSES = [
  'integer',
  'float',
  'time',
  'string',
  'bitfield',
  'opaque',
  'compound',
  'reference',
  'enum',
  'vlen',
  'array',
] as const;

/** A datatype class name. */
export type DatatypeClass = (typeof CLASSES)[number];

/** Padding of fixed-length strings: NUL-terminated, NUL-padded or space-padded. */
export type StringPadding = 'nullterm' | 'nullpad' | 'spacepad';

/** A member of a compound type. */
export interface CompoundMember {
  readonly name: string;
  /** Byte offset of the member inside one element. */
  readonly offset: number;
  readonly type: Datatype;
}

/** What the reader knows of an element type. */
export interface Datatype {
  readonly class: DatatypeClass;
  /** Bytes per element. */
  readonly size: number;
  /** Byte order of numbers (integer, float, bitfield, enum base); true when little-endian. */
  readonly littleEndian: boolean;
  /** Integers: signed. */
  readonly signed: boolean;
  /** Integers and floats: bits of precision and their offset (a padded type is not a plain number). */
  readonly precision?: number;
  readonly bitOffset?: number;
  /** Strings (fixed-length and variable-length): padding and whether the text is UTF-8. */
  readonly padding?: StringPadding;
  readonly utf8?: boolean;
  /** Compound types: the members in storage order. */
  readonly members?: readonly CompoundMember[];
  /** Enums, arrays and variable-length types: the element type. */
  readonly base?: Datatype;
  /** Enums: member names and their values (as numbers of the base type). */
  readonly enumMembers?: readonly { readonly name: string; readonly value: number | bigint }[];
  /** Arrays: the extent of each axis of one element. */
  readonly dims?: readonly number[];
  /** Variable-length types: a sequence of `base`, or a string. */
  readonly vlen?: 'sequence' | 'string';
  /** References: to an object, to a region of a dataset, or one of the HDF5 1.12 kinds (`other`). */
  readonly reference?: 'object' | 'region' | 'other';
  /** Datatype message version (4 for the newer reference encodings). */
  readonly version?: number;
}

const PADDINGS: readonly StringPadding[] = ['nullterm', 'nullpad', 'spacepad'];
const text = new TextDecoder();
/** Nesting deeper than this (compound in array in compound...) is a corrupt file. */
const MAX_DEPTH = 32;

/** Reads a datatype message body. */
export function parseDatatype(c: Cursor, depth = 0): Datatype {
  if (depth > MAX_DEPTH) corrupt('datatype nests too deep');
  const classAndVersion = c.u8();
  const classId = classAndVersion & 0x0f;
  const version = classAndVersion >> 4;
  const bits0 = c.u8();
  const bits1 = c.u8();
  c.u8();
  const size = c.u32();
  const cls = CLASSES[classId];
  if (cls === undefined) corrupt(`datatype class ${classId}`);
  if (version < 1 || version > 5) corrupt(`datatype version ${version}`);
  if (size === 0 && cls !== 'vlen') corrupt('datatype of size 0');
  const littleEndian = (bits0 & 0x01) === 0;
  const plain = { class: cls, size, littleEndian, signed: false, version } as const;
  switch (cls) {
    case 'integer':
    case 'bitfield': {
      const bitOffset = c.u16();
      const precision = c.u16();
      return { ...plain, signed: cls === 'integer' && (bits0 & 0x08) !== 0, bitOffset, precision };
    }
    case 'float': {
      // Byte order bits 0 and 6: (0,1) would be VAX order, which is no plain little/big-endian float.
      const vax = (bits0 & 0x40) !== 0;
      const bitOffset = c.u16();
      const precision = c.u16();
      c.skip(8); // exponent and mantissa locations and sizes, exponent bias
      return {
        ...plain,
        littleEndian: littleEndian && !vax,
        signed: true,
        bitOffset: vax ? -1 : bitOffset,
        precision,
      };
    }
    case 'time':
      c.u16(); // bit precision
      return plain;
    case 'string':
      return { ...plain, padding: padding(bits0 & 0x0f), utf8: charset(bits0 >> 4) };
    case 'opaque': {
      c.skip(bits0); // the tag, NUL-padded to a multiple of 8
      return plain;
    }
    case 'compound':
      return { ...plain, members: parseMembers(c, version, bits0 | (bits1 << 8), size, depth) };
    case 'reference':
      return { ...plain, reference: referenceKind(bits0 & 0x0f, version) };
    case 'enum': {
      const count = bits0 | (bits1 << 8);
      const base = parseDatatype(c, depth + 1);
      const names: string[] = [];
      for (let i = 0; i < count; i++) names.push(version >= 3 ? nulTerminated(c) : paddedName(c));
      const enumMembers = names.map((name) => ({ name, value: enumValue(c.take(base.size), base) }));
      return { ...plain, littleEndian: base.littleEndian, signed: base.signed, base, enumMembers };
    }
    case 'vlen': {
      const kind = bits0 & 0x0f;
      if (kind > 1) corrupt(`variable-length type ${kind}`);
      const base = parseDatatype(c, depth + 1);
      if (kind === 1) {
        return {
          ...plain,
          vlen: 'string',
          base,
          padding: padding((bits0 >> 4) & 0x0f),
          utf8: charset(bits1 & 0x0f),
        };
      }
      return { ...plain, vlen: 'sequence', base };
    }
    case 'array': {
      const rank = c.u8();
      if (version < 3) c.skip(3);
      const dims: number[] = [];
      for (let i = 0; i < rank; i++) dims.push(c.u32());
      if (version < 3) c.skip(4 * rank); // permutation (never implemented by HDF5)
      const base = parseDatatype(c, depth + 1);
      return { ...plain, dims, base };
    }
  }
}

function padding(value: number): StringPadding {
  // Values 3-15 are reserved; HDF5 treats them as NUL-terminated.
  return PADDINGS[value] ?? 'nullterm';
}

function charset(value: number): boolean {
  if (value > 1) unread(`character set ${value}`);
  return value === 1;
}

function referenceKind(type: number, version: number): 'object' | 'region' | 'other' {
  if (version < 4) {
    if (type === 0) return 'object';
    if (type === 1) return 'region';
    return corrupt(`reference type ${type}`);
  }
  return 'other';
}

function parseMembers(
  c: Cursor,
  version: number,
  count: number,
  size: number,
  depth: number,
): CompoundMember[] {
  const members: CompoundMember[] = [];
  // Version 3 stores offsets in as few bytes as the element size needs.
  const offsetBytes = size < 0x100 ? 1 : size < 0x10000 ? 2 : size < 0x1000000 ? 3 : 4;
  for (let i = 0; i < count; i++) {
    const name = version >= 3 ? nulTerminated(c) : paddedName(c);
    const offset = version >= 3 ? c.uint(offsetBytes) : c.u32();
    if (version === 1) {
      // Old array members: rank, reserved, permutation, reserved, four dimension sizes.
      const rank = c.u8();
      c.skip(3 + 4 + 4);
      const dims: number[] = [];
      for (let d = 0; d < 4; d++) dims.push(c.u32());
      const base = parseDatatype(c, depth + 1);
      if (rank > 0) {
        const shape = dims.slice(0, rank);
        const n = shape.reduce((a, b) => a * b, 1);
        members.push({
          name,
          offset,
          type: { class: 'array', size: base.size * n, littleEndian: true, signed: false, dims: shape, base },
        });
        continue;
      }
      members.push({ name, offset, type: base });
      continue;
    }
    const type = parseDatatype(c, depth + 1);
    members.push({ name, offset, type });
  }
  for (const m of members) {
    if (m.offset + m.type.size > size) corrupt(`compound member "${m.name}" lies past its element`);
  }
  return members;
}

/** A NUL-terminated name, padded with NULs to a multiple of 8 bytes (name included). */
function paddedName(c: Cursor): string {
  const start = c.pos;
  const name = nulTerminated(c);
  const used = c.pos - start;
  c.skip((8 - (used % 8)) % 8);
  return name;
}

function nulTerminated(c: Cursor): string {
  const end = c.bytes.indexOf(0, c.pos);
  if (end < 0) corrupt('a name runs past its message');
  const name = text.decode(c.bytes.subarray(c.pos, end));
  c.pos = end + 1;
  return name;
}

function enumValue(bytes: Uint8Array, base: Datatype): number | bigint {
  const ordered = base.littleEndian ? bytes : bytes.slice().reverse();
  let value = 0n;
  for (let i = ordered.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(ordered[i]!);
  if (base.signed && ordered.length > 0 && ordered[ordered.length - 1]! & 0x80) {
    value -= 1n << BigInt(8 * ordered.length);
  }
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}
