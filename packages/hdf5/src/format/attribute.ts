/**
 * Attributes: attribute messages (versions 1-3) in an object's header, and dense attribute storage
 * (an attribute info message naming a fractal heap of attribute messages and a version-2 B-tree
 * indexing them by name hash). Each attribute comes with its datatype, dataspace and raw data.
 */
import type { MetadataReader } from './byte-source.js';
import { walkBTreeV2 } from './btree-v2.js';
import { Cursor } from './cursor.js';
import { readDatatype } from './dataset.js';
import { type Dataspace, parseDataspace } from './dataspace.js';
import type { Datatype } from './datatype.js';
import { corrupt, hex, unread } from './errors.js';
import { FractalHeap } from './fractal-heap.js';
import { type HeaderMessage, MessageType } from './object-header.js';

/** One attribute as stored: name, type, shape and the bytes of its elements. */
export interface AttributeStructure {
  readonly name: string;
  readonly datatype: Datatype;
  readonly dataspace: Dataspace;
  /** The elements, `datatype.size` bytes each (empty for a null dataspace). */
  readonly data: Uint8Array;
}

const text = new TextDecoder();

/** Every attribute of the object whose header messages are `messages`. */
export async function readAttributeMessages(
  reader: MetadataReader,
  messages: readonly HeaderMessage[],
): Promise<AttributeStructure[]> {
  const bodies: Cursor[] = messages
    .filter((m) => m.type === MessageType.attribute)
    .map((m) => {
      if (m.flags & 0x02) unread('a shared attribute message');
      return copy(m.body);
    });
  const info = messages.find((m) => m.type === MessageType.attributeInfo);
  if (info !== undefined) bodies.push(...(await denseAttributes(reader, copy(info.body))));
  return Promise.all(bodies.map((c) => parseAttribute(reader, c)));
}

/** Reads an attribute message body. */
export async function parseAttribute(reader: MetadataReader, c: Cursor): Promise<AttributeStructure> {
  const version = c.u8();
  if (version < 1 || version > 3) unread(`attribute message version ${version}`);
  const flags = c.u8();
  const nameSize = c.u16();
  const typeSize = c.u16();
  const spaceSize = c.u16();
  if (version === 3) c.u8(); // character set of the name (UTF-8 names decode the same)
  const padded = (n: number): number => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  const rawName = c.take(padded(nameSize)).subarray(0, nameSize);
  const nul = rawName.indexOf(0);
  const name = text.decode(nul < 0 ? rawName : rawName.subarray(0, nul));
  const typeBytes = c.take(padded(typeSize));
  const spaceBytes = c.take(padded(spaceSize));
  if (flags & 0x02) unread(`attribute "${name}" with a shared dataspace`);
  const datatype = await readDatatype(
    reader,
    new Cursor(typeBytes, c.sizes, c.address),
    (flags & 0x01) !== 0,
  );
  const dataspace = parseDataspace(new Cursor(spaceBytes, c.sizes, c.address));
  const count = dataspace.kind === 'null' ? 0 : dataspace.shape.reduce((a, b) => a * b, 1);
  const bytes = count * datatype.size;
  if (bytes > c.remaining) corrupt(`attribute "${name}" holds ${c.remaining} bytes of its ${bytes}`);
  return { name, datatype, dataspace, data: c.take(bytes) };
}

/** The attribute messages kept in a fractal heap (dense storage), found through the name index. */
async function denseAttributes(reader: MetadataReader, c: Cursor): Promise<Cursor[]> {
  const version = c.u8();
  if (version !== 0) unread(`attribute info message version ${version}`);
  const flags = c.u8();
  if (flags & 0x01) c.u16(); // maximum creation index
  const heapAddress = c.offset();
  const nameIndex = c.offset();
  if (heapAddress === undefined || nameIndex === undefined) return [];
  const heap = await FractalHeap.read(reader, heapAddress);
  const ids: Uint8Array[] = [];
  await walkBTreeV2(reader, nameIndex, (r, header) => {
    if (header.type !== 8)
      corrupt(`attribute name index at ${hex(nameIndex)} has record type ${header.type}`);
    const id = r.take(8);
    const messageFlags = r.u8();
    if (messageFlags & 0x02) unread('a shared attribute in dense storage');
    ids.push(id);
  });
  const bodies = await Promise.all(ids.map((id) => heap.object(id)));
  return bodies.map((bytes) => new Cursor(bytes, reader.sizes, heapAddress));
}

function copy(c: Cursor): Cursor {
  return new Cursor(c.bytes, c.sizes, c.address, 0);
}
