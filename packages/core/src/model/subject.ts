/** Subject: the animal or person recorded, kept at /general/subject. */
import type { DateTimeInput } from './datetime.js';
import { NWBDateTime } from './datetime.js';
import type { NWBObjectOptions } from './nwb-object.js';
import { NWBObject } from './nwb-object.js';
import type { ModelContext, RuleChecker } from './validation.js';

/** Options of {@link Subject}; every field is optional text unless noted. */
export interface SubjectOptions extends Partial<NWBObjectOptions> {
  /** Age as an ISO 8601 duration, e.g. "P90D". */
  age?: string;
  /** What the age counts from: "birth" (default when age is given) or "gestational". */
  ageReference?: 'birth' | 'gestational';
  /** Date of birth; text needs a UTC offset. */
  dateOfBirth?: DateTimeInput;
  /** Free-form description of the subject. */
  description?: string;
  /** Genetic strain or modifications. */
  genotype?: string;
  /** Sex, e.g. "F", "M", "U" or "O". */
  sex?: string;
  /** Latin binomial, e.g. "Mus musculus". */
  species?: string;
  /** Strain of the subject. */
  strain?: string;
  /** The lab's identifier of the subject. */
  subjectId?: string;
  /** Weight with its unit, e.g. "0.02 kg". */
  weight?: string;
}

/** The subject (neurodata_type Subject, name "subject"). */
export class Subject extends NWBObject {
  /** Age as an ISO 8601 duration, e.g. "P90D". */
  readonly age: string | undefined;
  /** What the age counts from: "birth" or "gestational". */
  readonly ageReference: string | undefined;
  /** Date of birth, with its UTC offset. */
  readonly dateOfBirth: NWBDateTime | undefined;
  /** Free-form description of the subject. */
  readonly description: string | undefined;
  /** Genetic strain or modifications. */
  readonly genotype: string | undefined;
  /** Sex, e.g. "F", "M", "U" or "O". */
  readonly sex: string | undefined;
  /** Latin binomial, e.g. "Mus musculus". */
  readonly species: string | undefined;
  /** Strain of the subject. */
  readonly strain: string | undefined;
  /** The lab's identifier of the subject. */
  readonly subjectId: string | undefined;
  /** Weight with its unit, e.g. "0.02 kg". */
  readonly weight: string | undefined;

  /** Throws a ValidationError for an unknown ageReference or a datetime without offset. */
  constructor(options: SubjectOptions = {}, context: ModelContext = {}) {
    super({ ...options, name: options.name ?? 'subject' }, context);
    this.age = options.age;
    this.ageReference = options.ageReference ?? (options.age !== undefined ? 'birth' : undefined);
    this.dateOfBirth =
      options.dateOfBirth === undefined
        ? undefined
        : NWBDateTime.from(options.dateOfBirth, `${this.name}.dateOfBirth`);
    this.description = options.description;
    this.genotype = options.genotype;
    this.sex = options.sex;
    this.species = options.species;
    this.strain = options.strain;
    this.subjectId = options.subjectId;
    this.weight = options.weight;
    if (new.target === Subject) this.runChecks();
  }

  /** Always `Subject`. */
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
