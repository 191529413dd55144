/**
 * The hostile and broken files corpus (test/hostile/corpus.ts), each case through the CLI and
 * through the library: the exit status, one line naming the object and no stack trace, nothing
 * written outside the output, the user's files unchanged (sha256 before and after), a time limit.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, readlink, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CASES, SECRET_TEXT, skeleton, type BuiltCase, type HostileCase } from './hostile/corpus.js';
import { runCli, tempDir } from './helpers.js';

const temp = await tempDir('nwb-hostile-');
afterAll(() => temp.cleanup());

/** Every entry under `dir` (links not followed): a hash of each file, the target of each link. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const pending = [dir];
  while (pending.length > 0) {
    const at = pending.pop()!;
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      const rel = relative(dir, full);
      if (entry.isSymbolicLink()) out.set(rel, `link ${await readlink(full)}`);
      else if (entry.isDirectory()) {
        out.set(rel, 'dir');
        pending.push(full);
      } else
        out.set(
          rel,
          createHash('sha256')
            .update(await readFile(full))
            .digest('hex'),
        );
    }
  }
  return out;
}

/** What changed between two snapshots, except under the paths `allowed`. */
function changes(before: Map<string, string>, after: Map<string, string>, allowed: string[]): string[] {
  const inAllowed = (rel: string) => allowed.some((a) => rel === a || rel.startsWith(`${a}/`));
  const changed: string[] = [];
  for (const [rel, value] of after) if (before.get(rel) !== value && !inAllowed(rel)) changed.push(rel);
  for (const rel of before.keys()) if (!after.has(rel) && !inAllowed(rel)) changed.push(`-${rel}`);
  return changed;
}

/** Files in `dir` that hold the victim's secret. */
async function leaks(dir: string, snap: Map<string, string>): Promise<string[]> {
  const found: string[] = [];
  for (const [rel, value] of snap) {
    if (!rel.startsWith('out/') || value === 'dir' || value.startsWith('link ')) continue;
    const bytes = await readFile(join(dir, rel));
    if (bytes.includes(Buffer.from(SECRET_TEXT.slice(0, 20)))) found.push(rel);
  }
  return found;
}

function withTimeLimit<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

describe('hostile and broken files', () => {
  CASES.forEach((hostile, index) => {
    const limit = hostile.timeLimit ?? 20_000;
    it(hostile.name, { timeout: 2 * limit + 60_000 }, async () => {
      const dir = join(temp.dir, `case-${index}`);
      await skeleton(dir);
      const built = await hostile.build(dir);
      try {
        await run(dir, hostile, built, limit);
      } finally {
        await built.cleanup?.();
      }
    });
  });
});

/** Runs a built case through the CLI and the library, checking what each did. */
async function run(dir: string, hostile: HostileCase, built: BuiltCase, limit: number): Promise<void> {
  {
    {
      const before = await snapshot(dir);

      // The CLI.
      const cli = await withTimeLimit(runCli(built.argv), limit, 'the CLI');
      const lines = cli.err.split('\n').filter((line) => line !== '');
      expect(cli.err, 'no stack trace').not.toMatch(/^\s+at /m);
      expect(cli.code, cli.err).toBe(hostile.expect.code);
      // validate exits 1 for a file with problems, which it lists on stdout: that is not an error.
      const failed = hostile.expect.code !== 0 && built.argv[0] !== 'validate';
      if (failed) {
        expect(lines, 'one line on stderr').toHaveLength(1);
        expect(lines[0]).toMatch(/^nwb-convert: /);
      }
      if (hostile.expect.message) expect(cli.err + cli.out).toMatch(hostile.expect.message);
      const afterCli = await snapshot(dir);
      expect(changes(before, afterCli, built.mayCreate), 'nothing written outside the output').toEqual([]);
      expect(await leaks(dir, afterCli), 'no secret in the output').toEqual([]);
      await built.check?.();

      // The library.
      for (const rel of built.mayCreate) await rm(join(dir, rel), { recursive: true, force: true });
      const api = withTimeLimit(built.api(), limit, 'the library');
      if (!failed) await api;
      else if (hostile.expect.message) await expect(api).rejects.toThrow(hostile.expect.message);
      else await expect(api).rejects.toThrow();
      const afterApi = await snapshot(dir);
      expect(changes(before, afterApi, built.mayCreate), 'nothing written outside the output').toEqual([]);
      expect(await leaks(dir, afterApi), 'no secret in the output').toEqual([]);
      await built.check?.();
    }
  }
}
