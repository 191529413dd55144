/**
 * A dataset as its header messages describe it: dataspace, datatype (a committed one followed to
 * its own header), filter pipeline, layout and fill value.
 */
import type { MetadataReader } from './byte-source.js';
import { Cursor } from './cursor.js';
import { type Dataspace, parseDataspace } from './dataspace.js';
import { type Datatype, parseDatatype } from './datatype.js';
import { corrupt, unread } from './errors.js';
import { parseFillValue, parseOldFillValue } from './fill-value.js';
import { type Filter, parseFilters } from './filters.js';
import { type Layout, parseLayout } from './layout.js';
import { type HeaderMessage, MessageType, SHARED_FLAG, readObjectHeader } from './object-header.js';

/** What the format says of one dataset. */
export interface DatasetStructure {
  /** Address of the dataset's object header. */
  readonly address: number;
  readonly dataspace: Dataspace;
  readonly datatype: Datatype;
  readonly filters: readonly Filter[];
  readonly layout: Layout;
  /** One element's fill bytes, when the file sets them. */
  readonly fillValue: Uint8Array | undefined;
  /** The dataset's data lives in other files (the external files message): not readable here. */
  readonly external: boolean;
}

/** True when the header messages are a dataset's (they have a layout). */
export function isDataset(messages: readonly HeaderMessage[]): boolean {
  return messages.some((m) => m.type === MessageType.layout);
}

/** Reads the dataset whose header at `address` has `messages`. */
export async function readDataset(
  reader: MetadataReader,
  address: number,
  messages: readonly HeaderMessage[],
): Promise<DatasetStructure> {
  const find = (type: number): HeaderMessage | undefined => messages.find((m) => m.type === type);
  const spaceMessage = find(MessageType.dataspace);
  const typeMessage = find(MessageType.datatype);
  const layoutMessage = find(MessageType.layout);
  if (spaceMessage === undefined || typeMessage === undefined || layoutMessage === undefined) {
    corrupt('dataset header lacks its dataspace, datatype or layout message');
  }
  if (spaceMessage.flags & SHARED_FLAG) unread('a shared dataspace');
  const dataspace = parseDataspace(fresh(spaceMessage.body));
  const datatype = await readDatatype(
    reader,
    fresh(typeMessage.body),
    (typeMessage.flags & SHARED_FLAG) !== 0,
  );
  const pipeline = find(MessageType.filterPipeline);
  if (pipeline !== undefined && pipeline.flags & SHARED_FLAG) unread('a shared filter pipeline');
  const filters = pipeline === undefined ? [] : parseFilters(fresh(pipeline.body));
  let layout = parseLayout(fresh(layoutMessage.body));
  if (layout.kind === 'contiguous' && layout.size < 0) {
    layout = { ...layout, size: dataspace.shape.reduce((a, b) => a * b, datatype.size) };
  }
  const fill = find(MessageType.fillValue);
  const oldFill = find(MessageType.fillValueOld);
  const fillValue =
    fill !== undefined && (fill.flags & SHARED_FLAG) === 0
      ? parseFillValue(fresh(fill.body))
      : oldFill !== undefined
        ? parseOldFillValue(fresh(oldFill.body))
        : undefined;
  const external = find(MessageType.externalFiles) !== undefined;
  return { address, dataspace, datatype, filters, layout, fillValue, external };
}

/**
 * The datatype at `c`: a datatype message body, or (`shared`) a shared message naming a committed
 * datatype, followed to the header that holds it.
 */
export async function readDatatype(reader: MetadataReader, c: Cursor, shared: boolean): Promise<Datatype> {
  if (!shared) return parseDatatype(c);
  const version = c.u8();
  const type = c.u8();
  if (version === 1) c.skip(6);
  else if (version === 3 && type !== 2) unread('a datatype shared in the shared message heap');
  const target = c.definedOffset('committed datatype');
  const header = await readObjectHeader(reader, target);
  const own = header.find((m) => m.type === MessageType.datatype && (m.flags & SHARED_FLAG) === 0);
  if (own === undefined) corrupt('committed datatype has no datatype message');
  return parseDatatype(fresh(own.body));
}

/** A new cursor at the start of a message body (messages are parsed more than once). */
export function fresh(c: Cursor): Cursor {
  return new Cursor(c.bytes, c.sizes, c.address, 0);
}
