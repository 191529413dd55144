/**
 * The `nwb-convert` command line: convert, inspect and validate NWB files in HDF5 and Zarr.
 * Errors are one line on stderr and a non-zero exit status; `--debug` adds the stack trace.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isNWBError, type Compression, type WriteWarning } from '@nwbjs/core';
import { convert } from './convert.js';
import { formatBytes, formatDuration } from './format.js';
import { FORMAT_NAMES, type ReadOptions } from './formats.js';
import { formatInspectReport, inspect } from './inspect.js';
import { silentProgress, terminalProgress } from './progress.js';
import { UsageError } from './usage-error.js';
import { formatValidationReport, validate } from './validate.js';

const HELP = {
  main: `Usage: nwb-convert INPUT OUTPUT [options]
       nwb-convert inspect FILE [--json]
       nwb-convert validate FILE [--json]
       nwb-convert help [inspect|validate]

Converts an NWB file between HDF5 (.nwb) and Zarr (.nwb.zarr), losslessly, copying data chunk by chunk.
Indexes an HDF5 file into a LINDI reference file (.lindi.json), which points at its chunks; reads
LINDI files (.lindi.json, .lindi.tar) like any other input.

Options:
  --to hdf5|zarr|lindi        output format (default: from the output's name)
  --zarr-format 2|3           Zarr output's format (default 2). 2: hdmf-zarr's layout up to 0.13,
                              which every hdmf-zarr reads (0.14 through NWBZarrV2IO). 3: hdmf-zarr
                              0.14's layout, for readers with hdmf-zarr >= 0.14 (older cannot open it)
  --lindi-url URL             LINDI output: the URL its chunk references name the HDF5 file by
                              (default: the input's absolute path)
  --compression SPEC          gzip[:LEVEL] | zstd[:LEVEL] | blosc[:LEVEL] | none
                              (default: keep the source's where the target supports it)
  --chunks A,B,C[,D]          re-chunk image data ('data' datasets of that many dimensions)
  --copy-external             copy ImageSeries external files next to the output
                              (default: rewrite their relative paths)
  --overwrite                 replace an existing output
  --force                     write a root that says NWBFile but lacks identifier,
                              session_description or session_start_time (with a warning)
  --quiet                     no progress bar and no summary
  --timeout SECONDS           an http(s) INPUT's requests give up after this long without an answer
                              (default 30)
  --debug                     print stack traces (and their causes) on errors
  -h, --help                  this help; 'nwb-convert COMMAND --help' for a command's
  --version                   print the version`,
  inspect: `Usage: nwb-convert inspect FILE [--json]

Prints the tree of an NWB file: groups, datasets (dtype, shape, chunking, compression, size) and links,
with their neurodata types. FILE is an HDF5 file, a Zarr directory, a LINDI file (.lindi.json), or
an http(s):// Zarr store or LINDI file.

Options:
  --json             print the report as JSON
  --timeout SECONDS  an http(s) FILE's requests give up after this long without an answer (default 30)
  --debug            print stack traces (and their causes) on errors`,
  validate: `Usage: nwb-convert validate FILE [--json]

Checks an NWB file against the NWB schema of its cached specification (required fields, counts,
dtypes, shapes, link targets, for every type, as HDMF's validator does) and against PyNWB's own rules
(timing, external files, image shapes, IndexSeries and Images references, ...). Exits 0 when there
is nothing to report, 1 otherwise.

Options:
  --json             print the findings as JSON
  --timeout SECONDS  an http(s) FILE's requests give up after this long without an answer (default 30)
  --debug            print stack traces (and their causes) on errors`,
};

/** Parses `gzip:4`, `zstd`, `blosc:5` or `none`. */
export function parseCompression(spec: string): Compression | null {
  if (spec === 'none') return null;
  const match = /^(gzip|zstd|blosc)(?::(\d+))?$/.exec(spec);
  if (!match)
    throw new UsageError(
      `--compression: expected gzip[:LEVEL], zstd[:LEVEL], blosc[:LEVEL] or none, got '${spec}'`,
    );
  const codec = match[1] as Compression['codec'];
  const level = match[2] === undefined ? undefined : Number(match[2]);
  if (codec === 'gzip' && level !== undefined && level > 9)
    throw new UsageError('--compression: gzip levels are 0-9');
  return level === undefined ? { codec } : { codec, level };
}

/** Parses `1,512,512`: three or four sizes, as image data has three or four dimensions. */
export function parseChunks(spec: string): number[] {
  const chunks = spec.split(',').map((part) => Number(part.trim()));
  if (chunks.length < 1 || chunks.some((c) => !Number.isSafeInteger(c) || c < 1)) {
    throw new UsageError(`--chunks: expected positive integers separated by commas, got '${spec}'`);
  }
  if (chunks.length !== 3 && chunks.length !== 4) {
    throw new UsageError(
      `--chunks: image data has 3 or 4 dimensions, so give 3 or 4 sizes; got ${chunks.length} in '${spec}'`,
    );
  }
  return chunks;
}

/** Parses `--timeout` seconds into milliseconds. */
export function parseTimeout(spec: string): number {
  const seconds = Number(spec);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--timeout: expected a number of seconds above 0, got '${spec}'`);
  return Math.round(seconds * 1000);
}

/** This package's version, from its package.json (one directory above both src/ and dist/). */
export function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** Runs the CLI with `argv` (without node and the script); returns the exit status. */
export async function main(
  argv: string[],
  io: CliIo = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    if (argv[0] === 'help') return help(argv.slice(1), io);
    const command = argv[0] === 'inspect' || argv[0] === 'validate' ? argv[0] : 'convert';
    const rest = command === 'convert' ? argv : argv.slice(1);
    if (command === 'inspect') return await runInspect(rest, io);
    if (command === 'validate') return await runValidate(rest, io);
    return await runConvert(rest, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err.write(`nwb-convert: ${message}\n`);
    if (debug) io.err.write(describeWithCauses(error));
    if (error instanceof UsageError) return 2;
    return isNWBError(error) || error instanceof Error ? 1 : 3;
  }
}

/** `nwb-convert help [COMMAND]`: the usage, as `--help` prints it. */
function help(args: string[], io: Io): number {
  const topic = args[0] ?? 'main';
  if (args.length > 1 || !(topic === 'main' || topic === 'inspect' || topic === 'validate'))
    throw new UsageError(`help: expected nothing, inspect or validate, got '${args.join(' ')}'`);
  io.out.write(`${HELP[topic]}\n`);
  return 0;
}

/** The error's stack, then each cause's (fetch's `TypeError: fetch failed` hides the system's error there). */
function describeWithCauses(error: unknown): string {
  let text = '';
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const shown =
      current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current);
    text += depth === 0 ? `${shown}\n` : `caused by: ${shown}\n`;
    current = current instanceof Error ? current.cause : undefined;
  }
  return text;
}

/**
 * Where the CLI writes: results to `out`, the summary, warnings, errors and the progress bar to `err`
 * (the bar only when `err.isTTY`).
 */
export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

type Io = CliIo;

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;
type ParsedArgs = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function parse(args: string[], options: OptionSpec): ParsedArgs {
  try {
    const parsed = parseArgs({
      args,
      options: {
        ...options,
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        timeout: { type: 'string' },
        debug: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  } catch (error) {
    // parseArgs explains how to pass a positional starting with '-'; one short line is enough here.
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message);
    throw new UsageError(unknown ? `unknown option ${unknown[1]} (see --help)` : (error as Error).message);
  }
}

function printVersion(io: Io): number {
  io.out.write(`${version()}\n`);
  return 0;
}

function readOptions(values: ParsedArgs['values']): ReadOptions {
  return values.timeout === undefined ? {} : { timeoutMs: parseTimeout(values.timeout as string) };
}

async function runConvert(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    to: { type: 'string' },
    'zarr-format': { type: 'string' },
    'lindi-url': { type: 'string' },
    compression: { type: 'string' },
    chunks: { type: 'string' },
    overwrite: { type: 'boolean' },
    'copy-external': { type: 'boolean' },
    force: { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  if (values.help) {
    io.out.write(`${HELP.main}\n`);
    return 0;
  }
  if (values.version) return printVersion(io);
  if (positionals.length !== 2) throw new UsageError(`expected INPUT and OUTPUT (see --help)`);
  const [input, output] = positionals as [string, string];
  const to = values.to as string | undefined;
  if (to !== undefined && !FORMAT_NAMES.includes(to))
    throw new UsageError(`--to: expected ${FORMAT_NAMES.join(' or ')}, got '${to}'`);
  const zarrFormat = values['zarr-format'] as string | undefined;
  if (zarrFormat !== undefined && zarrFormat !== '2' && zarrFormat !== '3')
    throw new UsageError(`--zarr-format: expected 2 or 3, got '${zarrFormat}'`);
  const quiet = Boolean(values.quiet);
  const summary = await convert(input, output, {
    ...(to !== undefined ? { to } : {}),
    ...(zarrFormat !== undefined ? { zarrFormat: Number(zarrFormat) as 2 | 3 } : {}),
    ...(values['lindi-url'] !== undefined ? { lindiUrl: values['lindi-url'] as string } : {}),
    ...(values.compression !== undefined
      ? { compression: parseCompression(values.compression as string) }
      : {}),
    ...(values.chunks !== undefined ? { chunks: parseChunks(values.chunks as string) } : {}),
    ...readOptions(values),
    overwrite: Boolean(values.overwrite),
    copyExternal: Boolean(values['copy-external']),
    force: Boolean(values.force),
    progress: !quiet && io.err.isTTY ? terminalProgress(io.err) : silentProgress,
  });
  if (!quiet) {
    const { counts, externalFiles } = summary;
    const objects = counts.groups + counts.datasets + counts.links;
    let external = '';
    if (externalFiles.action === 'rewritten')
      external = `; external files: ${externalFiles.count} path(s) rewritten`;
    if (externalFiles.action === 'copied') external = `; external files: ${externalFiles.count} copied`;
    if (externalFiles.leftAlone > 0)
      external += `; ${externalFiles.leftAlone} external path(s) left as they were`;
    io.err.write(
      `${path.basename(input)} (${summary.input.format}) -> ${path.basename(output)} (${summary.output.format}): ` +
        `${objects} objects, ${formatBytes(counts.bytes)}, ${formatDuration(summary.seconds)}${external}\n`,
    );
    for (const line of groupWarnings(summary.warnings)) io.err.write(`warning: ${line}\n`);
    for (const note of summary.notes) io.err.write(`note: ${note}\n`);
  }
  // What is wrong with what was written is said even when quiet.
  for (const problem of summary.problems) io.err.write(`warning: ${problem}\n`);
  if (quiet) {
    // What the output lacks is said even when quiet.
    const lost = summary.warnings.filter((w) => w.code === 'dataset-skipped');
    for (const line of groupWarnings(lost)) io.err.write(`warning: ${line}\n`);
  }
  return 0;
}

async function runInspect(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (values.help) {
    io.out.write(`${HELP.inspect}\n`);
    return 0;
  }
  if (values.version) return printVersion(io);
  if (positionals.length !== 1) throw new UsageError('inspect: expected one FILE (see inspect --help)');
  const report = await inspect(positionals[0]!, readOptions(values));
  io.out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatInspectReport(report)}\n`);
  return 0;
}

async function runValidate(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (values.help) {
    io.out.write(`${HELP.validate}\n`);
    return 0;
  }
  if (values.version) return printVersion(io);
  if (positionals.length !== 1) throw new UsageError('validate: expected one FILE (see validate --help)');
  const report = await validate(positionals[0]!, readOptions(values));
  io.out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatValidationReport(report)}\n`);
  return report.problems.length === 0 ? 0 : 1;
}

/**
 * One line per kind of warning, naming the datasets it concerns: a Zarr store converted to HDF5
 * gives the same codec fallback for every dataset, and a line each would bury the summary.
 */
export function groupWarnings(warnings: readonly WriteWarning[]): string[] {
  const byMessage = new Map<string, string[]>();
  for (const warning of warnings) {
    // Some messages start with the dataset's path; the grouped line lists the paths itself.
    const message = warning.message.startsWith(`${warning.path}: `)
      ? warning.message.slice(warning.path.length + 2)
      : warning.message;
    const paths = byMessage.get(message) ?? [];
    paths.push(warning.path);
    byMessage.set(message, paths);
  }
  return [...byMessage].map(([message, paths]) => {
    const shown = paths.slice(0, 3).join(', ') + (paths.length > 3 ? `, and ${paths.length - 3} more` : '');
    return `${message} (${paths.length === 1 ? '' : `${paths.length} datasets: `}${shown})`;
  });
}
