import { Gitlab } from '@gitbeaker/rest';
import { RunningSimulator } from '../startSimulator';
import { startTestSimulator } from '../testUtils';
import { LEGACY_BILLING, seedLegacyBilling } from '../seed/legacyBilling';

jest.setTimeout(60000);

/**
 * Creating a branch and committing files to it, called the way
 * gitlab:repo:push calls gitbeaker (@backstage/plugin-scaffolder-backend-
 * module-gitlab): Branches.show, then Projects.show and Branches.create
 * when the branch is missing, Repositories.allRepositoryTrees to choose
 * create or update, and Commits.create with base64 actions.
 */
describe('GitLab repository push (gitlab:repo:push)', () => {
  let sim: RunningSimulator;
  let api: InstanceType<typeof Gitlab>;
  const project = `${LEGACY_BILLING.group}/${LEGACY_BILLING.name}`;
  const branch = 'slipway/onboard-legacy-billing';

  beforeAll(async () => {
    sim = await startTestSimulator();
    await seedLegacyBilling(sim.tools.gitlab, {
      now: new Date('2025-06-01T12:00:00Z').getTime(),
    });
    api = new Gitlab({
      host: sim.urls.gitlab,
      token: sim.credentials.gitlab.token,
    });
  });
  afterAll(async () => {
    await sim.stop();
  });

  const file = (filePath: string, content: string, action: string) => ({
    action: action as 'create' | 'update',
    filePath,
    encoding: 'base64' as const,
    content: Buffer.from(content).toString('base64'),
    execute_filemode: false,
  });

  it('creates the missing branch from the default branch', async () => {
    const missing = await api.Branches.show(project, branch).catch(
      (e: any) => e.cause?.response?.status,
    );
    expect(missing).toBe(404);
    const { default_branch: defaultBranch } = await api.Projects.show(project);
    expect(defaultBranch).toBe('main');
    const created = await api.Branches.create(
      project,
      branch,
      String(defaultBranch),
    );
    const main = await api.Branches.show(project, 'main');
    expect(created).toMatchObject({ name: branch });
    expect(created.commit.id).toBe(main.commit.id);
    const again = await api.Branches.create(project, branch, 'main').catch(
      (e: any) => e,
    );
    expect(again.cause?.response?.status).toBe(400);
    expect(again.cause?.description).toBe('Branch already exists');
  });

  it('commits new and changed files to the branch, leaving main alone', async () => {
    const remote = (await api.Repositories.allRepositoryTrees(project, {
      ref: branch,
      recursive: true,
      perPage: 100,
    })) as { path: string; type: string }[];
    const exists = (p: string) =>
      remote.some(e => e.type === 'blob' && e.path === p);
    expect(exists('catalog-info.yaml')).toBe(true);
    expect(exists('Jenkinsfile')).toBe(false);

    const mainBefore = await api.Branches.show(project, 'main');
    const commit = await api.Commits.create(
      project,
      branch,
      'Put legacy-billing on the road',
      [
        file('Jenkinsfile', 'pipeline {}\n', 'create'),
        file('chart/values.yaml', 'replicaCount: 2\n', 'create'),
        file(
          'catalog-info.yaml',
          'kind: Component\nmetadata:\n  name: legacy-billing\n',
          'update',
        ),
      ],
    );
    expect(commit).toMatchObject({
      title: 'Put legacy-billing on the road',
      parent_ids: [mainBefore.commit.id],
    });
    const tip = await api.Branches.show(project, branch);
    expect(tip.commit.id).toBe(commit.id);

    const read = (p: string, ref: string) =>
      api.RepositoryFiles.showRaw(project, p, ref) as Promise<string>;
    expect(await read('Jenkinsfile', branch)).toBe('pipeline {}\n');
    expect(await read('chart/values.yaml', branch)).toBe('replicaCount: 2\n');
    expect(await read('catalog-info.yaml', branch)).toContain(
      'name: legacy-billing',
    );
    // Files not in the actions stay.
    expect(await read('pom.xml', branch)).toContain('<artifactId>');
    const mainAfter = await api.Branches.show(project, 'main');
    expect(mainAfter.commit.id).toBe(mainBefore.commit.id);
  });

  it('refuses to create a file that already exists, as GitLab does', async () => {
    const error = await api.Commits.create(project, branch, 'again', [
      file('Jenkinsfile', 'pipeline {}\n', 'create'),
    ]).catch((e: any) => e);
    expect(error.cause?.response?.status).toBe(400);
    expect(error.cause?.description).toBe(
      'A file with this name already exists',
    );
  });
});
