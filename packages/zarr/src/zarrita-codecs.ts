/**
 * Codecs for zarrita itself (for code that reads or writes through `zarr.open.v2` / `zarr.get` /
 * `zarr.set`): zlib and gzip on node:zlib, which zarrita can only decode (and more slowly, through
 * DecompressionStream). ZarrBackend does not need them; it runs its own chunk pipeline.
 */
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { registry } from 'zarrita';

const CHUNK_SIZE = 1 << 20;

function nodeZlibCodec(kind: 'zlib' | 'gzip') {
  const encode = promisify(kind === 'zlib' ? zlib.deflate : zlib.gzip);
  const decode = promisify(kind === 'zlib' ? zlib.inflate : zlib.gunzip);
  return class {
    readonly kind = 'bytes_to_bytes' as const;
    constructor(private readonly level: number) {}
    static fromConfig(config: { level?: number }) {
      return new this(config.level ?? 1);
    }
    async encode(data: Uint8Array): Promise<Uint8Array> {
      const out = await encode(data, { level: this.level, chunkSize: CHUNK_SIZE });
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    async decode(data: Uint8Array): Promise<Uint8Array> {
      const out = await decode(data, { chunkSize: CHUNK_SIZE });
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
  };
}

/** Registers node:zlib `zlib` and `gzip` codecs (encode and decode) in zarrita's registry. */
export function registerZarritaCodecs(): void {
  for (const kind of ['zlib', 'gzip'] as const) {
    const codec = nodeZlibCodec(kind);
    registry.set(kind, async () => codec as never);
    registry.set(`numcodecs.${kind}`, async () => codec as never);
  }
}
