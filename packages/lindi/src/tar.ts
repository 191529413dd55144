/**
 * `.lindi.tar`: a ustar archive whose first file, `.tar_entry.json` (data at byte 512, 1024 bytes of
 * space-padded JSON), points at `.tar_index.json`, which lists every file with its header offset
 * `o`, data offset `d` and size `s`. Reading it costs three ranges: the head, the index, then
 * `lindi.json`; the blobs that `./` references name are read from their data offsets.
 */
import { InvalidFileError } from '@nwbjs/core';

/** One file of the archive. */
export interface TarEntry {
  /** Offset of the file's data in the archive. */
  readonly data: number;
  /** The file's size in bytes. */
  readonly size: number;
}

/** The archive's files by name. */
export interface TarFile {
  readonly files: ReadonlyMap<string, TarEntry>;
}

const decoder = new TextDecoder();

function entryOf(value: unknown, what: string): { name: string; entry: TarEntry } {
  const v = value as { n?: unknown; d?: unknown; s?: unknown } | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.n !== 'string' ||
    !Number.isSafeInteger(v.d) ||
    !Number.isSafeInteger(v.s) ||
    (v.d as number) < 0 ||
    (v.s as number) < 0
  ) {
    throw new Error(`${what} is not a {n, o, d, s} entry`);
  }
  return { name: v.n, entry: { data: v.d as number, size: v.s as number } };
}

/**
 * The index of the archive whose first 1536 bytes are `head`; `read` gets other byte ranges of it.
 */
export async function readTarIndex(
  head: Uint8Array,
  read: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<TarFile> {
  try {
    const entryName = decoder.decode(head.subarray(0, 100)).replace(/\0.*$/s, '');
    if (entryName !== '.tar_entry.json')
      throw new Error(`its first file is ${JSON.stringify(entryName)}, not .tar_entry.json`);
    const entry = JSON.parse(decoder.decode(head.subarray(512, 1536))) as { index?: unknown };
    const index = entryOf(entry.index, '.tar_entry.json index');
    const text = decoder.decode(await read(index.entry.data, index.entry.size));
    const listed = (JSON.parse(text) as { files?: unknown }).files;
    if (!Array.isArray(listed)) throw new Error('.tar_index.json has no files list');
    const files = new Map<string, TarEntry>();
    for (const item of listed) {
      const { name, entry: e } = entryOf(item, '.tar_index.json entry');
      files.set(name, e);
    }
    return { files };
  } catch (cause) {
    throw new InvalidFileError(`not a readable .lindi.tar: ${(cause as Error).message}`, { cause });
  }
}
