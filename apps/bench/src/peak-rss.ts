/**
 * Peak resident memory of this process: VmHWM from /proc (Linux), else getrusage's maxRSS.
 */
import { readFileSync } from 'node:fs';

/** Peak resident set size of the current process, in bytes. */
export function peakRssBytes(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    if (match !== null) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall through to getrusage.
  }
  return process.resourceUsage().maxRSS * 1024;
}
