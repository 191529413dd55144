/**
 * Fractal heaps ("FRHP"): where dense links and attributes keep their messages. An object is found
 * from its heap ID: managed objects by their offset in the heap's doubling table of direct blocks
 * (under indirect blocks), tiny objects inside the ID itself, huge objects (bigger than a block,
 * such as a large attribute) by the address in the ID or, when the ID is too short to hold one,
 * through the heap's version-2 B-tree of huge objects. Filtered heaps are not read.
 */
import { walkBTreeV2 } from './btree-v2.js';
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
  readonly #idLength: number;
  readonly #hugeIndex: number | undefined;
  #hugeObjects: Promise<Map<number, { address: number; length: number }>> | undefined;
  readonly #rootRows: number;
  readonly #maxDirectRows: number;

  private constructor(reader: MetadataReader, address: number, c: Cursor) {
    this.#reader = reader;
    this.#address = address;
    c.signature('FRHP', 'fractal heap');
    c.u8(); // version
    this.#idLength = c.u16();
    const filterLength = c.u16();
    if (filterLength > 0) unread('a filtered fractal heap');
    c.u8(); // flags
    const maxManaged = c.u32();
    c.length(); // next huge ID
    this.#hugeIndex = c.offset();
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
    if (type === 1) return this.#hugeObject(c);
    if (type !== 0) corrupt(`fractal heap ID of type ${type}`);
    const offset = c.uint(this.#offsetBytes);
    const length = c.uint(this.#lengthBytes);
    const { address, blockOffset } = await this.#directBlock(offset);
    if (offset - blockOffset + length > this.#rowSize(this.#rowOf(blockOffset).row)) {
      corrupt(`object of fractal heap ${hex(this.#address)} runs past its block`);
    }
    return this.#reader.read(address + (offset - blockOffset), length, 'fractal heap object');
  }

  /** A huge object: its address and length in the ID, or its ID's entry in the B-tree of huge objects. */
  async #hugeObject(c: Cursor): Promise<Uint8Array> {
    const { offsetSize, lengthSize } = this.#reader.sizes;
    let found: { address: number; length: number } | undefined;
    if (this.#idLength - 1 >= offsetSize + lengthSize) {
      found = { address: c.definedOffset('huge fractal heap object'), length: c.length() };
    } else {
      const key = c.uint(Math.min(this.#idLength - 1, 8));
      found = (await this.#hugeTable()).get(key);
      if (found === undefined) corrupt(`fractal heap at ${hex(this.#address)} has no huge object ${key}`);
    }
    return this.#reader.read(found.address, found.length, 'huge fractal heap object');
  }

  #hugeTable(): Promise<Map<number, { address: number; length: number }>> {
    this.#hugeObjects ??= (async () => {
      const table = new Map<number, { address: number; length: number }>();
      if (this.#hugeIndex === undefined) return table;
      await walkBTreeV2(this.#reader, this.#hugeIndex, (r, header) => {
        if (header.type !== 1) unread(`huge fractal heap objects of B-tree record type ${header.type}`);
        const address = r.definedOffset('huge fractal heap object');
        const length = r.length();
        table.set(r.length(), { address, length });
      });
      return table;
    })();
    return this.#hugeObjects;
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
