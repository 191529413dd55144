/** Local heaps ("HEAP"): the names of an old-style group's links, NUL-terminated at offsets. */
import type { MetadataReader } from './byte-source.js';
import { corrupt, hex } from './errors.js';

/** A local heap's data segment, for looking names up. */
export class LocalHeap {
  readonly #data: Uint8Array;
  readonly #address: number;

  private constructor(data: Uint8Array, address: number) {
    this.#data = data;
    this.#address = address;
  }

  /** Reads the local heap at `address`. */
  static async read(reader: MetadataReader, address: number): Promise<LocalHeap> {
    const c = await reader.cursor(
      address,
      8 + 2 * reader.sizes.lengthSize + reader.sizes.offsetSize,
      'local heap',
    );
    c.signature('HEAP', 'local heap');
    c.skip(4); // version, reserved
    const size = c.length();
    c.length(); // free list
    const dataAddress = c.definedOffset('local heap data');
    return new LocalHeap(await reader.read(dataAddress, size, 'local heap data'), address);
  }

  /** The NUL-terminated string at `offset`. */
  string(offset: number): string {
    if (offset >= this.#data.length)
      corrupt(`name offset ${offset} is outside the local heap at ${hex(this.#address)}`);
    let end = this.#data.indexOf(0, offset);
    if (end < 0) end = this.#data.length;
    return new TextDecoder().decode(this.#data.subarray(offset, end));
  }
}
