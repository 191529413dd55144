/**
 * Shared test helpers: temporary directories, fixture paths, the nwb-validate tool (run as a child
 * process, so several can run at once), and the CLI run in-process with captured output.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, open, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (apps/convert/test -> ../../..). */
export const REPO_ROOT = resolve(here, '../../..');
/** The reference fixtures written by PyNWB and hdmf-zarr. */
export const FIXTURES = join(REPO_ROOT, 'fixtures');

/** A fresh temporary directory, and a function that removes it. */
export async function tempDir(
  prefix = 'nwb-convert-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Copies fixtures (files or Zarr directories) and the external `image/` directory into `dir`. */
export async function copyFixtures(dir: string, names: readonly string[]): Promise<void> {
  await Promise.all(
    [...names, 'image'].map((name) => cp(join(FIXTURES, name), join(dir, name), { recursive: true })),
  );
}

/** Path of the nwb-validate tool (NWB_VALIDATE overrides). */
export function nwbValidatePath(): string {
  return process.env['NWB_VALIDATE'] ?? resolve(REPO_ROOT, '../shared/tools/nwb-validate');
}

/** Runs nwb-validate with `args`; resolves with its exit status and output (stdout then stderr). */
export function nwbValidate(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(nwbValidatePath(), args, { timeout: 120_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, out: `${stdout}${stderr}` });
    });
  });
}

/** Asserts-friendly: `check` output and status of each file, run in parallel. */
export async function checkAll(
  files: readonly string[],
): Promise<{ file: string; code: number; out: string }[]> {
  return Promise.all(files.map(async (file) => ({ file, ...(await nwbValidate('check', file)) })));
}

/** A writable stream that keeps what is written, optionally pretending to be a terminal. */
export class CapturedStream extends Writable {
  text = '';
  isTTY: boolean | undefined;
  columns = 100;

  constructor(tty = false) {
    super();
    if (tty) this.isTTY = true;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

/** Runs the CLI in-process; resolves with the exit status and what went to stdout and stderr. */
export async function runCli(
  argv: string[],
  options: { tty?: boolean } = {},
): Promise<{ code: number; out: string; err: string }> {
  const out = new CapturedStream();
  const err = new CapturedStream(options.tty ?? false);
  const code = await main(argv, { out, err });
  return { code, out: out.text, err: err.text };
}

/**
 * Answers a request for `file` as a static server that honours Range does: 206 with the bytes of
 * `range` (`bytes=FIRST-LAST`); without a Range header, the whole file (200) if `whole`, else 416.
 * Returns the range served as `[first, last]`, if any.
 */
export async function answerRange(
  res: ServerResponse,
  file: string,
  range: string | undefined,
  whole: boolean,
): Promise<[number, number] | undefined> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const match = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
    if (match === null) {
      if (!whole) return void res.writeHead(416).end();
      const bytes = Buffer.alloc(size);
      await handle.read(bytes, 0, size, 0);
      return void res.writeHead(200, { 'content-length': size }).end(bytes);
    }
    const start = Number(match[1]);
    const end = Math.min(Number(match[2]), size - 1);
    const bytes = Buffer.alloc(end - start + 1);
    await handle.read(bytes, 0, bytes.length, start);
    res.writeHead(206, { 'content-length': bytes.length, 'content-range': `bytes ${start}-${end}/${size}` });
    res.end(bytes);
    return [start, end];
  } finally {
    await handle.close();
  }
}
