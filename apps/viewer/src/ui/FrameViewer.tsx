/**
 * One object's frames on a canvas: a slider, play/pause, the frame number, its time and caption,
 * contrast for grayscale, a z plane for volumes. Each frame is read with its own AbortSignal,
 * aborted as soon as the user moves on, and frames ahead are prefetched while playing.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Frame, FrameSource, NWBView, ViewerProblem } from '../provider/index.js';
import { formatBytes, isAbort } from '../provider/index.js';
import type { ContrastWindow } from '../render/pixels.js';
import { autoWindow, defaultWindow, toRGBA } from '../render/pixels.js';
import { ProblemMessage } from './ProblemMessage.js';

/** Frames read ahead of the one shown while playing. */
const PREFETCH_AHEAD = 8;
const SPEEDS = [1, 5, 10, 30, 60];
/** Set when the page draws its first frame: the end of "time to first frame". */
export const FIRST_FRAME_MARK = 'nwb-viewer:first-frame';
/** The largest size a frame is scaled up to fit. */
const BOX = { width: 640, height: 480 };

export interface FrameViewerProps {
  readonly view: NWBView;
  readonly source: FrameSource;
  readonly initialFrame: number;
  /** Called with the frame shown, when not playing (for the shareable URL). */
  readonly onFrameShown: (index: number) => void;
}

interface Shown {
  readonly index: number;
  readonly frame: Frame;
  readonly time: number | undefined;
  readonly caption: string | undefined;
  readonly requests: number;
  readonly bytes: number;
}

function clampIndex(index: number, count: number): number {
  return Math.min(Math.max(0, Math.trunc(Number.isFinite(index) ? index : 0)), Math.max(0, count - 1));
}

export function FrameViewer({ view, source, initialFrame, onFrameShown }: FrameViewerProps) {
  const count = source.count;
  const [index, setIndex] = useState(() => clampIndex(initialFrame, count));
  const [plane, setPlane] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [fps, setFps] = useState(10);
  const [shown, setShown] = useState<Shown | undefined>();
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<ViewerProblem | undefined>();
  /** The grayscale window, and the frame it was chosen for. */
  const [contrast, setContrast] = useState<(ContrastWindow & { frame: Frame }) | undefined>();
  const [hover, setHover] = useState<string | undefined>();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const playAhead = useRef<AbortController | undefined>(undefined);

  const step = useCallback((delta: number) => setIndex((i) => clampIndex(i + delta, count)), [count]);

  // Read the frame asked for; moving on aborts it (and whatever it was fetching).
  useEffect(() => {
    const controller = new AbortController();
    const signal = controller.signal;
    const before = view.network();
    setLoading(true);
    Promise.all([
      source.read(index, { signal, plane }),
      source.time(index, signal).catch((e: unknown) => (isAbort(e) ? Promise.reject(e) : undefined)),
      source.caption(index, signal).catch((e: unknown) => (isAbort(e) ? Promise.reject(e) : undefined)),
    ]).then(
      ([frame, time, caption]) => {
        if (signal.aborted) return;
        const after = view.network();
        setShown({
          index,
          frame,
          time,
          caption,
          requests: after.requests - before.requests,
          bytes: after.bytes - before.bytes,
        });
        setProblem(undefined);
        setLoading(false);
      },
      (error: unknown) => {
        if (signal.aborted || isAbort(error)) return;
        setProblem(view.describe(error));
        setLoading(false);
        setPlaying(false);
      },
    );
    return () => controller.abort(new DOMException('the frame is no longer wanted', 'AbortError'));
  }, [view, source, index, plane]);

  useEffect(() => {
    if (!playing && shown !== undefined) onFrameShown(shown.index);
  }, [playing, shown, onFrameShown]);

  // A series' grayscale window is chosen once, from the first frame shown, so playback does not
  // flicker; images of an Images group differ from one to the next, so each gets its own.
  const frame = shown?.frame;
  const grayscale = frame?.channels === 1;
  const perImage = source.layout === undefined;
  useEffect(() => {
    if (frame === undefined || frame.channels !== 1) return;
    if (contrast === undefined || (perImage && contrast.frame !== frame))
      setContrast({ ...defaultWindow(frame), frame });
  }, [frame, contrast, perImage]);

  const chosen = contrast !== undefined && (!perImage || contrast.frame === frame) ? contrast : undefined;
  const chosenLow = grayscale ? chosen?.low : undefined;
  const chosenHigh = grayscale ? chosen?.high : undefined;
  const levels = useMemo(
    () =>
      frame === undefined
        ? undefined
        : chosenLow !== undefined && chosenHigh !== undefined
          ? { low: chosenLow, high: chosenHigh }
          : defaultWindow(frame),
    [frame, chosenLow, chosenHigh],
  );

  // Draw, then say so on the canvas (`data-drawn`) and, the first time, in a performance mark.
  const drawnIndex = shown?.index;
  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null || frame === undefined || levels === undefined) return;
    if (canvas.width !== frame.cols) canvas.width = frame.cols;
    if (canvas.height !== frame.rows) canvas.height = frame.rows;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (context === null) return;
    const pixels = toRGBA(frame, levels);
    context.putImageData(
      new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, frame.cols, frame.rows),
      0,
      0,
    );
    canvas.dataset.drawn = String(drawnIndex);
    if (performance.getEntriesByName(FIRST_FRAME_MARK).length === 0) performance.mark(FIRST_FRAME_MARK);
  }, [frame, levels, drawnIndex]);

  // Play: the next frame once this one is drawn, frames ahead fetched meanwhile.
  useEffect(() => {
    if (!playing) {
      playAhead.current?.abort(new DOMException('paused', 'AbortError'));
      playAhead.current = undefined;
      return;
    }
    if (shown?.index !== index || loading) return;
    playAhead.current ??= new AbortController();
    const ahead = Array.from({ length: PREFETCH_AHEAD }, (_, k) => index + 1 + k).filter((i) => i < count);
    source.prefetch(ahead, playAhead.current.signal);
    if (index >= count - 1) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => setIndex((i) => clampIndex(i + 1, count)), 1000 / fps);
    return () => clearTimeout(timer);
  }, [playing, shown, index, loading, count, fps, source]);

  useEffect(() => () => playAhead.current?.abort(new DOMException('closed', 'AbortError')), []);

  // Keys: arrows step, PageUp/PageDown jump 10, Home/End, space plays.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // Fields handle their own keys (a focused slider steps by itself); buttons take space and enter.
      const tag = (event.target as HTMLElement | null)?.tagName;
      if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
      if (tag === 'BUTTON' && (event.key === ' ' || event.key === 'Enter')) return;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const moves: Record<string, () => void> = {
        ArrowRight: () => step(1),
        ArrowLeft: () => step(-1),
        PageDown: () => step(10),
        PageUp: () => step(-10),
        Home: () => setIndex(0),
        End: () => setIndex(count - 1),
        ' ': () => setPlaying((p) => !p),
      };
      const move = moves[event.key];
      if (move === undefined) return;
      event.preventDefault();
      if (event.key !== ' ') setPlaying(false);
      move();
    };
    globalThis.addEventListener('keydown', onKey);
    return () => globalThis.removeEventListener('keydown', onKey);
  }, [step, count]);

  const onHover = (event: React.MouseEvent<HTMLCanvasElement>) => {
    if (frame === undefined) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const col = Math.floor(((event.clientX - rect.left) / rect.width) * frame.cols);
    const row = Math.floor(((event.clientY - rect.top) / rect.height) * frame.rows);
    if (row < 0 || col < 0 || row >= frame.rows || col >= frame.cols) return setHover(undefined);
    const at = (row * frame.cols + col) * frame.channels;
    const values = Array.from({ length: frame.channels }, (_, c) => frame.values[at + c]!);
    setHover(`[${row}, ${col}] = ${values.length === 1 ? values[0] : `(${values.join(', ')})`}`);
  };

  const scale = frame === undefined ? 1 : Math.min(BOX.width / frame.cols, BOX.height / frame.rows);
  const shownScale = scale >= 1 ? Math.floor(scale) : scale;

  return (
    <div className="frame-viewer">
      <div className="canvas-box">
        <canvas
          ref={canvasRef}
          data-testid="frame-canvas"
          data-frame={shown?.index}
          data-loading={loading ? 'true' : 'false'}
          data-window-low={levels?.low}
          data-window-high={levels?.high}
          className={frame?.channels === 4 ? 'frame with-alpha' : 'frame'}
          style={
            frame === undefined
              ? undefined
              : { width: frame.cols * shownScale, height: frame.rows * shownScale }
          }
          onMouseMove={onHover}
          onMouseLeave={() => setHover(undefined)}
        />
        {loading && <div className="loading-badge">loading frame {index}…</div>}
      </div>
      {problem !== undefined && <ProblemMessage problem={problem} />}
      <div className="controls">
        <button type="button" onClick={() => setIndex(0)} disabled={index === 0} aria-label="first frame">
          |◀
        </button>
        <button type="button" onClick={() => step(-1)} disabled={index === 0} aria-label="previous frame">
          ◀
        </button>
        <button
          type="button"
          onClick={() => setPlaying((p) => !p)}
          disabled={count < 2}
          aria-label={playing ? 'pause' : 'play'}
          data-testid="play"
        >
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" onClick={() => step(1)} disabled={index >= count - 1} aria-label="next frame">
          ▶
        </button>
        <button
          type="button"
          onClick={() => setIndex(count - 1)}
          disabled={index >= count - 1}
          aria-label="last frame"
        >
          ▶|
        </button>
        <input
          type="range"
          className="frame-slider"
          aria-label="frame"
          min={0}
          max={Math.max(0, count - 1)}
          value={index}
          onChange={(e) => {
            setPlaying(false);
            setIndex(clampIndex(Number(e.target.value), count));
          }}
        />
        <label className="speed">
          <select value={fps} onChange={(e) => setFps(Number(e.target.value))} aria-label="frames per second">
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s} fps
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="frame-info" data-testid="frame-info">
        <span data-testid="frame-number">
          frame {index} / {count - 1}
        </span>
        {shown?.time !== undefined && <span data-testid="frame-time">t = {formatTime(shown.time)}</span>}
        {shown?.caption !== undefined && <span data-testid="frame-caption">{shown.caption}</span>}
        {frame !== undefined && (
          <span>
            {frame.rows} × {frame.cols}
            {frame.channels === 1 ? '' : frame.channels === 3 ? ' RGB' : ' RGBA'} {frame.dtype}
          </span>
        )}
        {shown !== undefined && (
          <span data-testid="frame-requests" title="requests made while this frame was read">
            {shown.requests === 0
              ? 'no request'
              : `${shown.requests} request${shown.requests === 1 ? '' : 's'}`}
            {shown.bytes > 0 ? `, ${formatBytes(shown.bytes)}` : ''}
          </span>
        )}
        {hover !== undefined && <span className="hover">{hover}</span>}
      </div>
      {source.planes > 1 && (
        <label className="plane">
          z plane {plane} / {source.planes - 1}
          <input
            type="range"
            min={0}
            max={source.planes - 1}
            value={plane}
            onChange={(e) => setPlane(Number(e.target.value))}
          />
        </label>
      )}
      {grayscale && levels !== undefined && frame !== undefined && (
        <Contrast levels={levels} frame={frame} onChange={(w) => setContrast({ ...w, frame })} />
      )}
    </div>
  );
}

function formatTime(seconds: number): string {
  return `${Number(seconds.toPrecision(6))} s`;
}

interface ContrastProps {
  readonly levels: ContrastWindow;
  readonly frame: Frame;
  readonly onChange: (window: ContrastWindow) => void;
}

/** Low and high ends of the grayscale window, with the frame's own range as the sliders' range. */
function Contrast({ levels, frame, onChange }: ContrastProps) {
  const range = autoWindow(frame);
  const min = Math.min(range.low, levels.low, frame.dtype === 'uint8' ? 0 : range.low);
  const max = Math.max(range.high, levels.high, frame.dtype === 'uint8' ? 255 : range.high);
  const integer = !frame.dtype.startsWith('float');
  const stepSize = integer ? 1 : (max - min) / 1000 || 1;
  return (
    <div className="contrast" data-testid="contrast">
      <span>contrast</span>
      <label>
        black at
        <input
          type="range"
          aria-label="black level"
          min={min}
          max={max}
          step={stepSize}
          value={levels.low}
          onChange={(e) =>
            onChange({ low: Math.min(Number(e.target.value), levels.high), high: levels.high })
          }
        />
        <output>{formatLevel(levels.low)}</output>
      </label>
      <label>
        white at
        <input
          type="range"
          aria-label="white level"
          min={min}
          max={max}
          step={stepSize}
          value={levels.high}
          onChange={(e) => onChange({ low: levels.low, high: Math.max(Number(e.target.value), levels.low) })}
        />
        <output>{formatLevel(levels.high)}</output>
      </label>
      <button type="button" onClick={() => onChange(autoWindow(frame))}>
        fit this frame
      </button>
      <button type="button" onClick={() => onChange(defaultWindow(frame))} disabled={frame.dtype !== 'uint8'}>
        full range
      </button>
    </div>
  );
}

function formatLevel(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
