/*
 * Backstage's own GitLab URL reader (the one the catalog uses for `url`
 * locations and the scaffolder's fetch actions use for readTree) against the
 * simulated GitLab: the templates project served from a folder, a seeded
 * repository, wrong credentials, and a template edited on disk.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { fetchContents } from '@backstage/plugin-scaffolder-node';
import { startSimulator, RunningSimulator } from '../startSimulator';
import { tempDir, waitFor } from '../testUtils';
import { DEFAULT_TEMPLATES_PROJECT } from '../seed/templates';

jest.setTimeout(60000);

// eslint-disable-next-line no-restricted-syntax
const fixtureTemplates = path.resolve(__dirname, '../__fixtures__/templates');

function gitlabConfig(sim: RunningSimulator, token: string) {
  return new ConfigReader({
    integrations: {
      gitlab: [
        {
          host: new URL(sim.urls.gitlab).host,
          baseUrl: sim.urls.gitlab,
          apiBaseUrl: `${sim.urls.gitlab}/api/v4`,
          token,
        },
      ],
    },
  });
}

function readerFor(sim: RunningSimulator, token: string) {
  return UrlReaders.default({
    config: gitlabConfig(sim, token),
    logger: mockServices.logger.mock(),
  });
}

describe('GitlabUrlReader against the simulated GitLab', () => {
  let sim: RunningSimulator;
  let templatesDir: string;
  let blob: string;

  beforeAll(async () => {
    // A copy, so the re-sync test can edit it
    templatesDir = await tempDir('sim-templates-');
    await fs.cp(fixtureTemplates, templatesDir, { recursive: true });
    sim = await startSimulator({
      ports: { gitlab: 0, jenkins: 0, sonarqube: 0, argocd: 0, ecr: 0 },
      timeScale: 0.002,
      seed: 'slipway',
      now: new Date('2025-06-01T12:00:00Z'),
      templates: { dir: templatesDir, debounceMs: 50 },
    });
    blob = `${sim.urls.gitlab}/${DEFAULT_TEMPLATES_PROJECT}/-/blob/main`;
  });

  afterAll(async () => {
    await sim?.stop();
    await fs.rm(templatesDir, { recursive: true, force: true });
  });

  it('answers its health check once seeded', async () => {
    const response = await fetch(`${sim.urls.ecr}/_simulator/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ tool: 'ecr', status: 'UP' });
  });

  it('reads a template file from a blob URL, as the catalog reads a url location', async () => {
    const reader = readerFor(sim, sim.credentials.gitlab.token);
    const response = await reader.readUrl(
      `${blob}/onboard-service/template.yaml`,
    );
    expect((await response.buffer()).toString('utf8')).toBe(
      await fs.readFile(
        path.join(fixtureTemplates, 'onboard-service/template.yaml'),
        'utf8',
      ),
    );
  });

  it('finds every template through a glob, as a url location with a glob does', async () => {
    const reader = readerFor(sim, sim.credentials.gitlab.token);
    const result = await reader.search(`${blob}/*/template.yaml`);
    expect(result.files.map(f => f.url).sort()).toEqual([
      `${blob}/microservice/template.yaml`,
      `${blob}/onboard-service/template.yaml`,
    ]);
    expect(result.etag).toMatch(/^[0-9a-f]{40}$/);
  });

  it('reads a folder with readTree (archive with path=), relative to that folder', async () => {
    const reader = readerFor(sim, sim.credentials.gitlab.token);
    const tree = await reader.readTree(
      `${sim.urls.gitlab}/${DEFAULT_TEMPLATES_PROJECT}/-/tree/main/microservice/skeleton`,
    );
    const files = await tree.files();
    const contents = Object.fromEntries(
      await Promise.all(
        files.map(async f => [f.path, (await f.content()).toString('utf8')]),
      ),
    );
    expect(Object.keys(contents).sort()).toEqual([
      '.trivyignore',
      'Jenkinsfile',
      'README.md',
      'scripts/bump-image-tag.sh',
    ]);
    expect(contents['README.md']).toContain('${{ values.name }}');
    const [head] = await sim.tools.gitlab.repos.log(
      DEFAULT_TEMPLATES_PROJECT,
      'main',
      1,
    );
    expect(tree.etag).toBe(head.sha);
  });

  it("fetches the onboarding template's ../microservice/skeleton the way fetch:plain does", async () => {
    const config = gitlabConfig(sim, sim.credentials.gitlab.token);
    const outputPath = await tempDir('sim-fetch-');
    try {
      await fetchContents({
        reader: readerFor(sim, sim.credentials.gitlab.token),
        integrations: ScmIntegrations.fromConfig(config),
        baseUrl: `${blob}/onboard-service/template.yaml`,
        fetchUrl: '../microservice/skeleton',
        outputPath,
      });
      expect(
        await fs.readFile(path.join(outputPath, 'Jenkinsfile'), 'utf8'),
      ).toContain("stage('Unit tests')");
      const script = await fs.stat(
        path.join(outputPath, 'scripts/bump-image-tag.sh'),
      );
      expect(script.mode & 0o100).toBe(0o100);
    } finally {
      await fs.rm(outputPath, { recursive: true, force: true });
    }
  });

  it("reads a seeded service's repository as the onboarding template's fetch:plain does", async () => {
    const reader = readerFor(sim, sim.credentials.gitlab.token);
    // The template builds https://<host>/<project slug>; the reader only
    // takes the project path and ref from it and calls apiBaseUrl.
    const host = new URL(sim.urls.gitlab).host;
    const tree = await reader.readTree(`https://${host}/payments/payments-api`);
    const paths = (await tree.files()).map(f => f.path);
    const expected = await sim.tools.gitlab.repos.listFiles(
      'payments/payments-api',
      'main',
    );
    expect(paths.sort()).toEqual([...expected].sort());
    expect(paths).toContain('catalog-info.yaml');
  });

  it('refuses a wrong token with the errors real GitLab gives the reader', async () => {
    const reader = readerFor(sim, 'glpat-wrong-000000000000');
    const url = `${blob}/microservice/template.yaml`;
    const apiUrl = `${sim.urls.gitlab}/api/v4/projects/${encodeURIComponent(
      DEFAULT_TEMPLATES_PROJECT,
    )}/repository/files/${encodeURIComponent(
      'microservice/template.yaml',
    )}/raw?ref=main`;
    await expect(reader.readUrl(url)).rejects.toThrow(
      `${url} could not be read as ${apiUrl}, 401 Unauthorized`,
    );
    const treeUrl = `${sim.urls.gitlab}/${DEFAULT_TEMPLATES_PROJECT}/-/tree/main/microservice`;
    await expect(reader.readTree(treeUrl)).rejects.toThrow(
      `Failed to read tree from ${treeUrl}, 401 Unauthorized`,
    );
    const raw = await fetch(apiUrl, {
      headers: { 'PRIVATE-TOKEN': 'glpat-wrong-000000000000' },
    });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({ message: '401 Unauthorized' });
  });

  it("serves the catalog's view, edit and source location links", async () => {
    const file = await fetch(`${blob}/microservice/template.yaml`);
    expect(file.status).toBe(200);
    expect(await file.text()).toContain('name: microservice');
    const edit = await fetch(
      `${sim.urls.gitlab}/${DEFAULT_TEMPLATES_PROJECT}/-/edit/main/microservice/template.yaml`,
    );
    expect(await edit.text()).toContain('name: microservice');
    // backstage.io/source-location is the folder as a blob URL
    const folder = await fetch(`${blob}/microservice/`);
    expect(folder.url).toBe(
      `${sim.urls.gitlab}/${DEFAULT_TEMPLATES_PROJECT}/-/tree/main/microservice`,
    );
    expect((await folder.text()).split('\n')).toEqual(
      expect.arrayContaining([
        'tree\tmicroservice/skeleton',
        'blob\tmicroservice/template.yaml',
      ]),
    );
  });

  it('reports a missing file or folder as not found', async () => {
    const reader = readerFor(sim, sim.credentials.gitlab.token);
    await expect(
      reader.readUrl(`${blob}/missing/template.yaml`),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      reader.readTree(
        `${sim.urls.gitlab}/${DEFAULT_TEMPLATES_PROJECT}/-/tree/main/missing`,
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('commits a template edited on disk, so the next read sees it', async () => {
    const reader = readerFor(sim, sim.credentials.gitlab.token);
    const file = path.join(templatesDir, 'microservice/template.yaml');
    const edited = `${await fs.readFile(
      file,
      'utf8',
    )}  # edited by a developer\n`;
    await fs.writeFile(file, edited);
    await fs.rm(path.join(templatesDir, 'microservice/skeleton/.trivyignore'));

    const url = `${blob}/microservice/template.yaml`;
    const content = await waitFor(async () => {
      const text = (await (await reader.readUrl(url)).buffer()).toString();
      return text === edited ? text : undefined;
    }, 10000);
    expect(content).toBe(edited);
    expect(
      await sim.tools.gitlab.repos.listFiles(DEFAULT_TEMPLATES_PROJECT, 'main'),
    ).not.toContain('microservice/skeleton/.trivyignore');

    // Nothing changed: no new commit
    const before = await sim.tools.gitlab.repos.log(
      DEFAULT_TEMPLATES_PROJECT,
      'main',
      10,
    );
    expect(await sim.templates!.sync()).toEqual({
      sha: before[0].sha,
      changed: false,
    });
  });
});
