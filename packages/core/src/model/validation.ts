/**
 * How model objects report broken rules. A new object refuses bad input (throws); an object read
 * from a file reports what the file breaks and is kept, as PyNWB warns on read instead of refusing.
 */
import { ValidationError } from '../errors.js';

/** Options a model object is constructed with besides its fields; the mapper sets them on read. */
export interface ModelContext {
  /** The path to name in errors instead of the object's name (the object's path in a file). */
  path?: string;
  /** Receives each broken rule instead of having it thrown (used when reading a file). */
  onViolation?: (error: ValidationError) => void;
}

/** Checks rules for one object, throwing or reporting each violation as its context asks. */
export class RuleChecker {
  readonly #where: string;
  readonly #onViolation: ((error: ValidationError) => void) | undefined;

  /**
   * `where` names the object in errors; with `onViolation`, violations are reported there instead of thrown.
   */
  constructor(where: string, onViolation?: (error: ValidationError) => void) {
    this.#where = where;
    this.#onViolation = onViolation;
  }

  /** Reports a broken rule: throws unless a handler was given. */
  fail(rule: string, message: string): void {
    const error = new ValidationError(message, { path: this.#where, rule });
    if (this.#onViolation === undefined) throw error;
    this.#onViolation(error);
  }

  /** Reports `rule` unless `ok`. */
  check(ok: boolean, rule: string, message: string): void {
    if (!ok) this.fail(rule, message);
  }
}
