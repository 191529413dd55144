/**
 * Browser: the numcodecs WASM codecs (Blosc, Zstd, LZ4) run on the calling thread. A Web Worker
 * pool would need a separately served worker script, which a library cannot count on in every
 * bundler, so chunks are coded in-thread; reads and writes still overlap their I/O.
 */
import type { PooledCodec } from '../../numcodecs-codec.js';
import { NumcodecsCache } from '../../numcodecs-codec.js';
import type { CodecRunner } from '../contract.js';

/** Codes every job on the calling thread; sizes are accepted and ignored. */
export class CodecPool implements CodecRunner {
  readonly #local = new NumcodecsCache();
  readonly threaded = false;

  constructor(_size?: number) {}

  encode(codec: PooledCodec, data: Uint8Array): Promise<Uint8Array> {
    return this.#local.run('encode', codec, data);
  }

  decode(codec: PooledCodec, data: Uint8Array): Promise<Uint8Array> {
    return this.#local.run('decode', codec, data);
  }

  async resize(_size: number): Promise<void> {}

  async close(): Promise<void> {}
}

/** The in-thread coder every Zarr store of this page shares. */
export const sharedCodecPool: CodecRunner = new CodecPool();

/** Accepted for the same API as in Node; in the browser every chunk is coded in-thread. */
export async function setCodecWorkers(count: number): Promise<void> {
  await sharedCodecPool.resize(count);
}
