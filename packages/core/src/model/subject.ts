/** Subject: the animal or person recorded, kept at /general/subject. */
import type { DateTimeInput } from './datetime.js';
import { NwbDateTime } from './datetime.js';
import type { NwbObjectOptions } from './nwb-object.js';
import { NwbObject } from './nwb-object.js';
import type { ModelContext, RuleChecker } from './validation.js';

/** Options of {@link Subject}; every field is optional text unless noted. */
export interface SubjectOptions extends Partial<NwbObjectOptions> {
  /** Age as an ISO 8601 duration, e.g. "P90D". */
  age?: string;
  /** What the age counts from: "birth" (default when age is given) or "gestational". */
  ageReference?: 'birth' | 'gestational';
  dateOfBirth?: DateTimeInput;
  description?: string;
  genotype?: string;
  sex?: string;
  species?: string;
  strain?: string;
  subjectId?: string;
  /** Weight with its unit, e.g. "0.02 kg". */
  weight?: string;
}

/** The subject (neurodata_type Subject, name "subject"). */
export class Subject extends NwbObject {
  readonly age: string | undefined;
  readonly ageReference: string | undefined;
  readonly dateOfBirth: NwbDateTime | undefined;
  readonly description: string | undefined;
  readonly genotype: string | undefined;
  readonly sex: string | undefined;
  readonly species: string | undefined;
  readonly strain: string | undefined;
  readonly subjectId: string | undefined;
  readonly weight: string | undefined;

  constructor(options: SubjectOptions = {}, context: ModelContext = {}) {
    super({ ...options, name: options.name ?? 'subject' }, context);
    this.age = options.age;
    this.ageReference = options.ageReference ?? (options.age !== undefined ? 'birth' : undefined);
    this.dateOfBirth =
      options.dateOfBirth === undefined
        ? undefined
        : NwbDateTime.from(options.dateOfBirth, `${this.name}.dateOfBirth`);
    this.description = options.description;
    this.genotype = options.genotype;
    this.sex = options.sex;
    this.species = options.species;
    this.strain = options.strain;
    this.subjectId = options.subjectId;
    this.weight = options.weight;
    if (new.target === Subject) this.runChecks();
  }

  get neurodataType(): string {
    return 'Subject';
  }

  protected override checkRules(check: RuleChecker): void {
    super.checkRules(check);
    if (this.ageReference !== undefined) {
      check.check(
        this.ageReference === 'birth' || this.ageReference === 'gestational',
        'age-reference',
        `ageReference must be "birth" or "gestational", got ${JSON.stringify(this.ageReference)}`,
      );
    }
  }
}
