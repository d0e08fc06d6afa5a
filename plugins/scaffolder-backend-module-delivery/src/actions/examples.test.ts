import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { setupServer } from 'msw/node';
import yaml from 'yaml';
import { fakeArgoCd } from '../__testUtils__/fakeArgoCd';
import { createEcrMock, fakeEcr } from '../__testUtils__/fakeEcr';
import { fakeGitLab } from '../__testUtils__/fakeGitLab';
import { fakeJenkins } from '../__testUtils__/fakeJenkins';
import { fakeSonarQube } from '../__testUtils__/fakeSonarQube';
import { testClients, testContext } from '../__testUtils__/testing';
import {
  createArgoCdApplicationCreateAction,
  createEcrRepositoryCreateAction,
  createGitLabMergeRequestEnsureAction,
  createGitLabWebhookCreateAction,
  createJenkinsJobCreateAction,
  createServicePreflightAction,
  createSonarQubeProjectCreateAction,
} from '.';

// Every documented example runs against the fakes of its tool and sets
// every output the action declares.
describe('the examples of every action', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const ecrMock = createEcrMock();
  afterAll(() => ecrMock.restore());

  const clients = testClients();
  const actions: Array<[TemplateAction<any, any, any>, () => void]> = [
    [
      createEcrRepositoryCreateAction({ ecr: clients.ecr }),
      () => {
        ecrMock.reset();
        fakeEcr(ecrMock);
      },
    ],
    [
      createArgoCdApplicationCreateAction({ argocd: clients.argocd }),
      () =>
        server.use(
          ...fakeArgoCd(),
          ...fakeArgoCd({ url: 'https://argocd.prod.example.com' }),
        ),
    ],
    [
      createJenkinsJobCreateAction({
        jenkins: clients.jenkins,
        integrations: clients.integrations,
      }),
      () => server.use(...fakeJenkins()),
    ],
    [
      createSonarQubeProjectCreateAction({
        sonarqube: clients.sonarqube,
        jenkins: clients.jenkins,
      }),
      () => server.use(...fakeSonarQube()),
    ],
    [
      createGitLabWebhookCreateAction({ integrations: clients.integrations }),
      () => server.use(...fakeGitLab().handlers),
    ],
    [
      createGitLabMergeRequestEnsureAction({
        integrations: clients.integrations,
      }),
      () =>
        server.use(
          ...fakeGitLab({
            branches: [
              'main',
              'release/2.4',
              'slipway/onboard-payments-api',
              'fix/invoice-rounding',
            ],
          }).handlers,
        ),
    ],
    [
      createServicePreflightAction({
        integrations: clients.integrations,
        catalog: catalogServiceMock({ entities: [] }),
      }),
      () => server.use(...fakeGitLab({ projects: {} }).handlers),
    ],
  ];

  const cases = actions.flatMap(([action, setup]) =>
    action.examples!.map(example => ({
      name: `${action.id}: ${example.description}`,
      action,
      setup,
      example,
    })),
  );

  it.each(cases)('$name', async ({ action, setup, example }) => {
    setup();
    const step = yaml.parse(example.example).steps[0];
    expect(step.action).toBe(action.id);
    const { ctx, outputs } = testContext(step.input);

    await action.handler(ctx);

    const declared = Object.keys(
      (action.schema?.output as { properties?: object })?.properties ?? {},
    );
    expect(declared.length).toBeGreaterThan(0);
    expect(Object.keys(outputs).sort()).toEqual(declared.sort());
  });
});
