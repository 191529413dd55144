/**
 * Browser: gzip and zlib on the platform's CompressionStream and DecompressionStream (Zarr's
 * `zlib` is the streams' `deflate` format, RFC 1950). These run natively and off the JavaScript
 * heap, but take no compression level: chunks are compressed at the platform's own level (zlib's
 * default, 6, in today's engines) whatever level the array's metadata records. Decoding does not
 * depend on the level, so stores written either way read the same everywhere.
 */
import type { DeflateCodecFactory, DeflateFormat } from '../contract.js';

const STREAM_FORMAT: Record<DeflateFormat, CompressionFormat> = { zlib: 'deflate', gzip: 'gzip' };

/** Copies a view over a SharedArrayBuffer, which the streams do not accept. */
function ownBuffer(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : new Uint8Array(data);
}

/** Pushes `data` through `stream` and collects the output, at most `maxOutputBytes` of it. */
async function pipeThrough(
  data: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  what: string,
  maxOutputBytes?: number,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Written while the output is read, or a large chunk would stall on backpressure. A failure
  // shows up on the reading side too, so it is reported there.
  writer
    .write(ownBuffer(data))
    .then(() => writer.close())
    .catch(() => undefined);
  const reader = stream.readable.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch (cause) {
      throw new Error(`${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    if (step.done) break;
    total += step.value.byteLength;
    if (maxOutputBytes !== undefined && total > maxOutputBytes) {
      await reader.cancel().catch(() => undefined);
      throw new RangeError(`${what}: output exceeds the ${maxOutputBytes}-byte limit`);
    }
    parts.push(step.value);
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** A CompressionStream codec; `level` is not applied (the streams have no level). */
export const deflateCodec: DeflateCodecFactory = (format, _level) => ({
  encode: (data) => pipeThrough(data, new CompressionStream(STREAM_FORMAT[format]), `${format} compression`),
  decode: (data, maxOutputBytes) =>
    pipeThrough(
      data,
      new DecompressionStream(STREAM_FORMAT[format]),
      `${format} decompression`,
      maxOutputBytes,
    ),
});
