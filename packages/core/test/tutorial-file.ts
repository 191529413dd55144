/**
 * The content of fixtures/tutorial_images.nwb rebuilt with the model (same names, shapes, dtypes and
 * values; see fixtures/FIXTURES.md), for comparing our tree with what PyNWB wrote.
 */
import type { NumericArray } from '../src/storage/dtype.js';
import type { NdArray } from '../src/storage/values.js';
import { fromTypedArray } from '../src/storage/values.js';
import {
  GrayscaleImage,
  ImageSeries,
  Images,
  IndexSeries,
  NWBFile,
  OpticalSeries,
  RGBAImage,
  RGBImage,
} from '../src/model/index.js';

/** `(i*mul + add) % mod` over the C-order index, as the fixtures' pattern(). */
export function pattern(
  shape: number[],
  ctor: new (n: number) => NumericArray,
  mul = 1,
  add = 0,
  mod = 256,
): NdArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new ctor(n);
  for (let i = 0; i < n; i++) (data as Uint8Array)[i] = (i * mul + add) % mod;
  return fromTypedArray(data, shape);
}

/** `frames` shrinks the two movies (200 frames in the fixture) for tests that read everything. */
export function tutorialFile(frames = 200): NWBFile {
  const file = new NWBFile({
    sessionDescription: 'my first synthetic recording',
    identifier: 'fixture-tutorial-images',
    sessionStartTime: '2018-04-25T02:30:03-07:00',
    fileCreateDate: '2024-01-01T12:00:00+00:00',
    experimenter: 'Baggins, Bilbo',
    lab: 'Bag End Laboratory',
    institution: 'University of Middle Earth at the Shire',
    experimentDescription: 'I went on an adventure to reclaim vast treasures.',
    sessionId: 'LONELYMTN001',
  });
  file.addAcquisition(
    new ImageSeries({
      name: 'ExternalFiles',
      description: 'Behavior video of animal moving in environment.',
      unit: 'n.a.',
      externalFile: ['image/file_1.tiff', 'image/file_2.tiff', 'image/file_3.tiff'],
      startingFrame: [0, 2, 4],
      format: 'external',
      timestamps: [0.0, 0.04, 0.07, 0.1, 0.14, 0.16, 0.21],
    }),
  );
  file.addAcquisition(
    new ImageSeries({
      name: 'ImageSeries',
      description: 'Image data of an animal moving in environment.',
      unit: 'n.a.',
      data: pattern([frames, 50, 50, 3], Uint8Array, 1, 7, 253),
      rate: 1.0,
      dataLayout: { chunks: [Math.min(20, frames), 50, 50, 3], compression: { codec: 'gzip', level: 4 } },
    }),
  );
  file.addStimulus(
    new OpticalSeries({
      name: 'StimulusPresentation',
      description: 'The images presented to the subject as stimuli',
      unit: 'n.a.',
      data: pattern([frames, 50, 50, 3], Uint8Array, 1, 0, 251),
      rate: 1.0,
      distance: 0.7,
      fieldOfView: [0.2, 0.3, 0.7],
      orientation: 'lower left',
      startingFrame: [0],
    }),
  );
  const gs = new GrayscaleImage({
    name: 'gs_face',
    data: pattern([24, 32], Uint8Array, 11, 3),
    description: 'Grayscale version of a raccoon.',
    resolution: 35.433071,
  });
  const rgb = new RGBImage({
    name: 'rgb_face',
    data: pattern([24, 32, 3], Uint8Array, 13, 4),
    description: 'RGB version of a raccoon.',
    resolution: 70.0,
  });
  const raccoons = file.addStimulusTemplate(
    new Images({
      name: 'raccoons',
      images: [gs, rgb],
      description: 'A collection of raccoons.',
      orderOfImages: [rgb, gs],
    }),
  );
  file.addStimulus(
    new IndexSeries({
      name: 'stimuli',
      description: 'Order of raccoon images presented.',
      data: Uint32Array.from([0, 1, 0, 1]),
      indexedImages: raccoons,
      timestamps: [0.1, 0.2, 0.35, 0.5],
    }),
  );
  file.addAcquisition(
    new Images({
      name: 'logo_images',
      description: 'A collection of logo images presented to the subject.',
      images: [
        new GrayscaleImage({
          name: 'pynwb_Grayscale_logo',
          data: pattern([48, 40], Uint8Array, 7, 2),
          description: 'Grayscale version of the PyNWB logo.',
          resolution: 35.433071,
        }),
        new RGBAImage({
          name: 'pynwb_RGBA_logo',
          data: pattern([48, 40, 4], Uint8Array, 3, 0),
          description: 'RGBA version of the PyNWB logo.',
          resolution: 70.0,
        }),
        new RGBImage({
          name: 'pynwb_RGB_logo',
          data: pattern([48, 40, 3], Uint8Array, 5, 1),
          description: 'RGB version of the PyNWB logo.',
          resolution: 70.0,
        }),
      ],
    }),
  );
  return file;
}
