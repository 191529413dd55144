/**
 * The `vlen-utf8` array-to-bytes codec of Zarr v3 (zarr-extensions `codecs/vlen-utf8`), for
 * zarrita's codec registry: a chunk is `u32le count`, then per element `u32le byteLength` and
 * its UTF-8 bytes, in C order (numcodecs' layout, shared with the v2 code). zarrita's own only
 * decodes (and reads from the start of the underlying buffer, not of the view it is given); this
 * one encodes too, and is registered in its place by {@link registerV3Codecs}. Written as a
 * drop-in for zarrita's.
 */
import { registry } from 'zarrita';
import { shapeSize } from '@nwbjs/core';
import { strides } from '../chunk-grid.js';
import { decodeVlen, encodeVlen } from '../conventions/elements.js';

/** A chunk as zarrita's codecs pass it. */
interface StringChunk {
  data: ArrayLike<unknown>;
  shape: number[];
  stride: number[];
}

/** vlen-utf8 for one chunk shape. */
export class VlenUtf8Codec {
  readonly kind = 'array_to_bytes';
  readonly #shape: number[];

  constructor(shape: readonly number[]) {
    this.#shape = [...shape];
  }

  /** zarrita's factory: the chunk shape comes from the array's metadata. */
  static fromConfig(_config: unknown, meta: { shape: number[] }): VlenUtf8Codec {
    return new VlenUtf8Codec(meta.shape);
  }

  encode(chunk: StringChunk): Uint8Array {
    return encodeVlen(
      Array.from(chunk.data, (v) =>
        typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v),
      ),
    );
  }

  decode(bytes: Uint8Array): StringChunk {
    const data = decodeVlen(bytes, shapeSize(this.#shape));
    return { data, shape: this.#shape, stride: strides(this.#shape) };
  }
}

let registered = false;

/** Puts this package's v3 codecs in zarrita's registry (once): `vlen-utf8` with encode. */
export function registerV3Codecs(): void {
  if (registered) return;
  registered = true;
  registry.set('vlen-utf8', async () => VlenUtf8Codec as never);
}
