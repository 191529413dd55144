/**
 * nwb-convert as a library: the same conversion, inspection and validation the CLI runs.
 *
 * @packageDocumentation
 */
export { convert, type ConvertOptions, type ConvertSummary } from './convert.js';
export { inspect, formatInspectReport, type InspectEntry, type InspectReport } from './inspect.js';
export {
  validate,
  formatValidationReport,
  type ValidationProblem,
  type ValidationReport,
} from './validate.js';
export { main, type CliIo } from './main.js';
export { terminalProgress, silentProgress, type ProgressReporter } from './progress.js';
export type { Format, ReadOptions } from './formats.js';
export type { TreeCounts } from './tree-stats.js';
export type { ExternalFilesReport } from './external-files.js';
