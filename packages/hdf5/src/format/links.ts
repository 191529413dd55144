/** The link message and the link info message: a group's links in new-style (HDF5 1.8+) groups. */
import type { Cursor } from './cursor.js';
import { corrupt, unread } from './errors.js';

/** One link of a group. */
export type Link =
  | { readonly name: string; readonly kind: 'hard'; readonly address: number }
  | { readonly name: string; readonly kind: 'soft'; readonly target: string }
  | { readonly name: string; readonly kind: 'external'; readonly file: string; readonly target: string };

/** Where a new-style group keeps links that are not messages of its header (dense storage). */
export interface LinkInfo {
  /** Fractal heap of the link messages, undefined when the links are header messages. */
  readonly heap: number | undefined;
  /** Version-2 B-tree indexing the links by name hash. */
  readonly nameIndex: number | undefined;
}

const text = new TextDecoder();

/** Reads a link message body. */
export function parseLink(c: Cursor): Link {
  const version = c.u8();
  if (version !== 1) unread(`link message version ${version}`);
  const flags = c.u8();
  const type = flags & 0x08 ? c.u8() : 0;
  if (flags & 0x04) c.skip(8); // creation order
  if (flags & 0x10) c.skip(1); // character set
  const nameLength = c.uint(1 << (flags & 0x03));
  if (nameLength === 0) corrupt('link with an empty name');
  const name = text.decode(c.take(nameLength));
  if (type === 0) return { name, kind: 'hard', address: c.definedOffset(`link "${name}"`) };
  if (type === 1) return { name, kind: 'soft', target: text.decode(c.take(c.u16())) };
  if (type === 64) {
    const data = c.take(c.u16());
    // A version/flags byte, then the file name and the object path, each NUL-terminated.
    const parts = text.decode(data.subarray(1)).split('\0');
    return { name, kind: 'external', file: parts[0] ?? '', target: parts[1] ?? '' };
  }
  return unread(`link type ${type}`);
}

/** Reads a link info message body. */
export function parseLinkInfo(c: Cursor): LinkInfo {
  const version = c.u8();
  if (version !== 0) unread(`link info message version ${version}`);
  const flags = c.u8();
  if (flags & 0x01) c.skip(8); // maximum creation index
  const heap = c.offset();
  const nameIndex = c.offset();
  return { heap, nameIndex };
}
