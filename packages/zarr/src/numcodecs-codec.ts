/**
 * The numcodecs WASM codecs (Blosc, Zstd, LZ4) as zarrita's codec registry provides them, loaded
 * on the calling thread. Both platforms code with these: the browser always, Node when a chunk is
 * small, when workers are off, or when a worker dies.
 */
import { PromiseCache } from '@nwbjs/core/backend';

/** A codec run from zarrita's registry: its registry id and its numcodecs configuration. */
export interface PooledCodec {
  readonly id: 'blosc' | 'zstd' | 'lz4';
  readonly config: Record<string, unknown>;
}

/** What a codec instance from zarrita's registry offers. */
export interface NumcodecsCodec {
  encode(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  decode(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** Loads `codec` from zarrita's registry (the WASM module is fetched on first use). */
export async function loadNumcodecsCodec(codec: PooledCodec): Promise<NumcodecsCodec> {
  const { registry } = await import('zarrita');
  const loader = registry.get(codec.id);
  if (loader === undefined) throw new Error(`zarrita has no ${codec.id} codec`);
  const entry = await loader();
  const meta = { dataType: 'uint8', shape: [1], codecs: [], fillValue: null };
  return entry.fromConfig({ id: codec.id, ...codec.config }, meta as never) as NumcodecsCodec;
}

/** Codec instances by configuration, so each is loaded once per cache. */
export class NumcodecsCache {
  readonly #codecs = new PromiseCache<string, NumcodecsCodec>();

  /** The instance for `codec`'s id and configuration. */
  get(codec: PooledCodec): Promise<NumcodecsCodec> {
    return this.#codecs.get(codec.id + JSON.stringify(codec.config), () => loadNumcodecsCodec(codec));
  }

  /** Encodes or decodes `data` with `codec` on the calling thread. */
  async run(op: 'encode' | 'decode', codec: PooledCodec, data: Uint8Array): Promise<Uint8Array> {
    const local = await this.get(codec);
    return op === 'encode' ? await local.encode(data) : await local.decode(data);
  }
}
