import { CustomErrorBase, isErrorWithName } from '@backstage/errors';

/**
 * An entity annotation whose value does not have the form Slipway expects.
 *
 * @remarks
 * The message names the annotation and the expected form, so it can be shown
 * to the entity's owner as is. A bad annotation is never a reason to send a
 * request elsewhere: callers report it per source and stop.
 *
 * @public
 */
export class InvalidAnnotationError extends CustomErrorBase {
  /** Matches by name, so it works across package copies and after serialization. */
  static is(value: unknown): value is InvalidAnnotationError {
    return isErrorWithName(value, 'InvalidAnnotationError');
  }

  name = 'InvalidAnnotationError' as const;
  /** The annotation key, e.g. `jenkins.io/job-full-name`. */
  readonly annotation: string;
  /** The form the value must have, e.g. `[instance:]folder/job`. */
  readonly expected: string;

  constructor(options: {
    annotation: string;
    expected: string;
    problem: string;
  }) {
    super(
      `Invalid annotation ${options.annotation}: ${options.problem}. ` +
        `Expected the form ${options.expected}.`,
    );
    this.annotation = options.annotation;
    this.expected = options.expected;
  }
}
