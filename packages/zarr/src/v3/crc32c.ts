/**
 * CRC-32C (Castagnoli), the checksum of Zarr v3's `crc32c` codec: reflected polynomial 0x82F63B78,
 * initial value and final XOR 0xFFFFFFFF, stored as 4 little-endian bytes after what it covers.
 */

/** The byte-at-a-time lookup table, built on first use. */
let table: Uint32Array | undefined;

function lookupTable(): Uint32Array {
  if (table !== undefined) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** The CRC-32C of `bytes`. */
export function crc32c(bytes: Uint8Array): number {
  const t = lookupTable();
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
