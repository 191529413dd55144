/**
 * NWBFile: the root of a file. Session metadata, /general text fields, and the collections of
 * objects (acquisition, stimulus, templates, devices, processing, analysis), with PyNWB-like
 * add/get methods.
 */
import type { ValidationError } from '../errors.js';
import type { DateTimeInput } from './datetime.js';
import { NWBDateTime } from './datetime.js';
import type { DeviceOptions } from './device.js';
import { Device } from './device.js';
import { NamedCollection } from './named-collection.js';
import type { NamedObject, UnmappedObject } from './nwb-object.js';
import { NWBObject } from './nwb-object.js';
import type { ProcessingModuleOptions } from './processing-module.js';
import { ProcessingModule } from './processing-module.js';
import type { Subject } from './subject.js';
import type { ModelContext, RuleChecker } from './validation.js';

/** The scalar text fields of /general, by model field: the dataset name. */
export const GENERAL_TEXT_FIELDS = {
  experimentDescription: 'experiment_description',
  sessionId: 'session_id',
  lab: 'lab',
  institution: 'institution',
  notes: 'notes',
  pharmacology: 'pharmacology',
  protocol: 'protocol',
  slices: 'slices',
  surgery: 'surgery',
  virus: 'virus',
  dataCollection: 'data_collection',
  stimulusNotes: 'stimulus',
  sourceScript: 'source_script',
} as const;

/** The 1-D text fields of /general, by model field: the dataset name. */
export const GENERAL_TEXT_LIST_FIELDS = {
  experimenter: 'experimenter',
  keywords: 'keywords',
  relatedPublications: 'related_publications',
} as const;

type GeneralText = { -readonly [K in keyof typeof GENERAL_TEXT_FIELDS]?: string };
type GeneralTextList = {
  -readonly [K in keyof typeof GENERAL_TEXT_LIST_FIELDS]?: string | readonly string[];
};

/** Options of {@link NWBFile}. */
export interface NWBFileOptions extends GeneralText, GeneralTextList {
  /** What the session was about (`session_description`). */
  sessionDescription: string;
  /** A unique identifier of this file (e.g. a UUID). */
  identifier: string;
  /** Start of the session; text needs a UTC offset, a Date gets the local one. */
  sessionStartTime: DateTimeInput;
  /** Time zero of all timestamps (default: sessionStartTime). */
  timestampsReferenceTime?: DateTimeInput;
  /** When the file was created, and modified after (default: now, at the local offset). */
  fileCreateDate?: DateTimeInput | readonly DateTimeInput[];
  /** The `file_name` attribute of sourceScript. */
  sourceScriptFileName?: string;
  /** The `object_id` (a UUID); a new one is made unless given. */
  objectId?: string;
  /** Data as acquired (/acquisition). */
  acquisition?: readonly NamedObject[];
  /** Results of analysis (/analysis). */
  analysis?: readonly NamedObject[];
  /** Stimulus presentation series (/stimulus/presentation). */
  stimulus?: readonly NamedObject[];
  /** Stimulus templates (/stimulus/templates): series or Images. */
  stimulusTemplate?: readonly NamedObject[];
  /** Devices used (/general/devices). */
  devices?: readonly (Device | UnmappedObject)[];
  /** The subject recorded (/general/subject). */
  subject?: Subject | UnmappedObject;
  /** Processing modules (/processing). */
  processing?: readonly (ProcessingModule | UnmappedObject)[];
}

/** An NWB file (neurodata_type NWBFile). */
export class NWBFile extends NWBObject implements GeneralText {
  /** What the session was about. */
  readonly sessionDescription: string;
  /** A unique identifier of this file. */
  readonly identifier: string;
  /** Start of the session, with its UTC offset. */
  readonly sessionStartTime: NWBDateTime;
  /** Time zero of all timestamps (the session start unless given). */
  readonly timestampsReferenceTime: NWBDateTime;
  /** When the file was created, then each modification. */
  readonly fileCreateDate: readonly NWBDateTime[];
  /** Who ran the experiment; one string given becomes a list of one, as PyNWB stores it. */
  readonly experimenter: readonly string[] | undefined;
  /** Terms to search by. */
  readonly keywords: readonly string[] | undefined;
  /** Publications (DOIs, URLs) about the data. */
  readonly relatedPublications: readonly string[] | undefined;
  /** General description of the experiment (/general/experiment_description). */
  readonly experimentDescription: string | undefined;
  /** The lab's identifier of the session. */
  readonly sessionId: string | undefined;
  /** The lab the experiment was done in. */
  readonly lab: string | undefined;
  /** The institution the experiment was done at. */
  readonly institution: string | undefined;
  /** Notes about the experiment. */
  readonly notes: string | undefined;
  /** Drugs given and when. */
  readonly pharmacology: string | undefined;
  /** Experimental protocol and approvals (e.g. IACUC). */
  readonly protocol: string | undefined;
  /** How slices were prepared. */
  readonly slices: string | undefined;
  /** Surgical procedures. */
  readonly surgery: string | undefined;
  /** Viruses used. */
  readonly virus: string | undefined;
  /** Notes about data collection and analysis. */
  readonly dataCollection: string | undefined;
  /** Notes about the stimuli (/general/stimulus; named so to leave `stimulus` to the series). */
  readonly stimulusNotes: string | undefined;
  /** The script that made the file (/general/source_script). */
  readonly sourceScript: string | undefined;
  /** The `file_name` attribute of sourceScript. */
  readonly sourceScriptFileName: string | undefined;
  /** Data as acquired (/acquisition). */
  readonly acquisition: NamedCollection<NamedObject>;
  /** Results of analysis (/analysis). */
  readonly analysis: NamedCollection<NamedObject>;
  /** Presented stimuli (/stimulus/presentation). */
  readonly stimulus: NamedCollection<NamedObject>;
  /** Stimulus templates (/stimulus/templates). */
  readonly stimulusTemplate: NamedCollection<NamedObject>;
  /** Devices (/general/devices). */
  readonly devices: NamedCollection<Device | UnmappedObject>;
  /** Processing modules (/processing). */
  readonly processing: NamedCollection<ProcessingModule | UnmappedObject>;
  /** The subject recorded (/general/subject); may be set after construction. */
  subject: Subject | UnmappedObject | undefined;
  /** The nwb_version the file was read with (what is written is always the model's, 2.7.0). */
  nwbVersion = '2.7.0';
  /** Rules the file broke, found while reading it (PyNWB warns on read too). Empty for new files. */
  readonly readWarnings: ValidationError[] = [];

  /** Throws a ValidationError for a missing identifier or description, or a datetime without offset. */
  constructor(options: NWBFileOptions, context: ModelContext = {}) {
    super(
      { name: 'root', ...(options.objectId === undefined ? {} : { objectId: options.objectId }) },
      context,
    );
    this.sessionDescription = options.sessionDescription;
    this.identifier = options.identifier;
    this.sessionStartTime = NWBDateTime.from(options.sessionStartTime, 'sessionStartTime');
    this.timestampsReferenceTime =
      options.timestampsReferenceTime === undefined
        ? this.sessionStartTime
        : NWBDateTime.from(options.timestampsReferenceTime, 'timestampsReferenceTime');
    const created = options.fileCreateDate;
    this.fileCreateDate =
      created === undefined
        ? [NWBDateTime.now()]
        : (Array.isArray(created) ? (created as readonly DateTimeInput[]) : [created as DateTimeInput]).map(
            (d) => NWBDateTime.from(d, 'fileCreateDate'),
          );
    const list = (v: string | readonly string[] | undefined) =>
      v === undefined ? undefined : typeof v === 'string' ? [v] : [...v];
    this.experimenter = list(options.experimenter);
    this.keywords = list(options.keywords);
    this.relatedPublications = list(options.relatedPublications);
    this.experimentDescription = options.experimentDescription;
    this.sessionId = options.sessionId;
    this.lab = options.lab;
    this.institution = options.institution;
    this.notes = options.notes;
    this.pharmacology = options.pharmacology;
    this.protocol = options.protocol;
    this.slices = options.slices;
    this.surgery = options.surgery;
    this.virus = options.virus;
    this.dataCollection = options.dataCollection;
    this.stimulusNotes = options.stimulusNotes;
    this.sourceScript = options.sourceScript;
    this.sourceScriptFileName = options.sourceScriptFileName;
    this.acquisition = new NamedCollection('acquisition', options.acquisition ?? []);
    this.analysis = new NamedCollection('analysis', options.analysis ?? []);
    this.stimulus = new NamedCollection('stimulus/presentation', options.stimulus ?? []);
    this.stimulusTemplate = new NamedCollection('stimulus/templates', options.stimulusTemplate ?? []);
    this.devices = new NamedCollection<Device | UnmappedObject>('general/devices', options.devices ?? []);
    this.processing = new NamedCollection<ProcessingModule | UnmappedObject>(
      'processing',
      options.processing ?? [],
    );
    this.subject = options.subject;
    if (new.target === NWBFile) this.runChecks();
  }

  /** Always `NWBFile`. */
  get neurodataType(): string {
    return 'NWBFile';
  }

  /** Adds an acquired object (/acquisition). */
  addAcquisition<T extends NamedObject>(object: T): T {
    return this.acquisition.add(object) as T;
  }

  /** The acquired object named `name`. */
  getAcquisition(name: string): NamedObject | undefined {
    return this.acquisition.get(name);
  }

  /** Adds an analysis result (/analysis). */
  addAnalysis<T extends NamedObject>(object: T): T {
    return this.analysis.add(object) as T;
  }

  /** The analysis result named `name`. */
  getAnalysis(name: string): NamedObject | undefined {
    return this.analysis.get(name);
  }

  /** Adds a presented stimulus (/stimulus/presentation). */
  addStimulus<T extends NamedObject>(object: T): T {
    return this.stimulus.add(object) as T;
  }

  /** The presented stimulus named `name`. */
  getStimulus(name: string): NamedObject | undefined {
    return this.stimulus.get(name);
  }

  /** Adds a stimulus template (/stimulus/templates): a series or an Images. */
  addStimulusTemplate<T extends NamedObject>(object: T): T {
    return this.stimulusTemplate.add(object) as T;
  }

  /** The stimulus template named `name`. */
  getStimulusTemplate(name: string): NamedObject | undefined {
    return this.stimulusTemplate.get(name);
  }

  /** Adds a device (/general/devices). */
  addDevice<T extends Device | UnmappedObject>(device: T): T {
    return this.devices.add(device) as T;
  }

  /** Creates a device and adds it. */
  createDevice(options: DeviceOptions): Device {
    return this.addDevice(new Device(options));
  }

  /** The device named `name`. */
  getDevice(name: string): Device | UnmappedObject | undefined {
    return this.devices.get(name);
  }

  /** Adds a processing module (/processing). */
  addProcessingModule<T extends ProcessingModule | UnmappedObject>(module: T): T {
    return this.processing.add(module) as T;
  }

  /** Creates a processing module and adds it. */
  createProcessingModule(options: ProcessingModuleOptions): ProcessingModule {
    return this.addProcessingModule(new ProcessingModule(options));
  }

  /** The processing module named `name`. */
  getProcessingModule(name: string): ProcessingModule | UnmappedObject | undefined {
    return this.processing.get(name);
  }

  protected override checkRules(check: RuleChecker): void {
    super.checkRules(check);
    check.check(
      typeof this.identifier === 'string' && this.identifier !== '',
      'identifier-required',
      'identifier is required',
    );
    check.check(
      typeof this.sessionDescription === 'string',
      'session-description-required',
      'sessionDescription is required',
    );
    for (const [field, value] of [
      ['session_start_time', this.sessionStartTime],
      ['timestamps_reference_time', this.timestampsReferenceTime],
      ...this.fileCreateDate.map((d) => ['file_create_date', d] as const),
    ] as const) {
      check.check(
        !value.naive,
        'datetime-offset',
        `${field} ${JSON.stringify(value.text)} has no UTC offset, so PyNWB takes it as local time; ` +
          'give one (e.g. "2018-03-01T12:00:00-07:00" or "...Z")',
      );
    }
  }
}
