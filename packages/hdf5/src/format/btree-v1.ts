/**
 * Version-1 B-trees ("TREE"): the index of old-style groups (node type 0, children are symbol table
 * nodes) and of chunks in layout version 3 (node type 1, keys carry each chunk's size, filter mask
 * and offset). Walked depth-first; a node visited twice, a level that does not fall by one, or an
 * entry count bigger than the node can be are corrupt.
 */
import type { MetadataReader } from './byte-source.js';
import { Cursor } from './cursor.js';
import { corrupt, hex } from './errors.js';

/** Calls `leaf(key, child)` for each child of the leaves of the tree at `root` (key: the one before). */
export async function walkBTreeV1(
  reader: MetadataReader,
  root: number,
  nodeType: 0 | 1,
  keySize: number,
  leaf: (key: Cursor, child: number) => void,
): Promise<void> {
  const seen = new Set<number>();
  const visit = async (address: number, expectedLevel: number | undefined): Promise<void> => {
    if (seen.has(address)) corrupt(`B-tree node at ${hex(address)} is reached twice (a cycle)`);
    seen.add(address);
    const { offsetSize } = reader.sizes;
    const headSize = 8 + 2 * offsetSize;
    const head = await reader.cursor(address, headSize, 'B-tree node');
    head.signature('TREE', 'B-tree node');
    const type = head.u8();
    if (type !== nodeType) corrupt(`B-tree node at ${hex(address)} has type ${type}, expected ${nodeType}`);
    const level = head.u8();
    if (expectedLevel !== undefined && level !== expectedLevel) {
      corrupt(`B-tree node at ${hex(address)} is at level ${level}, expected ${expectedLevel}`);
    }
    if (level > 64) corrupt(`B-tree node at ${hex(address)} claims level ${level}`);
    const entries = head.u16();
    const body = await reader.cursor(
      address + headSize,
      entries * (keySize + offsetSize) + keySize,
      'B-tree node entries',
    );
    const children: number[] = [];
    for (let i = 0; i < entries; i++) {
      const keyAt = body.pos;
      body.skip(keySize);
      const child = body.definedOffset('B-tree child');
      if (level === 0) {
        const key = body.bytes.subarray(keyAt, keyAt + keySize);
        leaf(new Cursor(key, body.sizes, body.address + keyAt), child);
      } else {
        children.push(child);
      }
    }
    await Promise.all(children.map((child) => visit(child, level - 1)));
  };
  await visit(root, undefined);
}
