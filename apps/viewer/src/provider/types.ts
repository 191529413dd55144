/**
 * What the UI knows about an opened file. The provider (this folder) turns any location the
 * library can open into these shapes; the UI never learns the file's format, only what it holds
 * and how it was reached.
 */

/** Where a file comes from: a URL, a local file, or a local folder (a Zarr store). */
export type SourceInput =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'file'; readonly file: File }
  | { readonly kind: 'folder'; readonly name: string; readonly files: readonly FolderEntry[] };

/** One file of a local folder, with its path inside the folder (`acquisition/movie/data/0.0.0`). */
export interface FolderEntry {
  readonly path: string;
  readonly file: File;
}

/** How the file is read: streamed piece by piece, or held whole in memory (and why). */
export interface Access {
  /** True when only what is shown is fetched (metadata, then the chunks of each frame). */
  readonly streamed: boolean;
  /** One sentence for the page, e.g. why the whole file had to be loaded. */
  readonly message: string;
  /** Bytes loaded up front when the file is held whole. */
  readonly wholeBytes?: number;
}

/** A titled group of label/value rows (session, subject, devices). */
export interface MetadataSection {
  readonly title: string;
  readonly rows: readonly (readonly [label: string, value: string])[];
}

/** One object of the file's tree. */
export interface ObjectNode {
  readonly name: string;
  readonly path: string;
  readonly kind: 'group' | 'dataset' | 'link';
  readonly neurodataType?: string;
  /** Shape and dtype of a dataset, or the target of a link. */
  readonly detail?: string;
  readonly children: readonly ObjectNode[];
}

/** How one frame is laid out: rows x columns, with 1 (grayscale), 3 (RGB) or 4 (RGBA) channels. */
export interface FrameLayout {
  readonly rows: number;
  readonly cols: number;
  readonly channels: 1 | 3 | 4;
  /** Element type as stored, e.g. `uint8`. */
  readonly dtype: string;
}

/** One frame's pixels, row-major, channels last. */
export interface Frame extends FrameLayout {
  readonly values: ArrayLike<number>;
}

/** Options of {@link FrameSource.read}. */
export interface FrameReadOptions {
  /** Aborting it drops the read (and its fetches, once the library takes signals). */
  readonly signal?: AbortSignal;
  /** The z plane, for volumetric series (see {@link FrameSource.planes}). */
  readonly plane?: number;
}

/** Frames to step through: a series' frames, an Images' images, or what an IndexSeries points at. */
export interface FrameSource {
  /** How many frames. */
  readonly count: number;
  /** Planes along z per frame (1 unless the series is volumetric). */
  readonly planes: number;
  /** The layout of the frames, when all share one (series); undefined for mixed Images. */
  readonly layout: FrameLayout | undefined;
  /** Reads one frame. Rejects with the signal's reason when aborted. */
  read(index: number, options?: FrameReadOptions): Promise<Frame>;
  /** Starts reading frames the user is about to see, dropped when `signal` aborts. */
  prefetch(indices: readonly number[], signal: AbortSignal): void;
  /** The frame's time in seconds, when the object has times. */
  time(index: number, signal?: AbortSignal): Promise<number | undefined>;
  /** A short caption for the frame (an image's name, the index an IndexSeries holds). */
  caption(index: number, signal?: AbortSignal): Promise<string | undefined>;
}

/** An external file holding frames of an ImageSeries. */
export interface ExternalFile {
  /** The path as stored, relative to the NWB file. */
  readonly path: string;
  /** Absolute URL when the NWB file came from a URL. */
  readonly url: string | undefined;
  /** Index of the series' first frame held in this file. */
  readonly startingFrame: number | undefined;
}

/** Something the viewer can show as images. */
export interface ImageObject {
  readonly path: string;
  readonly name: string;
  readonly neurodataType: string;
  readonly description: string | undefined;
  /** Undefined for a series whose frames are only in external files. */
  readonly frames: FrameSource | undefined;
  /**
   * For `external_file` series: the files, read when asked (a small read, so opening a file costs
   * nothing for series that are not shown).
   */
  readonly externalFiles: (() => Promise<readonly ExternalFile[]>) | undefined;
  /** Facts shown beside the images: shape, rate, units, the Images an IndexSeries uses, ... */
  readonly facts: readonly (readonly [label: string, value: string])[];
}

/** Counts of what the file cost over the network so far. */
export interface NetworkStats {
  readonly requests: number;
  readonly bytes: number;
}

/** A file's metadata, read after its structure (it may cost a few more requests). */
export interface FileDetails {
  /** Session, subject and devices. */
  readonly metadata: readonly MetadataSection[];
  /** What the file gets wrong, as NWB's rules say (shown, never fatal). */
  readonly warnings: readonly string[];
}

/** An opened NWB file, as the UI sees it. */
export interface NWBView {
  /** The URL or file name, for the title. */
  readonly location: string;
  readonly access: Access;
  readonly tree: ObjectNode;
  readonly images: readonly ImageObject[];
  /**
   * Session, subject and devices. Read when first asked (they live in small datasets: a few more
   * requests for a remote file); never rejects.
   */
  details(): Promise<FileDetails>;
  /** Requests and bytes fetched since the file was opened. */
  network(): NetworkStats;
  /** Words for an error met while reading this file (undefined for an abort). */
  describe(error: unknown): ViewerProblem | undefined;
  close(): Promise<void>;
}

/** Why a file could not be opened or read, in words for the page. */
export interface ViewerProblem {
  /** One line: what went wrong. */
  readonly title: string;
  /** What it means and what to try. */
  readonly detail: string;
  /** The library's own message, for bug reports. */
  readonly technical: string | undefined;
}
