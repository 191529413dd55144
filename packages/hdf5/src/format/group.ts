/**
 * A group's links, from whichever storage the group uses: an old-style symbol table (a version-1
 * B-tree of symbol table nodes, names in a local heap), link messages in the header (compact), or
 * dense storage (link messages in a fractal heap, indexed by a version-2 B-tree).
 */
import type { MetadataReader } from './byte-source.js';
import { walkBTreeV1 } from './btree-v1.js';
import { walkBTreeV2 } from './btree-v2.js';
import { Cursor } from './cursor.js';
import { corrupt, hex } from './errors.js';
import { FractalHeap } from './fractal-heap.js';
import { type Link, parseLink, parseLinkInfo } from './links.js';
import { LocalHeap } from './local-heap.js';
import { type HeaderMessage, MessageType } from './object-header.js';

/** The links of the group whose header messages are `messages`, in no particular order. */
export async function readLinks(reader: MetadataReader, messages: readonly HeaderMessage[]): Promise<Link[]> {
  const links: Link[] = [];
  for (const m of messages) {
    if (m.type === MessageType.link) links.push(parseLink(copy(m.body)));
  }
  const symbolTable = messages.find((m) => m.type === MessageType.symbolTable);
  if (symbolTable !== undefined) {
    const c = copy(symbolTable.body);
    const btree = c.definedOffset('symbol table B-tree');
    const heapAddress = c.definedOffset('symbol table local heap');
    links.push(...(await symbolTableLinks(reader, btree, heapAddress)));
  }
  const info = messages.find((m) => m.type === MessageType.linkInfo);
  if (info !== undefined) {
    const { heap, nameIndex } = parseLinkInfo(copy(info.body));
    if (heap !== undefined && nameIndex !== undefined)
      links.push(...(await denseLinks(reader, heap, nameIndex)));
  }
  return links;
}

/** True when the header messages are a group's (a symbol table, link info or link message). */
export function isGroup(messages: readonly HeaderMessage[]): boolean {
  return messages.some(
    (m) =>
      m.type === MessageType.symbolTable || m.type === MessageType.linkInfo || m.type === MessageType.link,
  );
}

function copy(c: Cursor): Cursor {
  return new Cursor(c.bytes, c.sizes, c.address, c.pos);
}

async function symbolTableLinks(reader: MetadataReader, btree: number, heapAddress: number): Promise<Link[]> {
  const heap = await LocalHeap.read(reader, heapAddress);
  const nodes: number[] = [];
  await walkBTreeV1(reader, btree, 0, reader.sizes.lengthSize, (_key, child) => nodes.push(child));
  const { offsetSize } = reader.sizes;
  const entrySize = 2 * offsetSize + 24;
  const links: Link[] = [];
  const seen = new Set<number>();
  for (const node of nodes) {
    if (seen.has(node)) corrupt(`symbol table node at ${hex(node)} is listed twice`);
    seen.add(node);
    const head = await reader.cursor(node, 8, 'symbol table node');
    head.signature('SNOD', 'symbol table node');
    head.skip(2);
    const count = head.u16();
    const c = await reader.cursor(node + 8, count * entrySize, 'symbol table node entries');
    for (let i = 0; i < count; i++) {
      const start = c.pos;
      const nameOffset = c.uint(offsetSize);
      const address = c.offset();
      const cacheType = c.u32();
      c.skip(4);
      const name = heap.string(nameOffset);
      if (cacheType === 2) {
        // A soft link: the scratch pad holds the offset of its target in the local heap.
        const target = heap.string(c.u32());
        links.push({ name, kind: 'soft', target });
      } else {
        if (address === undefined) corrupt(`symbol table entry "${name}" has an undefined address`);
        links.push({ name, kind: 'hard', address });
      }
      c.pos = start + entrySize;
    }
  }
  return links;
}

async function denseLinks(reader: MetadataReader, heapAddress: number, nameIndex: number): Promise<Link[]> {
  const heap = await FractalHeap.read(reader, heapAddress);
  const ids: Uint8Array[] = [];
  await walkBTreeV2(reader, nameIndex, (c, header) => {
    if (header.type !== 5) corrupt(`link name index at ${hex(nameIndex)} has record type ${header.type}`);
    c.skip(4); // name hash
    ids.push(c.take(header.recordSize - 4));
  });
  const messages = await Promise.all(ids.map((id) => heap.object(id)));
  return messages.map((bytes) => parseLink(new Cursor(bytes, reader.sizes, heapAddress)));
}
