#!/usr/bin/env node
/**
 * `npm run bench`: measures nwbjs against h5py and zarr-python and prints the table (see README.md).
 */
import { writeFile } from 'node:fs/promises';
import { runBench } from './bench.js';
import { USAGE, parseOptions } from './options.js';
import { formatReport } from './report.js';
import { preparePython } from './setup.js';

async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`nwbjs-bench: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
  const python = await preparePython(options.python, !options.noSetup, log);
  if (python.missing !== undefined) log(`theirs not available: ${python.missing}`);
  const report = await runBench(options, python, log);
  process.stdout.write(`${formatReport(report)}\n`);
  if (options.json !== undefined) await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `nwbjs-bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
