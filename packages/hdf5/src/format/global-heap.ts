/**
 * Global heap collections ("GCOL"): where variable-length elements (strings, sequences) and the
 * selections of region references live. A heap ID names a collection's address and an object's
 * index in it; each collection is read and split into its objects once.
 */
import { PromiseCache } from '@nwbjs/core/backend';
import type { MetadataReader } from './byte-source.js';
import { corrupt, hex } from './errors.js';

/** Collections bigger than this are corrupt (HDF5 makes them 4 KiB or the size of one object). */
const MAX_COLLECTION = 1 << 30;

/** The global heap of one file. */
export class GlobalHeap {
  readonly #reader: MetadataReader;
  /** Collections read, by address; a failed read is read again when asked again. */
  readonly #collections = new PromiseCache<number, Map<number, Uint8Array>>();

  constructor(reader: MetadataReader) {
    this.#reader = reader;
  }

  /** The bytes of object `index` of the collection at `address`. */
  async object(address: number, index: number): Promise<Uint8Array> {
    const objects = await this.#collections.get(address, () => this.#read(address));
    const found = objects.get(index);
    if (found === undefined) corrupt(`global heap collection at ${hex(address)} has no object ${index}`);
    return found;
  }

  async #read(address: number): Promise<Map<number, Uint8Array>> {
    const { lengthSize } = this.#reader.sizes;
    const head = await this.#reader.cursor(address, 8 + lengthSize, 'global heap collection');
    head.signature('GCOL', 'global heap collection');
    head.skip(4); // version, reserved
    const size = head.length();
    if (size < 8 + lengthSize || size > MAX_COLLECTION) {
      corrupt(`global heap collection at ${hex(address)} claims ${size} bytes`);
    }
    const c = await this.#reader.cursor(address, size, 'global heap collection');
    c.pos = 8 + lengthSize;
    const objects = new Map<number, Uint8Array>();
    while (c.remaining >= 8 + lengthSize) {
      const index = c.u16();
      c.skip(6); // reference count, reserved
      const objectSize = c.length();
      if (index === 0) break; // free space: the rest of the collection
      if (objectSize > c.remaining)
        corrupt(`global heap object ${index} at ${hex(address)} runs past its collection`);
      objects.set(index, c.take(objectSize));
      c.skip(Math.min(c.remaining, (8 - (objectSize % 8)) % 8));
    }
    return objects;
  }
}
