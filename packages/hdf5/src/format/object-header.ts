/**
 * Object headers, version 1 and version 2 ("OHDR"), with their continuation chunks: the list of
 * header messages of one object. Version-2 chunks are checksummed; continuations are followed once
 * each (a chunk named twice is a cycle), up to a bound no real object reaches.
 */
import { type MetadataReader, verifyChecksum } from './byte-source.js';
import { Cursor } from './cursor.js';
import { corrupt, hex } from './errors.js';

/** One header message: its type, flags and body. */
export interface HeaderMessage {
  readonly type: number;
  readonly flags: number;
  readonly body: Cursor;
}

/** Header message types this reader looks at. */
export const MessageType = {
  dataspace: 0x01,
  linkInfo: 0x02,
  datatype: 0x03,
  fillValueOld: 0x04,
  fillValue: 0x05,
  link: 0x06,
  externalFiles: 0x07,
  layout: 0x08,
  filterPipeline: 0x0b,
  attribute: 0x0c,
  continuation: 0x10,
  symbolTable: 0x11,
  groupInfo: 0x0a,
  attributeInfo: 0x15,
} as const;

/** Message flag: the body is a reference to a shared message (e.g. a committed datatype). */
export const SHARED_FLAG = 0x02;

const MAX_CHUNKS = 10_000;

/** The messages of the object header at `address`. */
export async function readObjectHeader(reader: MetadataReader, address: number): Promise<HeaderMessage[]> {
  const first = await reader.read(address, 4, 'object header');
  const isV2 = first[0] === 0x4f && first[1] === 0x48 && first[2] === 0x44 && first[3] === 0x52; // OHDR
  const messages: HeaderMessage[] = [];
  const pending: { address: number; length: number }[] = [];
  const seen = new Set<number>([address]);
  let flags = 0;

  if (isV2) {
    const prefix = await reader.cursor(address, 6, 'object header');
    prefix.pos = 4;
    const version = prefix.u8();
    if (version !== 2) corrupt(`object header at ${hex(address)} has version ${version}`);
    flags = prefix.u8();
    const times = flags & 0x20 ? 16 : 0;
    const phase = flags & 0x10 ? 4 : 0;
    const sizeBytes = 1 << (flags & 0x03);
    const head = await reader.cursor(address + 6 + times + phase, sizeBytes, 'object header');
    const chunkSize = head.uint(sizeBytes);
    const start = 6 + times + phase + sizeBytes;
    const block = await reader.read(address, start + chunkSize + 4, 'object header');
    verifyChecksum(block, 'object header', address);
    parseV2Messages(
      new Cursor(block.subarray(0, start + chunkSize), reader.sizes, address, start),
      flags,
      messages,
    );
  } else {
    const prefix = await reader.cursor(address, 16, 'object header');
    const version = prefix.u8();
    if (version !== 1) corrupt(`object header at ${hex(address)} has version ${version}`);
    prefix.skip(1);
    prefix.u16(); // message count: the chunks' contents are authoritative
    prefix.u32(); // reference count
    const size = prefix.u32();
    const block = await reader.read(address + 16, size, 'object header');
    parseV1Messages(new Cursor(block, reader.sizes, address + 16), messages);
  }

  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.type !== MessageType.continuation) continue;
    const body = new Cursor(m.body.bytes, reader.sizes, m.body.address, m.body.pos);
    pending.push({ address: body.definedOffset('continuation'), length: body.length() });
    while (pending.length > 0) {
      const next = pending.shift()!;
      if (seen.has(next.address)) corrupt(`object header at ${hex(address)} continues into itself (a cycle)`);
      if (seen.size > MAX_CHUNKS)
        corrupt(`object header at ${hex(address)} has too many continuation chunks`);
      seen.add(next.address);
      const block = await reader.read(next.address, next.length, 'object header continuation');
      if (isV2) {
        verifyChecksum(block, 'object header continuation', next.address);
        const c = new Cursor(block.subarray(0, block.length - 4), reader.sizes, next.address);
        c.signature('OCHK', 'object header continuation');
        parseV2Messages(c, flags, messages);
      } else {
        parseV1Messages(new Cursor(block, reader.sizes, next.address), messages);
      }
    }
  }
  return messages;
}

function parseV1Messages(c: Cursor, out: HeaderMessage[]): void {
  while (c.remaining >= 8) {
    const type = c.u16();
    const size = c.u16();
    const flags = c.u8();
    c.skip(3);
    const at = c.pos;
    c.skip(size);
    if (type !== 0)
      out.push({ type, flags, body: new Cursor(c.bytes.subarray(at, at + size), c.sizes, c.address + at) });
  }
}

function parseV2Messages(c: Cursor, headerFlags: number, out: HeaderMessage[]): void {
  const headerSize = headerFlags & 0x04 ? 6 : 4;
  while (c.remaining >= headerSize) {
    const type = c.u8();
    const size = c.u16();
    const flags = c.u8();
    if (headerFlags & 0x04) c.u16(); // creation order
    const at = c.pos;
    c.skip(size);
    if (type !== 0)
      out.push({ type, flags, body: new Cursor(c.bytes.subarray(at, at + size), c.sizes, c.address + at) });
  }
}
