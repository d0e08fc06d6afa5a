import fs from 'node:fs/promises';
import Ajv, { type ErrorObject } from 'ajv';
import ajvErrors from 'ajv-errors';
import { parse as parseYaml } from 'yaml';
import { dryRunMicroserviceTemplate, sampleValues } from './dryRun';
import { templateFile } from './paths';

/**
 * Validates a value of the form the way the portal's form does: the
 * scaffolder's Stepper runs ajv 8 with ajv-errors, so `errorMessage` is what
 * the developer reads.
 */
async function formValidator() {
  const template = parseYaml(await fs.readFile(templateFile, 'utf8'));
  const pages: Array<Record<string, unknown>> = template.spec.parameters;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajvErrors(ajv);
  const validators = pages.map(page => ajv.compile({ type: 'object', ...page }));
  return (values: Record<string, unknown>): ErrorObject[] =>
    validators.flatMap(validate => (validate(values) ? [] : validate.errors ?? []));
}

function messagesFor(errors: ErrorObject[], field: string): string[] {
  return errors
    .filter(error => error.instancePath === `/${field}`)
    .map(error => error.message ?? '');
}

describe('the form of the microservice template', () => {
  it('accepts the sample values', async () => {
    const validate = await formValidator();
    expect(validate(sampleValues)).toEqual([]);
  });

  it.each([
    ['uppercase', 'Payments-api', /lowercase letters, digits and hyphens/],
    ['a leading digit', '1payments', /starting with a letter/],
    ['a trailing hyphen', 'payments-', /not ending with a hyphen/],
    ['an underscore', 'payments_api', /lowercase letters, digits and hyphens/],
    ['too long', `p${'a'.repeat(40)}`, /at most 40 characters/],
  ])('rejects a name with %s and says what to use instead', async (_case, name, message) => {
    const validate = await formValidator();
    const errors = messagesFor(validate({ ...sampleValues, name }), 'name');
    expect(errors).toEqual([expect.stringMatching(message)]);
  });

  it('accepts a name of exactly 40 characters', async () => {
    const validate = await formValidator();
    expect(validate({ ...sampleValues, name: `p${'a'.repeat(39)}` })).toEqual([]);
  });

  it('rejects an AWS account ID that is not 12 digits', async () => {
    const validate = await formValidator();
    expect(messagesFor(validate({ ...sampleValues, awsAccountId: '12345' }), 'awsAccountId')).toEqual([
      'Use the 12-digit AWS account ID, for example 123456789012.',
    ]);
  });

  it('rejects a namespace that is not a DNS-1123 label', async () => {
    const validate = await formValidator();
    expect(messagesFor(validate({ ...sampleValues, namespace: 'Team_A' }), 'namespace')).toHaveLength(1);
    expect(validate({ ...sampleValues, namespace: 'team-a' })).toEqual([]);
  });

  it('requires the fields every later step needs', async () => {
    const validate = await formValidator();
    const { name, owner, system, repoUrl, awsAccountId, ...rest } = sampleValues;
    const missing = validate(rest)
      .filter(error => error.keyword === 'required')
      .map(error => error.params.missingProperty)
      .sort();
    expect(missing).toEqual(['awsAccountId', 'name', 'owner', 'repoUrl', 'system']);
  });
});

describe('the scaffolder backend', () => {
  it('refuses a dry run with a bad name before running any step', async () => {
    await expect(
      dryRunMicroserviceTemplate({ ...sampleValues, name: 'Payments_API' }),
    ).rejects.toThrow(/dry run failed: 400 .*name/);
  }, 60_000);
});
