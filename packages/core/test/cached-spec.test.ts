/**
 * The cached specification: the generated module matches the JSON schema files it was made from,
 * and the `/specifications` group holds exactly the bytes PyNWB caches in the fixtures.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cachedNamespaces, specificationsGroup } from '../src/schema/cached-spec.js';
import type { GroupNode, TreeNode } from '../src/tree/nodes.js';
import { PYNWB_SPEC_DIGESTS } from './pynwb-spec-digests.js';

const specs = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'schema', 'specifications');

/** How many characters JSON.stringify drops by spelling floats like 1.0 as 1. */
function floatsLost(json: string): number {
  return (json.match(/[:,[]-?\d+\.0(?=[,}\]])/g) ?? []).length * 2;
}

/** Every dataset under `group`, by path relative to it. */
function datasetsOf(group: GroupNode, prefix = ''): Array<[string, TreeNode]> {
  return [...group.children].flatMap(([name, child]): Array<[string, TreeNode]> =>
    child.kind === 'group' ? datasetsOf(child, `${prefix}${name}/`) : [[`${prefix}${name}`, child]],
  );
}

describe('cached specification', () => {
  it('keeps number spellings such as 1.0 (PyNWB writes them so; Python reads 1 as an int)', () => {
    const base = cachedNamespaces()[0]!.sources.find(([name]) => name === 'nwb.base')![1];
    // Excerpts of /specifications/core/2.7.0/nwb.base as h5dump shows it in fixtures/tutorial_images.nwb.
    expect(base).toContain('"name":"conversion","required":false,"dtype":"float32","default_value":1.0}');
    expect(base).toContain('"name":"offset","required":false,"dtype":"float32","default_value":0.0}');
    expect(base).toContain('"name":"resolution","required":false,"dtype":"float32","default_value":-1.0}');
    expect(base).not.toMatch(/"default_value":-?\d+[,}\]]/);
  });

  it('writes the same text as PyNWB, byte for byte, as scalar utf8 datasets without attributes', () => {
    const group = specificationsGroup();
    const datasets = datasetsOf(group);
    expect(datasets.map(([path]) => path).sort()).toEqual(Object.keys(PYNWB_SPEC_DIGESTS).sort());
    for (const [path, node] of datasets) {
      if (node.kind !== 'dataset' || !('data' in node.value)) throw new Error(`${path}: not an array`);
      expect(node.value.dtype, path).toBe('utf8');
      expect(node.value.shape, path).toEqual([]);
      expect(node.attrs, path).toEqual({});
      const bytes = new TextEncoder().encode(node.value.data[0] as string);
      const [sha256, length] = PYNWB_SPEC_DIGESTS[path]!;
      expect(bytes.length, path).toBe(length);
      expect(createHash('sha256').update(bytes).digest('hex'), path).toBe(sha256);
    }
    // The groups carry no attributes either, as in PyNWB's files.
    const groups = (g: GroupNode): GroupNode[] => [
      g,
      ...[...g.children.values()].flatMap((c) => (c.kind === 'group' ? groups(c) : [])),
    ];
    for (const g of groups(group)) expect(g.attrs).toEqual({});
  });

  it('writes a namespace exactly as PyNWB spells it', () => {
    const common = cachedNamespaces().find((ns) => ns.name === 'hdmf-common')!;
    expect(common.sources[0]).toEqual([
      'namespace',
      '{"namespaces":[{"doc":"Common data structures provided by HDMF","schema":[{"source":"base"},' +
        '{"source":"table"},{"source":"sparse"}],"name":"hdmf-common","full_name":"HDMF Common",' +
        '"version":"1.8.0","author":["Andrew Tritt","Oliver Ruebel","Ryan Ly","Ben Dichter"],' +
        '"contact":["ajtritt@lbl.gov","oruebel@lbl.gov","rly@lbl.gov","bdichter@lbl.gov"]}]}',
    ]);
  });

  it('matches the JSON sources (regenerate with node src/schema/generate-cached-spec.mjs)', () => {
    for (const ns of cachedNamespaces()) {
      for (const [name, json] of ns.sources) {
        const source = JSON.parse(
          readFileSync(join(specs, ns.name, ns.version, `${name}.json`), 'utf8'),
        ) as unknown;
        expect(JSON.parse(json), `${ns.name}/${ns.version}/${name}`).toEqual(source);
        // Compact, as Python's json.dumps(separators=(',', ':')): no whitespace between tokens.
        expect(json.length, `${ns.name}/${ns.version}/${name}`).toBe(
          JSON.stringify(source).length + floatsLost(json),
        );
      }
      const namespace = JSON.parse(ns.sources[0]![1]) as {
        namespaces: Array<{ name: string; version: string; schema: Array<{ source?: string }> }>;
      };
      expect(ns.sources[0]![0]).toBe('namespace');
      expect(namespace.namespaces[0]!.name).toBe(ns.name);
      expect(namespace.namespaces[0]!.version).toBe(ns.version);
      const sources = namespace.namespaces[0]!.schema.flatMap((s) =>
        s.source === undefined ? [] : [s.source],
      );
      expect(ns.sources.slice(1).map(([n]) => n)).toEqual(sources);
      expect(sources.every((s) => !s.endsWith('.yaml'))).toBe(true);
    }
  });
});
