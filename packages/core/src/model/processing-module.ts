/** ProcessingModule: a named group of processed data under /processing. */
import { NamedCollection } from './named-collection.js';
import type { NamedObject, NWBObjectOptions } from './nwb-object.js';
import { NWBObject } from './nwb-object.js';
import type { ModelContext, RuleChecker } from './validation.js';

/** Options of {@link ProcessingModule}. */
export interface ProcessingModuleOptions extends NWBObjectOptions {
  /** What the module holds. */
  description: string;
  /** Its initial contents. */
  dataInterfaces?: readonly NamedObject[];
}

/** A processing module (neurodata_type ProcessingModule). */
export class ProcessingModule extends NWBObject {
  /** What the module holds. */
  readonly description: string;
  /** Its contents: model objects and unmapped ones, by name. */
  readonly dataInterfaces: NamedCollection<NamedObject>;

  /** Throws a ValidationError for a missing description or duplicate names. */
  constructor(options: ProcessingModuleOptions, context: ModelContext = {}) {
    super(options, context);
    this.description = options.description;
    this.dataInterfaces = new NamedCollection<NamedObject>(options.name, options.dataInterfaces ?? []);
    if (new.target === ProcessingModule) this.runChecks();
  }

  /** Always `ProcessingModule`. */
  get neurodataType(): string {
    return 'ProcessingModule';
  }

  /** Adds an object; throws when the name is taken. */
  add<T extends NamedObject>(object: T): T {
    return this.dataInterfaces.add(object) as T;
  }

  /** The object named `name`. */
  get(name: string): NamedObject | undefined {
    return this.dataInterfaces.get(name);
  }

  protected override checkRules(check: RuleChecker): void {
    super.checkRules(check);
    check.check(typeof this.description === 'string', 'description-required', 'description is required');
  }
}
