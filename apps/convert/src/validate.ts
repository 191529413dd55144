/**
 * `nwb-convert validate`: lists what a file breaks, from two sources: the NWB schema (every type
 * in the file's cached specification: required fields, counts, dtypes, shapes, link targets, as
 * HDMF's validator checks them) and the data model's own rules, which PyNWB enforces when it builds
 * objects (timing, external files, image shapes, IndexSeries and Images references). Reading never
 * refuses a file for a broken rule; it reports it here.
 */
import { readTree, treeToNWBFile, validateTree } from '@nwbjs/core';
import { openReader, type ReadOptions } from './formats.js';
import { danglingLinks } from './tree-checks.js';

/** One broken rule: the object's path, the rule's name and what is wrong. */
export interface ValidationProblem {
  path: string;
  rule: string;
  message: string;
}

/** The report of `validate`. */
export interface ValidationReport {
  location: string;
  format: string;
  /** The NWB version the file declares, if any. */
  nwbVersion?: string;
  problems: ValidationProblem[];
}

/** Reads `location` (HDF5 file, Zarr directory or http(s) Zarr) and checks the model's rules. */
export async function validate(location: string, options: ReadOptions = {}): Promise<ValidationReport> {
  const reader = await openReader(location, options);
  try {
    const tree = await readTree(reader);
    const schemaProblems = await validateTree(tree);
    const file = await treeToNWBFile(tree);
    const modelProblems = file.readWarnings.map((warning) => {
      const where = warning.path ?? '/';
      // NWBError messages start with their path; the report keeps the two apart.
      const message = warning.message.startsWith(`${where}: `)
        ? warning.message.slice(where.length + 2)
        : warning.message;
      return { path: where, rule: warning.rule, message };
    });
    // The model and the schema check a few of the same things (a series' timestamps): say each once.
    const seen = new Set(modelProblems.map((p) => `${p.path}\0${p.rule}`));
    const problems = [...modelProblems, ...schemaProblems.filter((p) => !seen.has(`${p.path}\0${p.rule}`))];
    // Soft links to nothing that the schema does not declare (it reports the ones it does).
    const reported = new Set(problems.filter((p) => p.rule === 'schema-link-target').map((p) => p.path));
    for (const { path, target } of danglingLinks(tree)) {
      if (reported.has(path)) continue;
      problems.push({
        path,
        rule: 'dangling-link',
        message: `soft link to ${target}, which is not in the file`,
      });
    }
    const report: ValidationReport = { location, format: reader.format, problems };
    if (file.nwbVersion !== undefined) report.nwbVersion = file.nwbVersion;
    return report;
  } finally {
    await reader.close();
  }
}

/** The report as text: one line a problem, or a line saying there are none. */
export function formatValidationReport(report: ValidationReport): string {
  const head = `${report.location} (${report.format}${report.nwbVersion ? `, NWB ${report.nwbVersion}` : ''})`;
  if (report.problems.length === 0) return `${head}: no problems found`;
  const lines = report.problems.map((p) => `  ${p.path}: ${p.message} [${p.rule}]`);
  return [`${head}: ${report.problems.length} problem(s)`, ...lines].join('\n');
}
