/**
 * A flat description of an NWBFile's content, for checking that two files hold the same thing: one
 * entry per field, keyed by the object's path and the field's name. Arrays are described by dtype,
 * shape and a sha256 of their values, so a movie's frames are compared without keeping them around.
 */
import { createHash } from 'node:crypto';
import {
  Image,
  ImageSeries,
  Images,
  IndexSeries,
  NWBObject,
  OpticalSeries,
  TimeSeries,
  isDataStream,
  isDatasetHandle,
  type DatasetValue,
  type NWBFile,
  type NamedObject,
  type NdArray,
  type ObjectRef,
} from '@nwbjs/core';

/** Field path (`/acquisition/ImageSeries:rate`) to a printable value. */
export type ContentSummary = Map<string, string>;

/** Reads every field of `file` (and every array, lazily stored or not) into a {@link ContentSummary}. */
export async function summarizeNWBFile(file: NWBFile): Promise<ContentSummary> {
  const summary: ContentSummary = new Map();
  const put = (path: string, field: string, value: unknown) => {
    if (value !== undefined) summary.set(`${path}:${field}`, JSON.stringify(value));
  };
  put('/', 'object_id', file.objectId);
  put('/', 'identifier', file.identifier);
  put('/', 'session_description', file.sessionDescription);
  put('/', 'session_start_time', file.sessionStartTime.text);
  put('/', 'timestamps_reference_time', file.timestampsReferenceTime.text);
  put(
    '/',
    'file_create_date',
    file.fileCreateDate.map((d) => d.text),
  );
  put('/', 'nwb_version', file.nwbVersion);
  for (const field of ['experimenter', 'lab', 'institution', 'experimentDescription', 'sessionId'] as const) {
    put('/general', field, file[field]);
  }
  const collections: [string, Iterable<NamedObject>][] = [
    ['/acquisition', file.acquisition],
    ['/analysis', file.analysis],
    ['/stimulus/presentation', file.stimulus],
    ['/stimulus/templates', file.stimulusTemplate],
    ['/general/devices', file.devices],
  ];
  for (const [at, collection] of collections) {
    for (const object of collection) await summarizeObject(`${at}/${object.name}`, object, put);
  }
  return summary;
}

type Put = (path: string, field: string, value: unknown) => void;

async function summarizeObject(path: string, object: NamedObject, put: Put): Promise<void> {
  put(path, 'neurodata_type', object.neurodataType);
  if (object instanceof NWBObject) put(path, 'object_id', object.objectId);
  if (object instanceof TimeSeries) {
    for (const field of [
      'unit',
      'resolution',
      'conversion',
      'offset',
      'startingTime',
      'rate',
      'comments',
      'description',
    ] as const) {
      put(path, field, object[field]);
    }
    put(path, 'data', await describeArray(object.data));
    if (object.timestamps !== undefined) put(path, 'timestamps', await describeArray(object.timestamps));
  }
  if (object instanceof ImageSeries) {
    put(path, 'externalFile', object.externalFile);
    put(path, 'startingFrame', object.startingFrame);
    put(path, 'format', object.format);
    put(path, 'dimension', object.dimension);
    put(path, 'device', object.device?.name);
  }
  if (object instanceof OpticalSeries) {
    put(path, 'distance', object.distance);
    put(path, 'fieldOfView', object.fieldOfView);
    put(path, 'orientation', object.orientation);
  }
  if (object instanceof IndexSeries) {
    put(path, 'indexedImages', object.indexedImages?.name);
    put(path, 'indexedTimeseries', object.indexedTimeseries?.name);
  }
  if (object instanceof Images) {
    put(path, 'description', object.description);
    put(
      path,
      'orderOfImages',
      object.orderOfImages?.images.map((image) => image.name),
    );
    for (const image of object.images) await summarizeObject(`${path}/${image.name}`, image, put);
  }
  if (object instanceof Image) {
    put(path, 'description', object.description);
    put(path, 'resolution', object.resolution);
    put(path, 'data', await describeArray(object.data));
  }
}

/** `uint8 (200, 50, 50, 3) sha256:...`, reading a stored array in full. */
async function describeArray(value: DatasetValue): Promise<string> {
  if (isDataStream(value)) return `${value.dtype} (${value.shape.join(', ')}) stream`;
  const array: NdArray = isDatasetHandle(value) ? await value.read() : value;
  const hash = createHash('sha256');
  if (ArrayBuffer.isView(array.data)) {
    hash.update(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength));
  } else if (array.dtype === 'ref') {
    hash.update(JSON.stringify((array.data as ObjectRef[]).map((ref) => ref.path)));
  } else {
    hash.update(JSON.stringify(array.data));
  }
  return `${array.dtype} (${array.shape.join(', ')}) sha256:${hash.digest('hex').slice(0, 16)}`;
}

/** The entries where two summaries differ, as `key: A=... B=...` lines. */
export function compareSummaries(a: ContentSummary, b: ContentSummary): string[] {
  const differences: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const left = a.get(key);
    const right = b.get(key);
    if (left !== right) differences.push(`${key}: A=${left ?? '(missing)'} B=${right ?? '(missing)'}`);
  }
  return differences;
}
