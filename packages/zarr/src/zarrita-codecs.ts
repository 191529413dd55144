/**
 * Codecs for zarrita itself (for code that reads or writes through `zarr.open.v2` / `zarr.get` /
 * `zarr.set`): zlib and gzip on the platform's deflate (node:zlib in Node, CompressionStream in the
 * browser), which zarrita can otherwise only decode. ZarrBackend does not need them; it runs its
 * own chunk pipeline.
 */
import { registry } from 'zarrita';
import { deflateCodec } from '#platform/deflate.js';

function zarritaDeflateCodec(kind: 'zlib' | 'gzip') {
  return class {
    readonly kind = 'bytes_to_bytes' as const;
    readonly #codec;
    constructor(level: number) {
      this.#codec = deflateCodec(kind, level);
    }
    static fromConfig(config: { level?: number }) {
      return new this(config.level ?? 1);
    }
    encode(data: Uint8Array): Promise<Uint8Array> {
      return this.#codec.encode(data);
    }
    decode(data: Uint8Array): Promise<Uint8Array> {
      return this.#codec.decode(data);
    }
  };
}

/** Registers `zlib` and `gzip` codecs (encode and decode) in zarrita's registry. */
export function registerZarritaCodecs(): void {
  for (const kind of ['zlib', 'gzip'] as const) {
    const codec = zarritaDeflateCodec(kind);
    registry.set(kind, async () => codec as never);
    registry.set(`numcodecs.${kind}`, async () => codec as never);
  }
}
