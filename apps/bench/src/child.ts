/**
 * Runs one job in a child process (Node or Python) and parses its one-line JSON answer.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Job, JobResult } from './protocol.js';

/** dist/worker.js, next to this module once built. */
export const NODE_WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));
/** python/worker.py of this package. */
export const PYTHON_WORKER = fileURLToPath(new URL('../python/worker.py', import.meta.url));

/** Which side runs a job. */
export type Side = 'ours' | 'theirs';

/** Runs `job` in a fresh process and returns its answer; a failed child is an Error with its stderr. */
export function runJob(side: Side, job: Job, python: string): Promise<JobResult> {
  const [command, args] =
    side === 'ours'
      ? [process.execPath, [NODE_WORKER, JSON.stringify(job)]]
      : [python, ['-Es', PYTHON_WORKER, JSON.stringify(job)]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8').trim();
      const stderr = Buffer.concat(err).toString('utf8').trim();
      const last = stdout.split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        // The first lines name the error, the last ones where it surfaced.
        const lines = stderr.split('\n');
        const shown = lines.length <= 12 ? lines : [...lines.slice(0, 6), '...', ...lines.slice(-5)];
        reject(new Error(`${side} ${job.kind} job failed (exit ${code}):\n${shown.join('\n')}`));
        return;
      }
      resolve(JSON.parse(last) as JobResult);
    });
  });
}

/** Succeeds when `python -Es -c code` exits 0. */
export function pythonCan(python: string, code: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-Es', '-c', code], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (status) => resolve(status === 0));
  });
}
