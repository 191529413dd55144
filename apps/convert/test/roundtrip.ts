/**
 * The fixture round trip shared by the two fixture test files: convert with the CLI one way and back,
 * then nwb-validate check on both outputs and nwb-validate diff at each step (object ids included).
 */
import type { ExpectStatic } from 'vitest';
import { checkAll, nwbValidate, runCli } from './helpers.js';

async function convertQuietly(expect: ExpectStatic, input: string, output: string): Promise<void> {
  const result = await runCli([input, output, '--quiet']);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
}

/** Converts `source` to `middle` and `middle` to `back`, and asserts both steps lost nothing. */
export async function expectRoundTrip(
  expect: ExpectStatic,
  source: string,
  middle: string,
  back: string,
): Promise<void> {
  await convertQuietly(expect, source, middle);
  await convertQuietly(expect, middle, back);
  const [checks, first, second] = await Promise.all([
    checkAll([middle, back]),
    nwbValidate('diff', source, middle),
    nwbValidate('diff', middle, back),
  ]);
  for (const check of checks) {
    expect(check.out, check.file).toMatch(/^OK/);
    expect(check.code).toBe(0);
  }
  expect(first.out.trim(), `${source} -> ${middle}\n${first.out}`).toBe('no differences');
  expect(second.out.trim(), `${middle} -> ${back}\n${second.out}`).toBe('no differences');
}
