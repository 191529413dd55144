/** The generated cached-spec module matches the JSON schema files it was generated from. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cachedNamespaces } from '../src/schema/cached-spec.js';

const specs = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'schema', 'specifications');

/** How many characters JSON.stringify drops by spelling floats like 1.0 as 1. */
function floatsLost(json: string): number {
  return (json.match(/[:,[]-?\d+\.0(?=[,}\]])/g) ?? []).length * 2;
}

describe('cached specification', () => {
  it('keeps number spellings such as 1.0 (PyNWB writes them so; Python reads 1 as an int)', () => {
    const base = cachedNamespaces()[0]!.sources.find(([name]) => name === 'nwb.base')![1];
    expect(base).toContain('"default_value":1.0');
    expect(base).toContain('"default_value":-1.0');
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
