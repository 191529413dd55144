/**
 * Fractal heaps ("FRHP"): where a group's dense links keep their link messages. An object is found
 * from its heap ID: managed objects by their offset in the heap's doubling table of direct blocks
 * (under indirect blocks), tiny objects inside the ID itself. Huge objects and filtered heaps are not
 * read (link messages are never that big).
 */
import { type MetadataReader, verifyChecksum } from './byte-source.js';
import { Cursor, log2Floor } from './cursor.js';
import { corrupt, hex, unread } from './errors.js';

/** A fractal heap's parameters, for finding objects in it. */
export class FractalHeap {
  readonly #reader: MetadataReader;
  readonly #address: number;
  readonly #width: number;
  readonly #startSize: number;
  readonly #maxDirectSize: number;
  readonly #offsetBytes: number;
  readonly #lengthBytes: number;
  readonly #root: number | undefined;
  readonly #rootRows: number;
  readonly #maxDirectRows: number;

  private constructor(reader: MetadataReader, address: number, c: Cursor) {
    this.#reader = reader;
    this.#address = address;
    c.signature('FRHP', 'fractal heap');
    c.u8(); // version
    c.u16(); // heap ID length
    const filterLength = c.u16();
    if (filterLength > 0) unread('a filtered fractal heap');
    c.u8(); // flags
    const maxManaged = c.u32();
    c.length(); // next huge ID
    c.offset(); // huge object B-tree
    c.length(); // free space
    c.offset(); // free space manager
    c.length(); // managed space
    c.length(); // allocated managed space
    c.length(); // direct block allocation iterator
    c.length(); // managed objects
    c.length(); // huge objects size
    c.length(); // huge objects count
    c.length(); // tiny objects size
    c.length(); // tiny objects count
    this.#width = c.u16();
    this.#startSize = c.length();
    this.#maxDirectSize = c.length();
    const maxHeapBits = c.u16();
    c.u16(); // starting rows of the root indirect block
    this.#root = c.offset();
    this.#rootRows = c.u16();
    if (
      this.#width === 0 ||
      this.#startSize === 0 ||
      this.#maxDirectSize < this.#startSize ||
      maxHeapBits > 64
    ) {
      corrupt(`fractal heap at ${hex(address)} has impossible parameters`);
    }
    this.#offsetBytes = Math.ceil(maxHeapBits / 8);
    this.#lengthBytes = Math.min(
      Math.ceil(log2Floor(this.#maxDirectSize) / 8),
      Math.floor(log2Floor(maxManaged) / 8) + 1,
    );
    this.#maxDirectRows = log2Floor(this.#maxDirectSize) - log2Floor(this.#startSize) + 2;
  }

  /** Reads the fractal heap header at `address`. */
  static async read(reader: MetadataReader, address: number): Promise<FractalHeap> {
    const { offsetSize: o, lengthSize: l } = reader.sizes;
    const size = 4 + 1 + 2 + 2 + 1 + 4 + l + o + l + o + 8 * l + 2 + l + l + 2 + 2 + o + 2 + 4;
    const block = await reader.read(address, size, 'fractal heap header');
    verifyChecksum(block, 'fractal heap header', address);
    return new FractalHeap(reader, address, new Cursor(block, reader.sizes, address));
  }

  /** The object a heap ID names. */
  async object(id: Uint8Array): Promise<Uint8Array> {
    const c = new Cursor(id, this.#reader.sizes, this.#address);
    const first = c.u8();
    const type = (first >> 4) & 0x03;
    if (type === 2) {
      const length = (first & 0x0f) + 1;
      return c.take(length);
    }
    if (type !== 0) return unread('a huge object in a fractal heap');
    const offset = c.uint(this.#offsetBytes);
    const length = c.uint(this.#lengthBytes);
    const { address, blockOffset } = await this.#directBlock(offset);
    if (offset - blockOffset + length > this.#rowSize(this.#rowOf(blockOffset).row)) {
      corrupt(`object of fractal heap ${hex(this.#address)} runs past its block`);
    }
    return this.#reader.read(address + (offset - blockOffset), length, 'fractal heap object');
  }

  #rowSize(row: number): number {
    return row <= 1 ? this.#startSize : this.#startSize * 2 ** (row - 1);
  }

  /** Row and column of the block starting `offset` bytes into an indirect block's span. */
  #rowOf(offset: number): { row: number; column: number; rowStart: number } {
    let rowStart = 0;
    for (let row = 0; row < 64; row++) {
      const rowSpan = this.#rowSize(row) * this.#width;
      if (offset < rowStart + rowSpan) {
        return { row, column: Math.floor((offset - rowStart) / this.#rowSize(row)), rowStart };
      }
      rowStart += rowSpan;
    }
    return corrupt(`fractal heap offset ${offset} is out of range`);
  }

  /** Address and heap offset of the direct block holding heap offset `offset`. */
  async #directBlock(offset: number): Promise<{ address: number; blockOffset: number }> {
    if (this.#root === undefined) corrupt(`fractal heap at ${hex(this.#address)} is empty`);
    if (this.#rootRows === 0) {
      if (offset >= this.#startSize) corrupt(`heap offset ${offset} past the fractal heap's only block`);
      return { address: this.#root, blockOffset: 0 };
    }
    let block = this.#root;
    let rows = this.#rootRows;
    let base = 0;
    const { offsetSize } = this.#reader.sizes;
    for (let depth = 0; depth < 64; depth++) {
      const { row, column, rowStart } = this.#rowOf(offset - base);
      if (row >= rows || column >= this.#width)
        corrupt(`heap offset ${offset} past an indirect block of the fractal heap`);
      const childIndex = row * this.#width + column;
      const direct = row < this.#maxDirectRows;
      const entryAt = 4 + 1 + offsetSize + this.#offsetBytes + childIndex * offsetSize;
      const c = await this.#reader.cursor(block + entryAt, offsetSize, 'fractal heap indirect block');
      const child = c.offset();
      if (child === undefined)
        corrupt(`heap offset ${offset} lies in an unallocated block of the fractal heap`);
      const childOffset = base + rowStart + column * this.#rowSize(row);
      if (direct) return { address: child, blockOffset: childOffset };
      const childSize = this.#rowSize(row);
      rows = log2Floor(childSize) - log2Floor(this.#startSize * this.#width) + 1;
      block = child;
      base = childOffset;
    }
    return corrupt(`fractal heap at ${hex(this.#address)} nests too deep`);
  }
}
