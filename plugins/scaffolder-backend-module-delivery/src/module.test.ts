import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import request from 'supertest';
import scaffolderModuleDelivery from '.';
import { testConfig } from './__testUtils__/testing';

describe('scaffolderModuleDelivery', () => {
  it('installs the eight actions with their schemas in the real scaffolder', async () => {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleDelivery,
        mockServices.rootConfig.factory({ data: testConfig().get() as any }),
      ],
    });

    const response = await request(server).get('/api/scaffolder/v2/actions');

    expect(response.status).toBe(200);
    const actions = new Map<string, any>(
      response.body.map((a: any) => [a.id, a]),
    );
    const expected: Record<string, { input: string[]; output: string[] }> = {
      'aws:ecr:repository:create': {
        input: ['repositoryName', 'region'],
        output: ['repositoryUri', 'repositoryArn'],
      },
      'argocd:application:create': {
        input: ['appName', 'repoUrl', 'path', 'namespace'],
        output: ['applicationUrl'],
      },
      'jenkins:job:create': {
        input: ['jobName', 'repoUrl', 'credentialsId'],
        output: ['jobUrl', 'jobFullName', 'webhookUrl'],
      },
      'sonarqube:project:create': {
        input: ['projectKey', 'name'],
        output: ['projectKey', 'dashboardUrl'],
      },
      'gitlab:webhook:create': {
        input: ['repoUrl', 'hookUrl'],
        output: ['hookId', 'hooksUrl'],
      },
      'gitlab:mergeRequest:ensure': {
        input: ['repoUrl', 'sourceBranch', 'title'],
        output: [
          'mergeRequestUrl',
          'mergeRequestIid',
          'created',
          'targetBranch',
        ],
      },
      'slipway:service:preflight': {
        input: ['name'],
        output: ['entityRef', 'projectPath'],
      },
      'slipway:catalog-info:merge': {
        input: ['entityRef', 'annotations'],
        output: ['entityRef', 'created', 'added', 'updated'],
      },
    };
    expect(
      [...actions.keys()].filter(id => Object.hasOwn(expected, id)),
    ).toHaveLength(8);
    for (const [id, schema] of Object.entries(expected)) {
      const action = actions.get(id);
      expect(action).toBeDefined();
      expect(action.schema.input.required).toEqual(schema.input);
      expect(Object.keys(action.schema.output.properties)).toEqual(
        schema.output,
      );
      for (const property of Object.values<any>(
        action.schema.input.properties,
      )) {
        expect(property.description).toEqual(expect.any(String));
      }
      expect(action.examples.length).toBeGreaterThan(0);
    }
  });
});
