/**
 * @nwbjs/core: the NWB data model, the mapping between it and a neutral tree, and whole-file I/O
 * over any backend. It depends on no storage library. What backend authors need beyond this
 * (the storage interface's details, dtype and selection helpers, descriptors) is in
 * `@nwbjs/core/backend`; the conformance suite is in `@nwbjs/core/testing`.
 *
 * @packageDocumentation
 */

// Errors
export {
  BackendError,
  InvalidFileError,
  MappingError,
  NotFoundError,
  NWBError,
  UnsupportedError,
  ValidationError,
  isNWBError,
} from './errors.js';
export type { NWBErrorOptions, NWBErrorTag } from './errors.js';
export { DEFAULT_HTTP_TIMEOUT_MS, HttpRequestError } from './storage/http.js';

// The data model
export { NWBFile } from './model/nwb-file.js';
export type { NWBFileOptions } from './model/nwb-file.js';
export {
  NWBObject,
  UnmappedObject,
  isNWBObject,
  isNWBType,
  isUnmappedObject,
  neurodataTypeOf,
  nwbTypesOf,
} from './model/nwb-object.js';
export type {
  NamedObject,
  NWBObjectClass,
  NWBObjectOptions,
  Unmapped,
  UnmappedObjectOptions,
} from './model/nwb-object.js';
export { NamedCollection } from './model/named-collection.js';
export { TimeSeries } from './model/time-series.js';
export type { Continuity, TimeSeriesOptions, TimestampsInput } from './model/time-series.js';
export { ImageSeries, IndexSeries, OpticalSeries } from './model/image-series.js';
export type { ImageSeriesOptions, IndexSeriesOptions, OpticalSeriesOptions } from './model/image-series.js';
export { GrayscaleImage, Image, ImageReferences, Images, RGBAImage, RGBImage } from './model/images.js';
export type { ImageOptions, ImageReferencesOptions, ImagesOptions } from './model/images.js';
export { Device } from './model/device.js';
export type { DeviceOptions } from './model/device.js';
export { Subject } from './model/subject.js';
export type { SubjectOptions } from './model/subject.js';
export { ProcessingModule } from './model/processing-module.js';
export type { ProcessingModuleOptions } from './model/processing-module.js';
export { NWBDateTime } from './model/datetime.js';
export type { DateTimeInput, ParseDateTimeOptions } from './model/datetime.js';
export type { DataInput, NestedArray } from './model/data.js';
export type { ModelContext } from './model/validation.js';

// Whole files: read, write, map
export { NWBIO } from './io/nwb-io.js';
export { assertNWBRoot } from './io/nwb-root.js';
export { readNWBFile, writeNWBFile } from './mapping/nwb-io.js';
export type { WriteNWBFileOptions } from './mapping/nwb-io.js';
export { nwbFileToTree } from './mapping/write-file.js';
export type { ToTreeOptions } from './mapping/write-file.js';
export { treeToNWBFile } from './mapping/read-file.js';
export { NWB_VERSION, cachedNamespaces } from './schema/cached-spec.js';
export type { CachedNamespace } from './schema/cached-spec.js';
export { catalogForTree, validateTree } from './schema/validate-tree.js';
export type { SchemaFinding, ValidateTreeOptions } from './schema/validate-tree.js';
export { TypeCatalog } from './schema/type-catalog.js';
export type { CatalogProblem, ResolvedType } from './schema/type-catalog.js';

// The neutral tree: read, copy, write
export {
  datasetNode,
  groupNode,
  handleFrames,
  isDataStream,
  isDatasetHandle,
  isHandleOf,
  linkNode,
} from './tree/nodes.js';
export type {
  DataBlock,
  DatasetHandle,
  DatasetNode,
  DatasetValue,
  DataStream,
  GroupNode,
  HandleReadOptions,
  LinkNode,
  TreeNode,
} from './tree/nodes.js';
export { readTree } from './tree/read-tree.js';
export type { ReadTreeOptions } from './tree/read-tree.js';
export { writeTree } from './tree/write-tree.js';
export type { WriteProgressCallback, WriteTreeOptions, WriteTreeResult } from './tree/write-tree.js';
export { copyTree } from './tree/copy-tree.js';
export type { CopyTreeOptions } from './tree/copy-tree.js';
export type { ChunksOption, CompressionOption, WriteWarning } from './tree/write-layout.js';

// Values, dtypes and selections
export {
  boolArray,
  compoundArray,
  fromTypedArray,
  hasDType,
  isObjectRef,
  isRegionRef,
  isScalar,
  ndarray,
  numericScalar,
  objectRef,
  refArray,
  regionRef,
  scalarValue,
  shapeSize,
  textArray,
  textScalar,
  toJsValues,
} from './storage/values.js';
export type {
  ArrayData,
  ArrayFor,
  CompoundRow,
  NdArray,
  ObjectRef,
  RegionRef,
  RegionSelection,
} from './storage/values.js';
export { formatDType, isNumericDType, isTextDType } from './storage/dtype.js';
export type {
  CompoundDType,
  CompoundField,
  DType,
  NumericArray,
  NumericDType,
  ScalarDType,
} from './storage/dtype.js';
export { slice } from './storage/selection.js';
export type { AxisSelection, Selection, Slice } from './storage/selection.js';

// What a store is, as users see it (implementing one: @nwbjs/core/backend)
export type {
  Attributes,
  Compression,
  DatasetLayout,
  OpenMode,
  StorageCapabilities,
  StorageReader,
  StorageWriter,
} from './storage/backend.js';
