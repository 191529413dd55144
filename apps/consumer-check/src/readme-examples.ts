/**
 * The TypeScript examples of the READMEs users read, taken from the files themselves. Each becomes
 * a module of the consumer project; the ones that need nothing but the packages (no page, no remote
 * server, no variables from the surrounding prose) also run there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './pack.js';

/** One ```ts block of a README. */
export interface ReadmeExample {
  /** A file name for it: `core-1.ts` is the first block of packages/core/README.md. */
  file: string;
  /** Where it comes from, for messages. */
  source: string;
  code: string;
  /** What running it needs: nothing (`node`), a page (`browser`), a server (`remote`), or the prose (`fragment`). */
  kind: 'node' | 'browser' | 'remote' | 'fragment';
  /** Runs after the example of this file, in its directory (it reads what that one wrote). */
  after?: string;
}

const READMES = [
  ['root', 'README.md'],
  ['core', 'packages/core/README.md'],
  ['hdf5', 'packages/hdf5/README.md'],
  ['zarr', 'packages/zarr/README.md'],
  ['lindi', 'packages/lindi/README.md'],
  ['convert', 'apps/convert/README.md'],
] as const;

/** Every ```ts block of the READMEs. */
export function readmeExamples(): ReadmeExample[] {
  const examples: ReadmeExample[] = [];
  for (const [short, path] of READMES) {
    const text = readFileSync(join(REPO_ROOT, path), 'utf8');
    let index = 0;
    for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      index += 1;
      const code = match[1]!;
      examples.push({
        file: `${short}-${index}.ts`,
        source: `${path}, block ${index}`,
        code,
        kind: kindOf(code),
      });
    }
  }
  // The second HDF5 example reads the file the first one wrote.
  const hdf5Reader = examples.find((e) => e.file === 'hdf5-2.ts');
  if (hdf5Reader) hdf5Reader.after = 'hdf5-1.ts';
  return examples;
}

/** Names the README's prose gives a fragment (an open reader or writer), with their types. */
export const FRAGMENT_NAMES = {
  reader: 'StorageReader',
  writer: 'StorageWriter',
  hdf5Reader: 'StorageReader',
  zarrWriter: 'StorageWriter',
} as const;

function kindOf(code: string): ReadmeExample['kind'] {
  const uses = (name: string) => new RegExp(`\\b${name}\\b`).test(code);
  const declares = (name: string) => new RegExp(`\\b(const|let)\\s+${name}\\b`).test(code);
  if (Object.keys(FRAGMENT_NAMES).some((name) => uses(name) && !declares(name))) return 'fragment';
  if (/\bdocument\.|\bwindow\./.test(code)) return 'browser';
  // A URL in a string, not in a comment (`// or 'https://...'`).
  if (/['"`]https?:\/\//.test(code.replace(/\s\/\/ .*$/gm, ''))) return 'remote';
  return 'node';
}

/** The module text of an example: a fragment gets declarations of the names its prose gives it. */
export function moduleText(example: ReadmeExample): string {
  if (example.kind !== 'fragment') return example.code;
  const names = Object.entries(FRAGMENT_NAMES).filter(([name]) =>
    new RegExp(`\\b${name}\\b`).test(example.code),
  );
  const types = [...new Set(names.map(([, type]) => type))];
  return (
    `import type { ${types.join(', ')} } from '@nwbjs/core';\n` +
    names.map(([name, type]) => `declare const ${name}: ${type};\n`).join('') +
    example.code
  );
}
