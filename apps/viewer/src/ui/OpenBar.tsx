/** Where a file is opened from: a URL, a local file, or a local folder (a Zarr store). */
import { useEffect, useRef, useState } from 'react';
import type { SourceInput } from '../provider/index.js';
import { folderFromPicker } from './local-files.js';

export interface OpenBarProps {
  readonly initialUrl: string;
  readonly onOpen: (input: SourceInput) => void;
}

export function OpenBar({ initialUrl, onOpen }: OpenBarProps) {
  const [url, setUrl] = useState(initialUrl);
  const folderInput = useRef<HTMLInputElement>(null);
  useEffect(() => setUrl(initialUrl), [initialUrl]);
  useEffect(() => {
    // Not in React's attribute list: set by hand.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
  return (
    <div className="open-bar">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (url.trim() !== '') onOpen({ kind: 'url', url: url.trim() });
        }}
      >
        <input
          type="text"
          className="url"
          aria-label="URL of an NWB file or Zarr store"
          placeholder="https://…/session.nwb.zarr or …/session.nwb"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          spellCheck={false}
        />
        <button type="submit">Open URL</button>
      </form>
      <label className="button">
        Open file
        <input
          type="file"
          accept=".nwb,.h5,.hdf5,.hdf,.json"
          data-testid="file-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file !== undefined) onOpen({ kind: 'file', file });
            e.target.value = '';
          }}
        />
      </label>
      <label className="button">
        Open folder
        <input
          ref={folderInput}
          type="file"
          data-testid="folder-input"
          onChange={(e) => {
            const input = e.target.files === null ? undefined : folderFromPicker(e.target.files);
            if (input !== undefined) onOpen(input);
            e.target.value = '';
          }}
        />
      </label>
    </div>
  );
}
