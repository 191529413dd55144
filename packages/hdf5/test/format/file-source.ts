/** A ByteSource over a local file, for tests. */
import { open, stat } from 'node:fs/promises';
import type { ByteSource } from '../../src/format/byte-source.js';

export async function fileSource(
  path: string,
): Promise<{ source: ByteSource; size: number; close: () => Promise<void> }> {
  const handle = await open(path, 'r');
  const { size } = await stat(path);
  const source: ByteSource = async (offset, length) => {
    const n = Math.max(0, Math.min(length, size - offset));
    const buffer = new Uint8Array(n);
    if (n > 0) await handle.read(buffer, 0, n, offset);
    return buffer;
  };
  return { source, size, close: () => handle.close() };
}
