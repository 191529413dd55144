/**
 * The superblock (versions 0-3): where it is (offset 0 or a power of two from 512 up, after a user
 * block), the sizes of addresses and lengths, the base address, the end of the file, and the root
 * group's object header.
 */
import { type MetadataReader, verifyChecksum } from './byte-source.js';
import { Cursor } from './cursor.js';
import { corrupt, unread } from './errors.js';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** What the rest of the reader needs of the superblock. */
export interface Superblock {
  readonly version: number;
  readonly offsetSize: number;
  readonly lengthSize: number;
  /** Absolute offset of address 0. */
  readonly base: number;
  /** End-of-file address (relative to the base). */
  readonly end: number;
  /** Address of the root group's object header. */
  readonly root: number;
}

/** Finds and reads the superblock, and sets the reader's sizes, base and end from it. */
export async function readSuperblock(reader: MetadataReader, fileSize?: number): Promise<Superblock> {
  for (let at = 0; ; at = at === 0 ? 512 : at * 2) {
    if (fileSize !== undefined && at + 8 > fileSize) break;
    // Through the page cache: the root group's header usually follows in the same page.
    const bytes = await reader.readAbsolute(at, 256);
    if (bytes.length < 8) break;
    if (!SIGNATURE.every((b, i) => bytes[i] === b)) {
      if (at > 1 << 30) break;
      continue;
    }
    const superblock = parse(bytes, at);
    reader.sizes = { offsetSize: superblock.offsetSize, lengthSize: superblock.lengthSize };
    reader.base = superblock.base;
    reader.end = superblock.end;
    return superblock;
  }
  return corrupt('not an HDF5 file: no superblock signature found');
}

function parse(bytes: Uint8Array, at: number): Superblock {
  const version = bytes[8]!;
  if (version > 3) unread(`superblock version ${version}`);
  const offsetSize = version < 2 ? bytes[13]! : bytes[9]!;
  const lengthSize = version < 2 ? bytes[14]! : bytes[10]!;
  if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) {
    corrupt(`superblock has impossible field sizes (${offsetSize}, ${lengthSize})`);
  }
  const c = new Cursor(bytes, { offsetSize, lengthSize }, at);
  if (version < 2) {
    // version, free-space, root symbol table, reserved, shared header versions, sizes, reserved,
    // group leaf/internal K, consistency flags; version 1 adds the indexed-storage K and 2 reserved.
    c.pos = 24 + (version === 1 ? 4 : 0);
    const base = c.definedOffset('superblock base');
    c.offset(); // free-space info
    const end = c.definedOffset('end of file');
    c.offset(); // driver info block
    c.offset(); // root entry: link name offset
    const root = c.definedOffset('root group object header');
    return { version, offsetSize, lengthSize, base, end, root };
  }
  verifyChecksum(bytes.subarray(0, 12 + 4 * offsetSize + 4), 'superblock', at);
  c.pos = 12;
  const base = c.definedOffset('superblock base');
  c.offset(); // superblock extension
  const end = c.definedOffset('end of file');
  const root = c.definedOffset('root group object header');
  return { version, offsetSize, lengthSize, base, end, root };
}
