/**
 * LZF decompression (h5py's filter 32000): a stream of literal runs (a control byte below 32 says
 * how many bytes follow, less one) and back references (length in the top 3 bits, extended by a
 * byte when all set; distance in the low 5 bits and the next byte). Every reference is checked to
 * stay inside what was written, and the output never grows past its stated size.
 */
import { corrupt } from '../format/errors.js';

/** The `size` bytes that `input` decompresses to. */
export function lzfDecompress(input: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const control = input[ip++]!;
    if (control < 32) {
      const run = control + 1;
      if (ip + run > input.length || op + run > size) corrupt('an LZF literal run overflows its chunk');
      out.set(input.subarray(ip, ip + run), op);
      ip += run;
      op += run;
      continue;
    }
    let length = control >> 5;
    if (length === 7) {
      if (ip >= input.length) corrupt('an LZF chunk ends inside a back reference');
      length += input[ip++]!;
    }
    if (ip >= input.length) corrupt('an LZF chunk ends inside a back reference');
    const from = op - ((control & 0x1f) << 8) - 1 - input[ip++]!;
    length += 2;
    if (from < 0 || op + length > size) corrupt('an LZF back reference points outside its chunk');
    // Byte by byte: a reference may overlap what it is writing.
    for (let k = 0; k < length; k++) out[op + k] = out[from + k]!;
    op += length;
  }
  if (op !== size) corrupt(`an LZF chunk decompresses to ${op} bytes, not ${size}`);
  return out;
}
