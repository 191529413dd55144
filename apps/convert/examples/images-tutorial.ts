/**
 * PyNWB's "Storing Image Data in NWB" tutorial, in TypeScript, end to end: build the NWBFile, write it
 * to HDF5, convert it to Zarr and back to HDF5 with nwb-convert, read all three files back and check
 * that they hold the same content.
 *
 * Run it with `npm run demo` from the repository root (it writes to `demo-output/`), or, once built,
 * `node apps/convert/dist/examples/images-tutorial.js OUT_DIR`.
 *
 * The pixel data are synthetic and deterministic (no download): each array is
 * `(i * mul + add) % mod` over its C-order index, the same values as the reference file PyNWB wrote
 * (fixtures/tutorial_images.nwb), so the two files differ only in identifier, dates and object ids.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  GrayscaleImage,
  ImageSeries,
  Images,
  IndexSeries,
  NWBFile,
  OpticalSeries,
  RGBAImage,
  RGBImage,
  fromTypedArray,
  type DatasetLayout,
  type NdArray,
} from '@nwbjs/core';
import { NWBHDF5IO } from '@nwbjs/hdf5';
import { NWBZarrIO } from '@nwbjs/zarr';
import { convert, type ConvertSummary } from 'nwb-convert';
import { compareSummaries, summarizeNWBFile, type ContentSummary } from './summarize-nwb-file.js';

/** The external movie files of the "ExternalFiles" series, relative to the NWB file. */
export const EXTERNAL_FILES = ['image/file_1.tiff', 'image/file_2.tiff', 'image/file_3.tiff'] as const;

/** Options of {@link buildImagesTutorial}; the defaults are the tutorial's. */
export interface ImagesTutorialOptions {
  /** Default: a new UUID, as the tutorial does. */
  identifier?: string;
  /** Default: 2018-04-25 02:30:03 US/Pacific, the tutorial's session. */
  sessionStartTime?: string;
  /** Default: now. */
  fileCreateDate?: string;
  /** Frames of the two movies (the tutorial has 200). */
  frames?: number;
}

/** `(i * mul + add) % mod` over the C-order index of `shape`, as uint8 pixels. */
export function syntheticPixels(shape: number[], mul: number, add: number, mod = 256): NdArray {
  const pixels = new Uint8Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * mul + add) % mod;
  return fromTypedArray(pixels, shape);
}

/** Builds the tutorial's NWBFile: every object the tutorial adds, with synthetic pixels. */
export function buildImagesTutorial(options: ImagesTutorialOptions = {}): NWBFile {
  const frames = options.frames ?? 200;
  // Movies are written 20 frames a chunk, gzip-compressed, as in the reference file.
  const movieLayout: DatasetLayout = {
    chunks: [Math.min(20, frames), 50, 50, 3],
    compression: { codec: 'gzip', level: 4 },
  };

  // Step 1: the file and its session metadata.
  const nwbfile = new NWBFile({
    sessionDescription: 'my first synthetic recording',
    identifier: options.identifier ?? randomUUID(),
    sessionStartTime: options.sessionStartTime ?? '2018-04-25T02:30:03-07:00',
    ...(options.fileCreateDate !== undefined ? { fileCreateDate: options.fileCreateDate } : {}),
    experimenter: ['Baggins, Bilbo'],
    lab: 'Bag End Laboratory',
    institution: 'University of Middle Earth at the Shire',
    experimentDescription: 'I went on an adventure to reclaim vast treasures.',
    sessionId: 'LONELYMTN001',
  });

  // Step 2: the movie shown to the subject, an OpticalSeries in /stimulus/presentation.
  nwbfile.addStimulus(
    new OpticalSeries({
      name: 'StimulusPresentation',
      description: 'The images presented to the subject as stimuli',
      unit: 'n.a.',
      data: syntheticPixels([frames, 50, 50, 3], 1, 0, 251),
      dataLayout: movieLayout,
      rate: 1.0,
      distance: 0.7,
      fieldOfView: [0.2, 0.3, 0.7],
      orientation: 'lower left',
    }),
  );

  // Step 3: a behaviour movie stored in the file (format 'raw'), in /acquisition.
  nwbfile.addAcquisition(
    new ImageSeries({
      name: 'ImageSeries',
      description: 'Image data of an animal moving in environment.',
      unit: 'n.a.',
      data: syntheticPixels([frames, 50, 50, 3], 1, 7, 253),
      dataLayout: movieLayout,
      rate: 1.0,
    }),
  );

  // Step 4: a movie kept in external files; starting_frame says where each file starts.
  nwbfile.addAcquisition(
    new ImageSeries({
      name: 'ExternalFiles',
      description: 'Behavior video of animal moving in environment.',
      unit: 'n.a.',
      externalFile: [...EXTERNAL_FILES],
      startingFrame: [0, 2, 4],
      format: 'external',
      timestamps: [0.0, 0.04, 0.07, 0.1, 0.14, 0.16, 0.21],
    }),
  );

  // Step 5: static images (grayscale, RGB, RGBA) grouped in an Images container.
  nwbfile.addAcquisition(
    new Images({
      name: 'logo_images',
      description: 'A collection of logo images presented to the subject.',
      images: [
        new GrayscaleImage({
          name: 'pynwb_Grayscale_logo',
          data: syntheticPixels([48, 40], 7, 2),
          description: 'Grayscale version of the PyNWB logo.',
          resolution: 35.433071,
        }),
        new RGBAImage({
          name: 'pynwb_RGBA_logo',
          data: syntheticPixels([48, 40, 4], 3, 0),
          description: 'RGBA version of the PyNWB logo.',
          resolution: 70.0,
        }),
        new RGBImage({
          name: 'pynwb_RGB_logo',
          data: syntheticPixels([48, 40, 3], 5, 1),
          description: 'RGB version of the PyNWB logo.',
          resolution: 70.0,
        }),
      ],
    }),
  );

  // Step 6: images presented in a given order: an Images template with order_of_images, and an
  // IndexSeries saying which image was on screen when.
  const grayFace = new GrayscaleImage({
    name: 'gs_face',
    data: syntheticPixels([24, 32], 11, 3),
    description: 'Grayscale version of a raccoon.',
    resolution: 35.433071,
  });
  const rgbFace = new RGBImage({
    name: 'rgb_face',
    data: syntheticPixels([24, 32, 3], 13, 4),
    description: 'RGB version of a raccoon.',
    resolution: 70.0,
  });
  const raccoons = nwbfile.addStimulusTemplate(
    new Images({
      name: 'raccoons',
      description: 'A collection of raccoons.',
      images: [grayFace, rgbFace],
      orderOfImages: [rgbFace, grayFace],
    }),
  );
  nwbfile.addStimulus(
    new IndexSeries({
      name: 'stimuli',
      description: 'Order of raccoon images presented.',
      data: Uint32Array.from([0, 1, 0, 1]),
      indexedImages: raccoons,
      timestamps: [0.1, 0.2, 0.35, 0.5],
    }),
  );
  return nwbfile;
}

/**
 * Writes small placeholder movies for {@link EXTERNAL_FILES} under `dir`: each a valid 6x4 8-bit
 * grayscale TIFF (so tools that open them find an image), a different shade per file.
 */
export async function writePlaceholderMovies(dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const [index, relative] of EXTERNAL_FILES.entries()) {
    const target = path.join(dir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, grayscaleTiff(6, 4, 60 * (index + 1)));
    written.push(target);
  }
  return written;
}

/** A one-strip, uncompressed, little-endian baseline TIFF of one gray level. */
function grayscaleTiff(width: number, height: number, level: number): Uint8Array {
  // Tag, type (3 = SHORT, 4 = LONG), value; entries must be sorted by tag.
  const entries: [number, number, number][] = [
    [256, 4, width], // ImageWidth
    [257, 4, height], // ImageLength
    [258, 3, 8], // BitsPerSample
    [259, 3, 1], // Compression: none
    [262, 3, 1], // PhotometricInterpretation: black is zero
    [273, 4, 0], // StripOffsets (filled below)
    [277, 3, 1], // SamplesPerPixel
    [278, 4, height], // RowsPerStrip
    [279, 4, width * height], // StripByteCounts
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const pixelsAt = 8 + ifdSize;
  const bytes = new Uint8Array(pixelsAt + width * height);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]); // "II", 42: little-endian TIFF
  view.setUint32(4, 8, true); // the first IFD follows the header
  view.setUint16(8, entries.length, true);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    const stored = tag === 273 ? pixelsAt : value;
    if (type === 3) view.setUint16(at + 8, stored, true);
    else view.setUint32(at + 8, stored, true);
  });
  bytes.fill(level, pixelsAt);
  return bytes;
}

/** What {@link runDemo} did. */
export interface DemoResult {
  /** The three files: written by NWBHDF5IO, converted to Zarr, converted back to HDF5. */
  files: { nwb: string; zarr: string; roundtrip: string };
  conversions: ConvertSummary[];
  /** How many fields (metadata values and arrays) were compared in each file. */
  fieldsCompared: number;
  /** Fields whose content differs between the written file and a converted one; empty on success. */
  differences: string[];
}

/** Reads an NWB file (HDF5 or Zarr by its name) and summarizes its content. */
async function readSummary(location: string): Promise<ContentSummary> {
  const io = location.endsWith('.zarr') ? new NWBZarrIO(location, 'r') : new NWBHDF5IO(location, 'r');
  try {
    return await summarizeNWBFile(await io.read());
  } finally {
    await io.close();
  }
}

/**
 * Runs the tutorial into `outDir`: placeholder movies, `images_tutorial.nwb`, its conversion to
 * `images_tutorial.nwb.zarr` and back to `images_tutorial.roundtrip.nwb`, then a comparison of the
 * three files' content (object ids included). Existing outputs are replaced.
 */
export async function runDemo(
  outDir: string,
  options: ImagesTutorialOptions & { log?: (line: string) => void } = {},
): Promise<DemoResult> {
  const log = options.log ?? (() => {});
  // Paths in the log start at the output directory's name (`demo-output/images_tutorial.nwb`).
  const shown = (file: string) => path.relative(path.dirname(path.resolve(outDir)), path.resolve(file));
  const files = {
    nwb: path.join(outDir, 'images_tutorial.nwb'),
    zarr: path.join(outDir, 'images_tutorial.nwb.zarr'),
    roundtrip: path.join(outDir, 'images_tutorial.roundtrip.nwb'),
  };
  await mkdir(outDir, { recursive: true });
  await writePlaceholderMovies(outDir);

  const nwbfile = buildImagesTutorial(options);
  const io = new NWBHDF5IO(files.nwb, 'w');
  await io.write(nwbfile);
  await io.close();
  log(`wrote     ${shown(files.nwb)} (NWBHDF5IO)`);

  const conversions: ConvertSummary[] = [];
  for (const [from, to] of [
    [files.nwb, files.zarr],
    [files.zarr, files.roundtrip],
  ] as const) {
    const summary = await convert(from, to, { overwrite: true });
    conversions.push(summary);
    const objects = summary.counts.groups + summary.counts.datasets + summary.counts.links;
    log(
      `converted ${shown(from)} -> ${shown(to)} (${summary.output.format}, ${objects} objects, ${summary.seconds.toFixed(2)} s)`,
    );
  }

  const [written, zarr, roundtrip] = await Promise.all(
    [files.nwb, files.zarr, files.roundtrip].map(readSummary),
  );
  const differences = [
    ...compareSummaries(written!, zarr!).map((d) => `${shown(files.zarr)}: ${d}`),
    ...compareSummaries(written!, roundtrip!).map((d) => `${shown(files.roundtrip)}: ${d}`),
  ];
  if (differences.length === 0) {
    log(`read back all three files: the same ${written!.size} fields, arrays and object ids in each`);
  } else {
    for (const difference of differences) log(`DIFFERENT ${difference}`);
  }
  return { files, conversions, fieldsCompared: written!.size, differences };
}

// Run as a script: `node images-tutorial.js [OUT_DIR]` (default ./demo-output).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const outDir = process.argv[2] ?? 'demo-output';
  console.log('nwbjs: PyNWB\'s "Storing Image Data in NWB" tutorial, HDF5 -> Zarr -> HDF5');
  runDemo(outDir, { log: (line) => console.log(`  ${line}`) }).then(
    (result) => {
      console.log(
        result.differences.length === 0
          ? 'OK: the three files hold the same content'
          : 'FAILED: the files differ',
      );
      process.exitCode = result.differences.length === 0 ? 0 : 1;
    },
    (error: unknown) => {
      console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
