/**
 * Version-2 B-trees ("BTHD" header, "BTIN" internal and "BTLF" leaf nodes): the name index of a
 * group's dense links (record type 5) and the chunk index of layout version 4 (types 10 and 11).
 * Every record is handed to the caller; nodes are checksummed, and the record counts the parents
 * give bound what each child may hold.
 */
import { type MetadataReader, verifyChecksum } from './byte-source.js';
import { Cursor, encodedSize } from './cursor.js';
import { corrupt, hex } from './errors.js';

/** What the header of a version-2 B-tree says. */
export interface BTreeV2Header {
  readonly type: number;
  readonly recordSize: number;
  readonly totalRecords: number;
}

/**
 * Reads the B-tree at `address` and calls `record(cursor)` with a cursor over each record
 * (`recordSize` bytes); returns the header.
 */
export async function walkBTreeV2(
  reader: MetadataReader,
  address: number,
  record: (c: Cursor, header: BTreeV2Header) => void,
): Promise<BTreeV2Header> {
  const { offsetSize, lengthSize } = reader.sizes;
  const headerSize = 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + offsetSize + 2 + lengthSize + 4;
  const block = await reader.read(address, headerSize, 'B-tree v2 header');
  verifyChecksum(block, 'B-tree v2 header', address);
  const c = new Cursor(block, reader.sizes, address);
  c.signature('BTHD', 'B-tree v2 header');
  c.u8(); // version
  const type = c.u8();
  const nodeSize = c.u32();
  const recordSize = c.u16();
  const depth = c.u16();
  c.skip(2); // split and merge percents
  const root = c.offset();
  const rootRecords = c.u16();
  const totalRecords = c.length();
  const header: BTreeV2Header = { type, recordSize, totalRecords };
  if (root === undefined || totalRecords === 0) return header;
  if (recordSize === 0 || nodeSize < 16 || depth > 64) {
    corrupt(
      `B-tree v2 at ${hex(address)} has impossible parameters (node ${nodeSize}, record ${recordSize}, depth ${depth})`,
    );
  }

  // Per depth: how many records a node holds at most, and the bytes of the counts in child pointers.
  const prefix = 10; // signature, version, type, checksum
  const maxLeaf = Math.floor((nodeSize - prefix) / recordSize);
  const maxRecordsSize = encodedSize(maxLeaf);
  const cumulativeSize: number[] = [0];
  const cumulativeMax: number[] = [maxLeaf];
  for (let d = 1; d <= depth; d++) {
    const pointer = offsetSize + maxRecordsSize + cumulativeSize[d - 1]!;
    const maxInternal = Math.floor((nodeSize - (prefix + pointer)) / (recordSize + pointer));
    cumulativeMax.push((maxInternal + 1) * cumulativeMax[d - 1]! + maxInternal);
    cumulativeSize.push(encodedSize(cumulativeMax[d]!));
  }

  const seen = new Set<number>();
  let visited = 0;
  const visit = async (node: number, count: number, level: number): Promise<void> => {
    if (seen.has(node)) corrupt(`B-tree v2 node at ${hex(node)} is reached twice (a cycle)`);
    seen.add(node);
    const bytes = await reader.read(node, nodeSize, 'B-tree v2 node');
    const n = new Cursor(bytes, reader.sizes, node);
    n.signature(level === 0 ? 'BTLF' : 'BTIN', 'B-tree v2 node');
    n.skip(2);
    const max = level === 0 ? maxLeaf : Infinity;
    if (count > max || count * recordSize > nodeSize)
      corrupt(`B-tree v2 node at ${hex(node)} claims ${count} records`);
    const recordsEnd = 6 + count * recordSize;
    const children: { address: number; count: number }[] = [];
    const pointers =
      level === 0 ? 0 : (count + 1) * (offsetSize + maxRecordsSize + cumulativeSize[level - 1]!);
    verifyChecksum(bytes.subarray(0, recordsEnd + pointers + 4), 'B-tree v2 node', node);
    for (let i = 0; i < count; i++) {
      record(new Cursor(bytes.subarray(n.pos, n.pos + recordSize), reader.sizes, node + n.pos), header);
      n.skip(recordSize);
      visited++;
      if (visited > totalRecords) corrupt(`B-tree v2 at ${hex(address)} holds more records than it claims`);
    }
    if (level > 0) {
      for (let i = 0; i <= count; i++) {
        const child = n.definedOffset('B-tree v2 child');
        const childCount = n.uint(maxRecordsSize);
        if (level > 1) n.uint(cumulativeSize[level - 1]!);
        children.push({ address: child, count: childCount });
      }
    }
    await Promise.all(children.map((ch) => visit(ch.address, ch.count, level - 1)));
  };
  await visit(root, rootRecords, depth);
  return header;
}
