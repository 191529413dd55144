/**
 * The example in README.md, taken from the file itself so the two cannot drift apart: it must
 * type-check against core's sources, and it runs as written against the in-memory test backend,
 * which stands in for `openHdf5` of @nwbjs/hdf5 (core does not depend on a real backend).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import type { OpenMode } from '../src/storage/backend.js';
import { MemoryBackend, MemoryVolume } from './memory-backend.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const MARKER = '<!-- readme-example:';

/** The first ```ts block after the marker comment in README.md. */
function readmeExample(): string {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  const from = readme.indexOf(MARKER);
  if (from < 0) throw new Error(`README.md has no ${MARKER} marker`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(from));
  if (match === null) throw new Error('no ```ts block after the readme-example marker');
  return match[1]!;
}

/** The example's `import { a, b } from 'module'` lines, as module to names. */
function importsOf(code: string): Map<string, string[]> {
  const imports = new Map<string, string[]>();
  for (const m of code.matchAll(/^import\s*\{([^}]*)\}\s*from\s*'([^']+)';/gm)) {
    const names = m[1]!
      .split(',')
      .map((n) => n.trim().replace(/^type\s+/, ''))
      .filter((n) => n !== '');
    imports.set(m[2]!, [...(imports.get(m[2]!) ?? []), ...names]);
  }
  return imports;
}

/** Type errors of the example, compiled against core's sources and a one-line stand-in for @nwbjs/hdf5. */
function typeErrors(code: string): string[] {
  const example = join(packageRoot, 'test', '__readme-example__.ts');
  const hdf5 = join(packageRoot, 'test', '__nwbjs-hdf5__.d.ts');
  const virtual = new Map([
    [example, code],
    [
      hdf5,
      "import type { OpenMode, StorageWriter } from '@nwbjs/core';\n" +
        'export declare function openHdf5(path: string, mode?: OpenMode): Promise<StorageWriter>;\n',
    ],
  ]);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    paths: { '@nwbjs/core': [join(packageRoot, 'src', 'index.ts')], '@nwbjs/hdf5': [hdf5] },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => {
    const text = virtual.get(name);
    return text !== undefined
      ? ts.createSourceFile(name, text, language)
      : getSourceFile(name, language, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  const program = ts.createProgram([example], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('README example', () => {
  const code = readmeExample();

  it('imports only what the packages export, and type-checks', () => {
    const imports = importsOf(code);
    expect([...imports.keys()].sort()).toEqual(['@nwbjs/core', '@nwbjs/hdf5']);
    for (const name of imports.get('@nwbjs/core')!) expect(core, name).toHaveProperty(name);
    expect(typeErrors(code)).toEqual([]);
  });

  it('runs as written', async () => {
    const volume = new MemoryVolume();
    const opened: MemoryBackend[] = [];
    const openHdf5 = async (path: string, mode: OpenMode = 'r') => {
      const store =
        mode === 'r' ? MemoryBackend.open(volume, path) : MemoryBackend.create(volume, path, mode);
      opened.push(store);
      return store;
    };
    const logged: unknown[][] = [];
    const log = { log: (...args: unknown[]) => logged.push(args) };

    const body = ts.transpileModule(code.replace(/^import\s[^;]*;[^\n]*$/gm, ''), {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    }).outputText;
    const names = [...importsOf(code).get('@nwbjs/core')!, 'openHdf5', 'console'];
    const values = [
      ...importsOf(code)
        .get('@nwbjs/core')!
        .map((name) => (core as Record<string, unknown>)[name]),
      openHdf5,
      log,
    ];
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<void>;
    await new AsyncFunction(...names, body)(...values);

    expect(logged).toEqual([[[16, 12], '2018-04-25T02:30:03-07:00']]);
    expect(volume.files.has('movie.nwb')).toBe(true);
    // The reader read one frame of the movie (192 elements) and only small metadata besides.
    const reader = opened[1]!;
    expect(reader.stats.elementsRead).toBeLessThan(192 + 20);
    expect(reader.stats.elementsRead).toBeGreaterThanOrEqual(192);
  });
});
