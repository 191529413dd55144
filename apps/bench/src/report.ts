/**
 * The printed report: a Markdown table of ratios, then the remote and streaming tables and the
 * targets. Markdown so that it can be pasted into README.md as it is.
 */
import type { BenchReport, ComparedCase, SideStats } from './results.js';
import { RSS_LIMIT_BYTES } from './targets.js';

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

function rate(c: ComparedCase, s: SideStats): string {
  if ('frames' in c.work) return `${((s.median * 1000) / c.work.frames).toFixed(2)} ms/frame`;
  return `${(c.work.bytes / 1e6 / s.median).toFixed(0)} MB/s`;
}

function ratioText(ratio: number | null): string {
  if (ratio === null) return 'n/a';
  const how = ratio <= 1 ? `${(1 / ratio).toFixed(2)}x faster` : `${ratio.toFixed(2)}x slower`;
  return `${ratio.toFixed(2)} (${how})`;
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The whole report as text. */
export function formatReport(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(
    `nwbjs bench, ${report.date.slice(0, 10)}: movie (${report.movie.shape.join(', ')}) uint8, ${mb(report.movie.bytes)}, chunks (${report.movie.chunk.join(', ')}); ` +
      `median of ${report.runs} run(s) after ${report.warmup} warm-up(s)`,
  );
  lines.push(
    `machine: ${m.cpus} x ${m.cpuModel}, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${m.platform}; node ${m.node}; ${m.python}`,
  );
  lines.push('');
  lines.push(
    'ours = nwbjs (Node), theirs = h5py / zarr-python (Python); ratio = ours time / theirs time, below 1 is faster',
  );
  lines.push('');
  lines.push(
    table(
      [
        'case',
        'ours',
        'theirs',
        'ratio ours/theirs',
        'ours rate',
        'theirs rate',
        'ours peak RSS',
        'theirs peak RSS',
      ],
      report.cases.map((c) => {
        const t = 'median' in c.theirs ? c.theirs : undefined;
        return [
          c.title,
          `${c.ours.median.toFixed(3)} s`,
          t === undefined
            ? `n/a: ${(c.theirs as { unavailable: string }).unavailable}`
            : `${t.median.toFixed(3)} s`,
          ratioText(c.ratio),
          rate(c, c.ours),
          t === undefined ? '' : rate(c, t),
          mb(c.ours.peakRssBytes),
          t === undefined ? '' : mb(t.peakRssBytes),
        ];
      }),
    ),
  );
  if (report.remote.length > 0) {
    lines.push('');
    lines.push(
      table(
        [
          'remote case (ours)',
          'file size',
          'chunk on disk',
          'requests/frame',
          'bytes/frame',
          'ms/frame',
          'round trips/frame',
          'open: round trips, requests, bytes, s',
          'server saw',
          'peak RSS',
        ],
        report.remote.map((r) => [
          r.title,
          `${r.fileBytes} B`,
          r.chunkBytes === null ? 'in the file' : `${r.chunkBytes} B`,
          r.requestsPerFrame.toFixed(2),
          r.bytesPerFrame.toFixed(0),
          r.msPerFrame.toFixed(2),
          r.roundTripsPerFrame.toFixed(2),
          `${r.openRoundTrips}, ${r.openRequests}, ${r.openBytes}, ${r.openSeconds.toFixed(3)}`,
          `${r.serverRequests} req, ${r.serverBytes} B`,
          mb(r.peakRssBytes),
        ]),
      ),
    );
    lines.push(`(theirs: ${report.remote[0]!.theirs.unavailable})`);
  }
  if (report.stream.length > 0) {
    lines.push('');
    lines.push(
      table(
        ['streamed write (ours, uncompressed)', 'size', 'seconds', 'rate', 'peak RSS'],
        report.stream.map((s) => [
          s.format === 'hdf5' ? 'HDF5' : 'Zarr',
          `${(s.bytes / 2 ** 30).toFixed(2)} GiB`,
          s.seconds.toFixed(2),
          `${(s.bytes / 1e6 / s.seconds).toFixed(0)} MB/s`,
          mb(s.peakRssBytes),
        ]),
      ),
    );
  }
  lines.push('');
  lines.push(
    table(
      ['target', 'measured', 'result'],
      report.targets.map((t) => {
        const isRss = t.maxRatio === RSS_LIMIT_BYTES;
        const measured =
          t.measured === null
            ? 'n/a'
            : isRss
              ? `max ${mb(t.measured)}`
              : `ratio ${t.measured.toFixed(2)} (need <= ${t.maxRatio.toFixed(2)})`;
        const result = t.met === null ? `not measured (${t.note ?? ''})` : t.met ? 'met' : 'MISSED';
        return [t.name, measured, result];
      }),
    ),
  );
  return lines.join('\n');
}
