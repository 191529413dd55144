/**
 * The README's example, run as written (apps/consumer-check also runs it against the packed
 * packages): in a temporary directory, with the package imported from its sources.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';

it('runs the README example and prints what its comments say', async () => {
  const readme = await readFile(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const dir = await mkdtemp(join(fileURLToPath(new URL('.', import.meta.url)), '.readme-'));
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const cwd = process.cwd();
  try {
    const module = join(dir, 'example.ts');
    await writeFile(module, code.replace("from '@nwbjs/lindi'", "from '../../src/index.js'"));
    process.chdir(dir);
    await import(module);
    expect(log.mock.calls).toEqual([[[10], 1], ['lindi-example']]);
  } finally {
    process.chdir(cwd);
    log.mockRestore();
    await rm(dir, { recursive: true, force: true });
  }
});
