/**
 * The page: open a file, then its images, objects and metadata. What is open is kept in the
 * address (`?url=`, `&object=`, `&frame=`) so a view can be shared as a link.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { NWBView, SourceInput, ViewerProblem } from '../provider/index.js';
import { OpenError, formatBytes, openNWB } from '../provider/index.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { ImagePanel } from './ImagePanel.js';
import { MetadataPanel } from './MetadataPanel.js';
import { ObjectTree } from './ObjectTree.js';
import { OpenBar } from './OpenBar.js';
import { ProblemMessage } from './ProblemMessage.js';
import { inputFromDrop } from './local-files.js';

type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'opening'; readonly label: string }
  | { readonly kind: 'open'; readonly view: NWBView }
  | { readonly kind: 'failed'; readonly label: string; readonly problem: ViewerProblem };

function params(): URLSearchParams {
  return new URLSearchParams(globalThis.location.search);
}

/** Rewrites the page's query, keeping the history entry unless `push`. */
function setQuery(values: Record<string, string | undefined>, push = false): void {
  const query = params();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) query.delete(key);
    else query.set(key, value);
  }
  const search = query.toString();
  const href = `${globalThis.location.pathname}${search === '' ? '' : `?${search}`}`;
  if (href === `${globalThis.location.pathname}${globalThis.location.search}`) return;
  if (push) globalThis.history.pushState(null, '', href);
  else globalThis.history.replaceState(null, '', href);
}

function labelOf(input: SourceInput): string {
  return input.kind === 'url' ? input.url : input.kind === 'file' ? input.file.name : input.name;
}

export function App() {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [selected, setSelected] = useState<string | undefined>(() => params().get('object') ?? undefined);
  const [startFrame, setStartFrame] = useState(() => Number(params().get('frame') ?? 0));
  const [dragging, setDragging] = useState(false);
  const opening = useRef<AbortController | undefined>(undefined);
  const current = useRef<NWBView | undefined>(undefined);

  const open = useCallback(async (input: SourceInput, options: { fromAddress?: boolean } = {}) => {
    opening.current?.abort(new DOMException('another file was opened', 'AbortError'));
    const controller = new AbortController();
    opening.current = controller;
    void current.current?.close().catch(() => undefined);
    current.current = undefined;
    if (!options.fromAddress) {
      setQuery(
        { url: input.kind === 'url' ? input.url : undefined, object: undefined, frame: undefined },
        true,
      );
      setSelected(undefined);
      setStartFrame(0);
    }
    const label = labelOf(input);
    setState({ kind: 'opening', label });
    try {
      const view = await openNWB(input, { signal: controller.signal });
      if (opening.current !== controller) {
        void view.close();
        return;
      }
      current.current = view;
      setState({ kind: 'open', view });
    } catch (error) {
      if (opening.current !== controller) return;
      const problem =
        error instanceof OpenError
          ? error.problem
          : { title: 'Could not open the file', detail: String(error), technical: undefined };
      setState({ kind: 'failed', label, problem });
    }
  }, []);

  // Open what the address says, now and when the user goes back or forward.
  useEffect(() => {
    const fromAddress = () => {
      const url = params().get('url');
      setSelected(params().get('object') ?? undefined);
      setStartFrame(Number(params().get('frame') ?? 0));
      if (url !== null && url !== '') void open({ kind: 'url', url }, { fromAddress: true });
    };
    fromAddress();
    globalThis.addEventListener('popstate', fromAddress);
    return () => globalThis.removeEventListener('popstate', fromAddress);
  }, [open]);

  // Drop a file or a folder anywhere on the page.
  useEffect(() => {
    const over = (event: DragEvent) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      setDragging(true);
    };
    const leave = (event: DragEvent) => {
      if (event.relatedTarget === null) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      if (event.dataTransfer === null) return;
      event.preventDefault();
      setDragging(false);
      void inputFromDrop(event.dataTransfer).then((input) => {
        if (input !== undefined) void open(input);
      });
    };
    globalThis.addEventListener('dragover', over);
    globalThis.addEventListener('dragleave', leave);
    globalThis.addEventListener('drop', drop);
    return () => {
      globalThis.removeEventListener('dragover', over);
      globalThis.removeEventListener('dragleave', leave);
      globalThis.removeEventListener('drop', drop);
    };
  }, [open]);

  const select = useCallback((path: string) => {
    setSelected(path);
    setStartFrame(0);
    setQuery({ object: path, frame: undefined });
  }, []);
  const onFrameShown = useCallback(
    (index: number) => setQuery({ frame: index === 0 ? undefined : String(index) }),
    [],
  );

  return (
    <div className={dragging ? 'app dragging' : 'app'}>
      <header>
        <h1>NWB viewer</h1>
        <OpenBar
          initialUrl={state.kind === 'idle' ? (params().get('url') ?? '') : urlOf(state)}
          onOpen={open}
        />
      </header>
      <main>
        {state.kind === 'idle' && <Welcome onOpen={open} />}
        {state.kind === 'opening' && <Opening label={state.label} />}
        {state.kind === 'failed' && (
          <div className="failed" data-testid="open-failed">
            <p className="location">{state.label}</p>
            <ProblemMessage problem={state.problem} />
          </div>
        )}
        {state.kind === 'open' && (
          <ErrorBoundary key={state.view.location}>
            <FileView
              view={state.view}
              selected={selected}
              onSelect={select}
              startFrame={startFrame}
              onFrameShown={onFrameShown}
            />
          </ErrorBoundary>
        )}
      </main>
      {dragging && <div className="drop-hint">Drop an .nwb file or an .nwb.zarr folder</div>}
    </div>
  );
}

function urlOf(state: State): string {
  return state.kind === 'open' && /^https?:/.test(state.view.location)
    ? state.view.location
    : (params().get('url') ?? '');
}

function Opening({ label }: { readonly label: string }) {
  return (
    <div className="opening" data-testid="opening">
      <p>Opening {label}…</p>
    </div>
  );
}

interface Example {
  readonly name: string;
  readonly url: string;
}

/** The start page, with the examples the local server offers (`npm run viewer` serves some). */
function Welcome({ onOpen }: { readonly onOpen: (input: SourceInput) => void }) {
  const [examples, setExamples] = useState<readonly Example[]>([]);
  useEffect(() => {
    fetch('data/index.json')
      .then((r) => (r.ok ? (r.json() as Promise<Example[]>) : []))
      .then((list) => setExamples(Array.isArray(list) ? list : []))
      .catch(() => undefined);
  }, []);
  return (
    <div className="welcome">
      <p>
        Look at the images of an NWB file: give the URL of a Zarr NWB store (<code>.nwb.zarr</code>, streamed)
        or of an HDF5 <code>.nwb</code> file or its LINDI index (<code>.lindi.json</code>), open a local{' '}
        <code>.nwb</code> or <code>.lindi.json</code> file or <code>.nwb.zarr</code> folder, or drop one on
        this page. Nothing leaves your computer: local files are read in the page.
      </p>
      {examples.length > 0 && (
        <>
          <h2>Examples on this server</h2>
          <ul className="examples">
            {examples.map((e) => (
              <li key={e.url}>
                <button type="button" className="link" onClick={() => onOpen({ kind: 'url', url: e.url })}>
                  {e.name}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

interface FileViewProps {
  readonly view: NWBView;
  readonly selected: string | undefined;
  readonly onSelect: (path: string) => void;
  readonly startFrame: number;
  readonly onFrameShown: (index: number) => void;
}

/** How long the metadata waits for the first frame before it is read anyway. */
const METADATA_DELAY_MS = 2000;

function FileView({ view, selected, onSelect, startFrame, onFrameShown }: FileViewProps) {
  const viewable = useMemo(() => new Set(view.images.map((i) => i.path)), [view]);
  const object =
    view.images.find((i) => i.path === selected) ??
    view.images.find((i) => i.frames !== undefined) ??
    view.images[0];
  // The first frame goes first: the metadata's requests start once it is drawn (or soon anyway).
  const hasFrames = object?.frames !== undefined && object.frames.count > 0;
  const [metadataDue, setMetadataDue] = useState(!hasFrames);
  useEffect(() => {
    const timer = setTimeout(() => setMetadataDue(true), METADATA_DELAY_MS);
    return () => clearTimeout(timer);
  }, []);
  const frameShown = useCallback(
    (index: number) => {
      setMetadataDue(true);
      onFrameShown(index);
    },
    [onFrameShown],
  );
  const [network, setNetwork] = useState(view.network());
  useEffect(() => {
    const timer = setInterval(() => setNetwork(view.network()), 500);
    return () => clearInterval(timer);
  }, [view]);
  return (
    <div className="file-view" data-testid="file-view">
      <div className={view.access.streamed ? 'access streamed' : 'access whole'} data-testid="access">
        <strong>{view.location}</strong> — {view.access.message}{' '}
        <span className="network" data-testid="network">
          {network.requests} requests, {formatBytes(network.bytes)} so far
        </span>
      </div>
      <div className="columns">
        <aside>
          <h2>Images</h2>
          {view.images.length === 0 ? (
            <p className="muted">No image objects in this file.</p>
          ) : (
            <ul className="image-list" data-testid="image-list">
              {view.images.map((i) => (
                <li key={i.path} className={i.path === object?.path ? 'selected' : undefined}>
                  <button type="button" className="link" onClick={() => onSelect(i.path)} data-path={i.path}>
                    {i.name}
                  </button>{' '}
                  <span className="type">{i.neurodataType}</span>
                </li>
              ))}
            </ul>
          )}
          <h2>Objects</h2>
          <ObjectTree tree={view.tree} viewable={viewable} selected={object?.path} onSelect={onSelect} />
        </aside>
        <div className="content">
          {object !== undefined && (
            <ErrorBoundary key={object.path}>
              <ImagePanel
                view={view}
                object={object}
                initialFrame={object.path === selected ? startFrame : 0}
                onFrameShown={frameShown}
              />
            </ErrorBoundary>
          )}
          <h2>Metadata</h2>
          {metadataDue ? <MetadataPanel view={view} /> : <p className="muted">Reading the metadata…</p>}
        </div>
      </div>
    </div>
  );
}
