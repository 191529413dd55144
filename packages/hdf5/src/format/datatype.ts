/**
 * The datatype message: an element's class, size and, for numbers, byte order and sign; enough to
 * size chunks and to say whether a fast decoder understands the elements. Nested types (compound
 * members, enum and array bases, vlen) are described only by their class and size.
 */
import type { Cursor } from './cursor.js';
import { corrupt } from './errors.js';

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
}

/** Reads a datatype message body. */
export function parseDatatype(c: Cursor): Datatype {
  const classAndVersion = c.u8();
  const classId = classAndVersion & 0x0f;
  const bits0 = c.u8();
  c.u8();
  c.u8();
  const size = c.u32();
  const cls = CLASSES[classId];
  if (cls === undefined) corrupt(`datatype class ${classId}`);
  if (size === 0) corrupt('datatype of size 0');
  const littleEndian = (bits0 & 0x01) === 0;
  if (cls === 'integer' || cls === 'bitfield') {
    const bitOffset = c.u16();
    const precision = c.u16();
    return {
      class: cls,
      size,
      littleEndian,
      signed: cls === 'integer' && (bits0 & 0x08) !== 0,
      bitOffset,
      precision,
    };
  }
  if (cls === 'float') {
    // Byte order bits 0 and 6: (0,1) would be VAX order, which is no plain little/big-endian float.
    const vax = (bits0 & 0x40) !== 0;
    const bitOffset = c.u16();
    const precision = c.u16();
    return {
      class: cls,
      size,
      littleEndian: littleEndian && !vax,
      signed: true,
      bitOffset: vax ? -1 : bitOffset,
      precision,
    };
  }
  return { class: cls, size, littleEndian, signed: false };
}
