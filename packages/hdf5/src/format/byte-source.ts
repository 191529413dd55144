/**
 * Where the format reader gets bytes: a positioned read, the one thing both a local file and an HTTP
 * server with Range requests can do. Metadata goes through a page cache on top, so the many small
 * reads of headers and index nodes become few reads of the source.
 */
import { PromiseCache } from '@nwbjs/core/backend';
import { Cursor, type FieldSizes } from './cursor.js';
import { corrupt, hex } from './errors.js';
import { lookup3 } from './lookup3.js';

/**
 * Reads `length` bytes at absolute `offset` of the file. May return fewer bytes only at the end of
 * the file.
 */
export type ByteSource = (offset: number, length: number) => Promise<Uint8Array>;

/**
 * Reads `target.length` bytes at absolute `offset` of the file into `target` (where the bytes can
 * land in the caller's buffer directly, as with a local file); resolves to the number of bytes
 * read, fewer only at the end of the file.
 */
export type ByteSourceInto = (offset: number, target: Uint8Array) => Promise<number>;

/** Size of the pages metadata is read in. */
const PAGE = 64 * 1024;
/** Past this many cached bytes the cache starts over (metadata of a huge index is read once anyway). */
const CACHE_LIMIT = 64 * 1024 * 1024;
/** No single metadata structure is read bigger than this; a bigger claim is a corrupt file. */
const MAX_STRUCTURE = 256 * 1024 * 1024;

/** The file's metadata, as addresses relative to the superblock's base address. */
export class MetadataReader {
  readonly source: ByteSource;
  /** Absolute offset of address 0 (the superblock's base address). */
  base = 0;
  /** End of the file in addresses, once the superblock said it (every structure must lie before). */
  end = Number.POSITIVE_INFINITY;
  sizes: FieldSizes = { offsetSize: 8, lengthSize: 8 };
  /** Pages read, by index; a failed read is read again when asked again. */
  readonly #pages = new PromiseCache<number, Uint8Array>();
  #cached = 0;

  constructor(source: ByteSource) {
    this.source = source;
  }

  /** Checks that `length` bytes at `address` lie inside the file. */
  checkRange(address: number, length: number, what: string): void {
    if (!Number.isSafeInteger(address) || address < 0 || !Number.isSafeInteger(length) || length < 0) {
      corrupt(`${what} has an impossible address or size (${address}, ${length})`);
    }
    if (address + length > this.end) {
      corrupt(
        `${what} at ${hex(address)} (${length} bytes) lies past the end of the file (${hex(this.end)})`,
      );
    }
  }

  /** `length` bytes at `address` (relative to the base), through the page cache. */
  async read(address: number, length: number, what: string): Promise<Uint8Array> {
    this.checkRange(address, length, what);
    if (length > MAX_STRUCTURE) corrupt(`${what} at ${hex(address)} claims an absurd size (${length} bytes)`);
    const out = await this.readAbsolute(this.base + address, length);
    if (out.length < length) {
      corrupt(`${what} at ${hex(address)} (${length} bytes) lies past the end of the file`);
    }
    return out;
  }

  /**
   * Up to `length` bytes at absolute file offset `offset` (before the superblock is known), through
   * the page cache; fewer at the end of the file.
   */
  async readAbsolute(offset: number, length: number): Promise<Uint8Array> {
    if (length === 0) return new Uint8Array(0);
    const first = Math.floor(offset / PAGE);
    const last = Math.floor((offset + length - 1) / PAGE);
    const pages: Promise<Uint8Array>[] = [];
    for (let p = first; p <= last; p++) pages.push(this.#page(p));
    const loaded = await Promise.all(pages);
    const out = new Uint8Array(length);
    let filled = 0;
    for (let i = 0; i < loaded.length; i++) {
      const page = loaded[i]!;
      const pageStart = (first + i) * PAGE;
      const from = Math.max(offset, pageStart) - pageStart;
      const to = Math.min(offset + length - pageStart, page.length);
      if (to <= from) break;
      out.set(page.subarray(from, to), filled);
      filled += to - from;
      if (page.length < PAGE) break;
    }
    return filled === length ? out : out.subarray(0, filled);
  }

  /** A cursor over `length` bytes at `address`. */
  async cursor(address: number, length: number, what: string): Promise<Cursor> {
    return new Cursor(await this.read(address, length, what), this.sizes, address);
  }

  #page(index: number): Promise<Uint8Array> {
    return this.#pages.get(index, () => {
      if (this.#cached >= CACHE_LIMIT) {
        this.#pages.clear();
        this.#cached = 0;
      }
      this.#cached += PAGE;
      return this.source(index * PAGE, PAGE);
    });
  }
}

/** Checks the lookup3 checksum stored in the last 4 bytes of `block` (a v2 metadata structure). */
export function verifyChecksum(block: Uint8Array, what: string, address: number): void {
  if (block.length < 4) corrupt(`${what} at ${hex(address)} is too short for its checksum`);
  const n = block.length - 4;
  const stored = (block[n]! | (block[n + 1]! << 8) | (block[n + 2]! << 16) | (block[n + 3]! << 24)) >>> 0;
  const computed = lookup3(block.subarray(0, n));
  if (stored !== computed) corrupt(`${what} at ${hex(address)} fails its checksum`);
}
