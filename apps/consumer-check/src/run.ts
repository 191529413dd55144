/** Child processes whose output the checks read: a command's status, stdout and stderr. */
import { execFile } from 'node:child_process';

/** What a command did. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `file args` in `cwd`; resolves with its status and output whatever the status. */
export function run(
  file: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 32 << 20,
        env: options.env ?? process.env,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs `node script args`, with the same Node as this process. */
export function runNode(script: string, args: readonly string[], cwd: string): Promise<Ran> {
  return run(process.execPath, [script, ...args], { cwd });
}
