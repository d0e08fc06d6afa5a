import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createCatalogInfoMergeAction } from './catalogInfoMerge';

const ROAD = {
  'jenkins.io/job-full-name': 'services/legacy-billing',
  'sonarqube.org/project-key': 'legacy-billing',
  'argocd/app-selector': 'backstage-name=legacy-billing',
};

/** A hand-written file, as teams keep them: comments, links, tags, a second document. */
const EXISTING = `# Owned by the billing team; ask in #billing before changing.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: legacy-billing
  description: Invoices and dunning, since 2014.
  tags: [java, billing]
  links:
    - url: https://wiki.example.com/billing
      title: Runbook
  annotations:
    gitlab.com/project-slug: billing/legacy-billing # where the code lives
    pagerduty.com/service-id: PBILL01
    sonarqube.org/project-key: billing-old
spec:
  type: service
  lifecycle: production
  owner: group:default/billing
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: billing-api
spec:
  type: openapi
  lifecycle: production
  owner: group:default/billing
  definition: {}
`;

describe('slipway:catalog-info:merge', () => {
  let workspacePath: string;
  const action = createCatalogInfoMergeAction();

  beforeEach(async () => {
    workspacePath = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-'));
  });
  afterEach(async () => {
    await fs.rm(workspacePath, { recursive: true, force: true });
  });

  async function run(input: Record<string, unknown>) {
    const ctx = createMockActionContext({ input: input as any, workspacePath });
    await action.handler(ctx as any);
    const outputs = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
    return outputs;
  }

  it('adds the annotations and keeps comments, links, tags, other annotations and documents', async () => {
    await fs.mkdir(path.join(workspacePath, 'repository'));
    const file = path.join(workspacePath, 'repository/catalog-info.yaml');
    await fs.writeFile(file, EXISTING);

    const outputs = await run({
      entityRef: 'component:legacy-billing',
      filePath: 'repository/catalog-info.yaml',
      annotations: ROAD,
    });

    const text = await fs.readFile(file, 'utf8');
    expect(text).toContain('# Owned by the billing team');
    expect(text).toContain('# where the code lives');
    const [component, api] = yaml.parseAllDocuments(text).map(d => d.toJS());
    expect(component.metadata.tags).toEqual(['java', 'billing']);
    expect(component.metadata.links).toEqual([
      { url: 'https://wiki.example.com/billing', title: 'Runbook' },
    ]);
    expect(component.metadata.annotations).toEqual({
      'gitlab.com/project-slug': 'billing/legacy-billing',
      'pagerduty.com/service-id': 'PBILL01',
      ...ROAD,
    });
    expect(component.spec.owner).toBe('group:default/billing');
    expect(api.metadata.name).toBe('billing-api');
    expect(outputs).toEqual({
      entityRef: 'component:default/legacy-billing',
      created: false,
      added: ['jenkins.io/job-full-name', 'argocd/app-selector'],
      updated: ['sonarqube.org/project-key'],
    });
  });

  it('changes nothing the second time', async () => {
    const file = path.join(workspacePath, 'catalog-info.yaml');
    await fs.writeFile(file, EXISTING);
    await run({
      entityRef: 'component:default/legacy-billing',
      annotations: ROAD,
    });
    const once = await fs.readFile(file, 'utf8');

    const outputs = await run({
      entityRef: 'component:default/legacy-billing',
      annotations: ROAD,
    });

    expect(await fs.readFile(file, 'utf8')).toBe(once);
    expect(outputs.added).toEqual([]);
    expect(outputs.updated).toEqual([]);
  });

  it('writes the file from the catalog entity when the repository has none', async () => {
    const outputs = await run({
      entityRef: 'component:default/legacy-billing',
      annotations: ROAD,
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'legacy-billing',
          namespace: 'default',
          uid: '7f9c',
          etag: 'abc',
          tags: ['java'],
          annotations: {
            'backstage.io/managed-by-location': 'url:https://x/catalog.yaml',
            'backstage.io/managed-by-origin-location':
              'url:https://x/catalog.yaml',
            'gitlab.com/project-slug': 'billing/legacy-billing',
          },
        },
        spec: { type: 'service', lifecycle: 'production', owner: 'billing' },
        relations: [{ type: 'ownedBy', targetRef: 'group:default/billing' }],
      },
    });

    const written = yaml.parse(
      await fs.readFile(path.join(workspacePath, 'catalog-info.yaml'), 'utf8'),
    );
    expect(written).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'legacy-billing',
        namespace: 'default',
        tags: ['java'],
        annotations: {
          'gitlab.com/project-slug': 'billing/legacy-billing',
          ...ROAD,
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'billing' },
    });
    expect(outputs.created).toBe(true);
  });

  it('names the entities the file holds when the entity is not among them', async () => {
    await fs.writeFile(path.join(workspacePath, 'catalog-info.yaml'), EXISTING);
    await expect(
      run({ entityRef: 'component:default/payments', annotations: ROAD }),
    ).rejects.toThrow(
      'catalog-info.yaml has no entity component:default/payments (it holds component:default/legacy-billing, api:default/billing-api)',
    );
  });

  it('says what to do when the file is missing and no entity is given', async () => {
    await expect(
      run({ entityRef: 'component:default/legacy-billing', annotations: ROAD }),
    ).rejects.toThrow(/has no catalog-info.yaml; fetch the repository/);
  });

  it('rejects invalid YAML, bad references and empty values, naming the field', async () => {
    await fs.writeFile(path.join(workspacePath, 'catalog-info.yaml'), 'a: [');
    await expect(
      run({ entityRef: 'component:default/x', annotations: ROAD }),
    ).rejects.toThrow(/catalog-info.yaml is not valid YAML/);
    await expect(
      run({ entityRef: 'legacy-billing', annotations: ROAD }),
    ).rejects.toThrow(/entityRef "legacy-billing" is not an entity reference/);
    await expect(
      run({
        entityRef: 'component:x',
        annotations: { 'jenkins.io/job-full-name': ' ' },
      }),
    ).rejects.toThrow('annotations["jenkins.io/job-full-name"] is empty');
  });

  it('refuses a file path outside the workspace', async () => {
    await expect(
      run({
        entityRef: 'component:x',
        filePath: '../catalog-info.yaml',
        annotations: ROAD,
      }),
    ).rejects.toThrow(/outside its parent/);
  });

  it('runs its documented example', async () => {
    const [example] = action.examples!;
    const step = yaml.parse(example.example).steps[0];
    await fs.mkdir(path.join(workspacePath, 'repository'));
    await fs.writeFile(
      path.join(workspacePath, 'repository/catalog-info.yaml'),
      EXISTING,
    );
    const outputs = await run(step.input);
    expect(outputs.entityRef).toBe('component:default/legacy-billing');
    expect(outputs.added).toHaveLength(2);
  });
});
