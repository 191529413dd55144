/**
 * `nwb-convert inspect`: the tree of a file (types, shapes, dtypes, chunking, compression, sizes),
 * the same for HDF5 and Zarr, local or remote, read from metadata only.
 */
import {
  formatDType,
  isDatasetHandle,
  isNumericDType,
  readTree,
  scalarValue,
  shapeSize,
  type Attributes,
  type DatasetLayout,
  type TreeNode,
} from '@nwbjs/core';
import { byteSize } from '@nwbjs/core/backend';
import { formatBytes } from './format.js';
import { danglingLinks } from './tree-checks.js';
import { openReader, type ReadOptions } from './formats.js';

/** One object of an inspected file. */
export interface InspectEntry {
  path: string;
  kind: 'group' | 'dataset' | 'link';
  neurodataType?: string;
  namespace?: string;
  dtype?: string;
  shape?: number[];
  chunks?: number[];
  compression?: string;
  /** Uncompressed size of numeric data. */
  bytes?: number;
  /** Link target (`file:path` for external links). */
  target?: string;
  /** For a soft link, true when its target is not in the file. */
  dangling?: boolean;
  attributes: string[];
}

/** The report of `inspect`: the file's format and every object, in tree order. */
export interface InspectReport {
  location: string;
  format: string;
  objects: InspectEntry[];
}

/** Reads a file's tree (no data) and describes every object. */
export async function inspect(location: string, options: ReadOptions = {}): Promise<InspectReport> {
  const reader = await openReader(location, options);
  try {
    const tree = await readTree(reader);
    const objects: InspectEntry[] = [];
    describe('/', tree, objects);
    const dangling = new Set(danglingLinks(tree).map((link) => link.path));
    for (const entry of objects) if (dangling.has(entry.path)) entry.dangling = true;
    return { location, format: reader.format, objects };
  } finally {
    await reader.close();
  }
}

function textAttr(attrs: Attributes, name: string): string | undefined {
  const value = attrs[name];
  return value && (value.dtype === 'utf8' || value.dtype === 'ascii')
    ? String(scalarValue(value))
    : undefined;
}

function describeCompression(layout: DatasetLayout): string | undefined {
  const c = layout.compression;
  if (c === undefined) return undefined;
  return [c.codec + (c.level !== undefined ? `:${c.level}` : ''), c.cname, c.shuffle ? 'shuffle' : undefined]
    .filter(Boolean)
    .join(' ');
}

function describe(path: string, node: TreeNode, out: InspectEntry[]): void {
  if (node.kind === 'link') {
    out.push({
      path,
      kind: 'link',
      target: node.file ? `${node.file}:${node.target}` : node.target,
      attributes: [],
    });
    return;
  }
  const entry: InspectEntry = { path, kind: node.kind, attributes: Object.keys(node.attrs).sort() };
  const type = textAttr(node.attrs, 'neurodata_type');
  if (type !== undefined) entry.neurodataType = type;
  const namespace = textAttr(node.attrs, 'namespace');
  if (namespace !== undefined) entry.namespace = namespace;
  if (node.kind === 'dataset') {
    const { dtype, shape } = node.value;
    entry.dtype = formatDType(dtype);
    entry.shape = [...shape];
    const layout = node.layout ?? (isDatasetHandle(node.value) ? node.value.layout : {});
    if (layout.chunks) entry.chunks = [...layout.chunks];
    const compression = describeCompression(layout);
    if (compression !== undefined) entry.compression = compression;
    if (isNumericDType(dtype) || dtype === 'bool') entry.bytes = shapeSize(shape) * byteSize(dtype);
  }
  out.push(entry);
  if (node.kind === 'group') {
    for (const [name, child] of node.children)
      describe(path === '/' ? `/${name}` : `${path}/${name}`, child, out);
  }
}

/** The report as an indented tree, one object a line. */
export function formatInspectReport(report: InspectReport): string {
  const lines = [`${report.location} (${report.format})`];
  for (const entry of report.objects) {
    const depth = entry.path === '/' ? 0 : entry.path.split('/').length - 1;
    const name = entry.path === '/' ? '/' : entry.path.slice(entry.path.lastIndexOf('/') + 1);
    const parts = [`${'  '.repeat(depth)}${name}${entry.kind === 'group' && entry.path !== '/' ? '/' : ''}`];
    if (entry.neurodataType) parts.push(`<${entry.neurodataType}>`);
    if (entry.kind === 'link')
      parts.push(`-> ${entry.target}${entry.dangling ? ' (dangling: not in the file)' : ''}`);
    if (entry.kind === 'dataset') {
      parts.push(`${entry.dtype} (${entry.shape!.join(', ')})`);
      if (entry.chunks) parts.push(`chunks (${entry.chunks.join(', ')})`);
      if (entry.compression) parts.push(entry.compression);
      if (entry.bytes !== undefined && entry.bytes > 0) parts.push(formatBytes(entry.bytes));
    }
    lines.push(parts.join('  '));
  }
  return lines.join('\n');
}
