import { dryRunMicroserviceTemplate, sampleValues } from './dryRun';

describe('the preflight step of templates/microservice', () => {
  it('stops a run whose name is taken before anything is generated', async () => {
    const run = dryRunMicroserviceTemplate(sampleValues, {
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'payments-api', namespace: 'default' },
          spec: {
            type: 'service',
            lifecycle: 'production',
            owner: 'group:default/payments',
          },
        },
      ],
      gitlabProjects: ['payments/payments-api'],
    });
    // The scaffolder answers the dry run with the step's error.
    const error = await run.catch(e => e);
    const [, status, body] = /^dry run failed: (\d+) (.*)$/s.exec(
      error.message,
    )!;
    expect(status).toBe('409');
    expect(JSON.parse(body).error).toEqual({
      name: 'ConflictError',
      message:
        'A service named `payments-api` already exists: component:default/payments-api in the catalog (owner group:default/payments) and the GitLab project payments/payments-api (https://gitlab.example.com/payments/payments-api). Choose another name, or put the existing service on the road with the "Put an existing service on the road" template.',
    });
  }, 60_000);
});
