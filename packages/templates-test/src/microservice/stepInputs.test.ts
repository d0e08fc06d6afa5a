import fs from 'node:fs/promises';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import scaffolderDeliveryModule from '@slipway/plugin-scaffolder-backend-module-delivery';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { templateFile } from './paths';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

/** The properties a schema declares, its alternatives' included. */
function declared(schema: JsonSchema): Record<string, JsonSchema> {
  return Object.assign(
    {},
    ...[schema.oneOf, schema.anyOf, schema.allOf].flatMap(list =>
      (list ?? []).map(declared),
    ),
    schema.properties,
  );
}

/**
 * Input names the action's schema does not declare, as paths: the scaffolder
 * refuses a step with one ("is not allowed to have the additional property")
 * when the task runs, which a dry run of an action without dry-run support
 * never reaches.
 */
function undeclared(
  input: Record<string, unknown>,
  schema: JsonSchema,
  prefix = '',
): string[] {
  const properties = declared(schema);
  return Object.entries(input).flatMap(([key, value]) => {
    const property = properties[key];
    if (!property) return [`${prefix}${key}`];
    if (
      property.properties &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      return undeclared(
        value as Record<string, unknown>,
        property,
        `${prefix}${key}.`,
      );
    }
    return [];
  });
}

describe('the steps of templates/microservice', () => {
  it('pass each installed action only the inputs its schema declares', async () => {
    const template = parseYaml(await fs.readFile(templateFile, 'utf8'));
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderGitlabModule,
        scaffolderDeliveryModule,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: {
            integrations: {
              gitlab: [
                {
                  host: 'gitlab.example.com',
                  apiBaseUrl: 'https://gitlab.example.com/api/v4',
                  token: 'unused',
                },
              ],
            },
          },
        }),
      ],
    });
    const actions = await request(server).get('/api/scaffolder/v2/actions');
    expect(actions.status).toBe(200);
    const schemas = new Map<string, JsonSchema>(
      actions.body.map((a: { id: string; schema?: { input?: JsonSchema } }) => [
        a.id,
        a.schema?.input ?? {},
      ]),
    );

    const steps: Array<{
      id: string;
      action: string;
      input: Record<string, unknown>;
    }> = template.spec.steps;
    const checked = steps.filter(step => schemas.has(step.action));
    // publish:gitlab is the one this test was written for.
    expect(checked.map(step => step.id)).toEqual(
      expect.arrayContaining(['fetch', 'publish', 'argocd']),
    );
    expect(
      checked.map(step => ({
        step: step.id,
        undeclared: undeclared(step.input, schemas.get(step.action)!),
      })),
    ).toEqual(checked.map(step => ({ step: step.id, undeclared: [] })));
  }, 60_000);
});

describe('the repository page of templates/microservice', () => {
  it("offers the embedded default's GitLab host in the RepoUrlPicker", async () => {
    // The picker lists only the integrations named in allowedHosts: none
    // listed, no host to choose, and the form cannot be completed.
    const template = parseYaml(await fs.readFile(templateFile, 'utf8'));
    const appConfig = parseYaml(
      await fs.readFile(
        path.resolve(templateFile, '../../../app-config.yaml'),
        'utf8',
      ),
    );
    const repoUrl = template.spec.parameters
      .map(
        (page: { properties?: Record<string, any> }) =>
          page.properties?.repoUrl,
      )
      .find(Boolean);
    expect(repoUrl['ui:field']).toBe('RepoUrlPicker');
    const gitlabHosts = appConfig.integrations.gitlab.map(
      (integration: { host: string }) => integration.host,
    );
    expect(repoUrl['ui:options']?.allowedHosts).toEqual(
      expect.arrayContaining(gitlabHosts),
    );
  });
});

describe('the Argo CD step of templates/microservice', () => {
  it('watches the clone URL GitLab gave the new project', async () => {
    // Not one built from the host with an assumed scheme: an http GitLab
    // (the embedded default) would never be synced.
    const template = parseYaml(await fs.readFile(templateFile, 'utf8'));
    const argocd = template.spec.steps.find(
      (step: { id: string }) => step.id === 'argocd',
    );
    expect(argocd.input.repoUrl).toMatch(
      /^\$\{\{ steps\.publish\.output\.remoteUrl if /,
    );
  });
});
