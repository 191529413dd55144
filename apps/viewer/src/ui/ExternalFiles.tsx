/** An ImageSeries whose frames live in other files: links to them, and a player where the browser can play one. */
import { useEffect, useState } from 'react';
import type { ExternalFile, NWBView, ViewerProblem } from '../provider/index.js';
import { ProblemMessage } from './ProblemMessage.js';

const VIDEO_TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  ogv: 'video/ogg',
  ogg: 'video/ogg',
  mkv: 'video/x-matroska',
};

/** The video type of a file the browser says it can play, else undefined. */
function playableType(path: string): string | undefined {
  const type = VIDEO_TYPES[path.slice(path.lastIndexOf('.') + 1).toLowerCase()];
  if (type === undefined) return undefined;
  return document.createElement('video').canPlayType(type) === '' ? undefined : type;
}

export interface ExternalFilesProps {
  readonly view: NWBView;
  readonly list: () => Promise<readonly ExternalFile[]>;
}

export function ExternalFiles({ view, list }: ExternalFilesProps) {
  const [files, setFiles] = useState<readonly ExternalFile[] | undefined>();
  const [problem, setProblem] = useState<ViewerProblem | undefined>();
  useEffect(() => {
    let current = true;
    list().then(
      (found) => current && setFiles(found),
      (error: unknown) => current && setProblem(view.describe(error)),
    );
    return () => {
      current = false;
    };
  }, [view, list]);
  if (problem !== undefined) return <ProblemMessage problem={problem} />;
  if (files === undefined) return <p className="muted">Reading the list of external files…</p>;
  const local = files.some((f) => f.url === undefined);
  return (
    <div className="external" data-testid="external-files">
      <p>
        The frames of this series are stored outside the NWB file, in {files.length} file
        {files.length === 1 ? '' : 's'}:
      </p>
      <table>
        <thead>
          <tr>
            <th>file</th>
            <th>first frame</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => (
            <tr key={f.path}>
              <td>
                {f.url === undefined ? (
                  <code>{f.path}</code>
                ) : (
                  <a href={f.url} target="_blank" rel="noreferrer">
                    {f.path}
                  </a>
                )}
              </td>
              <td>{f.startingFrame ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {local && <p className="muted">Paths are relative to the NWB file on your disk.</p>}
      {files.map((f) => {
        const type = f.url === undefined ? undefined : playableType(f.path);
        return type === undefined ? null : (
          <figure key={f.path}>
            <video controls preload="metadata" src={f.url}>
              <track kind="captions" />
            </video>
            <figcaption>{f.path}</figcaption>
          </figure>
        );
      })}
    </div>
  );
}
