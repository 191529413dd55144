/**
 * HDF5's fletcher32 filter on read: the chunk's last 4 bytes are a Fletcher-32 checksum (of the
 * data as big-endian 16-bit words, the odd last byte as a high byte) that must match. HDF5 before
 * 1.6.3 stored it byte-swapped; HDF5 accepts both, and so does this.
 */
import { corrupt } from '../format/errors.js';

/** The chunk without its checksum; throws if the checksum does not match. */
export function checkFletcher32(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4) corrupt('a chunk is shorter than its fletcher32 checksum');
  const n = bytes.length - 4;
  let sum1 = 0;
  let sum2 = 0;
  let i = 0;
  let words = n >> 1;
  while (words > 0) {
    // 360 words at most between reductions keeps the sums within 32 bits.
    const block = Math.min(words, 360);
    words -= block;
    for (let k = 0; k < block; k++, i += 2) {
      sum1 += (bytes[i]! << 8) | bytes[i + 1]!;
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if (n % 2 === 1) {
    sum1 += bytes[n - 1]! << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  const computed = ((sum2 << 16) | sum1) >>> 0;
  const stored = (bytes[n]! | (bytes[n + 1]! << 8) | (bytes[n + 2]! << 16) | (bytes[n + 3]! << 24)) >>> 0;
  const swapped = (bytes[n + 3]! | (bytes[n + 2]! << 8) | (bytes[n + 1]! << 16) | (bytes[n]! << 24)) >>> 0;
  if (stored !== computed && swapped !== computed) corrupt('a chunk fails its fletcher32 checksum');
  return bytes.subarray(0, n);
}
