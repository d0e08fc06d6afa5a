import fs from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { onboardTemplateFile } from './paths';

describe('the Argo CD step of templates/onboard-service', () => {
  it('watches the project URL GitLab gave with the merge request', async () => {
    // Not one built from the host with an assumed https scheme: an http
    // GitLab (the embedded default) would never be synced.
    const template = parseYaml(await fs.readFile(onboardTemplateFile, 'utf8'));
    const ids = template.spec.steps.map((step: { id: string }) => step.id);
    expect(ids.indexOf('argocd')).toBeGreaterThan(ids.indexOf('merge-request'));
    const argocd = template.spec.steps.find(
      (step: { id: string }) => step.id === 'argocd',
    );
    expect(argocd.input.repoUrl).toBe(
      "${{ steps['merge-request'].output.mergeRequestUrl.split('/-/')[0] }}.git",
    );
  });
});

describe('the repository field of templates/onboard-service', () => {
  it('offers the GitLab hosts, so a prefilled repository shows its host', async () => {
    const template = parseYaml(await fs.readFile(onboardTemplateFile, 'utf8'));
    const repoUrl = template.spec.parameters[0].properties.repoUrl;
    expect(repoUrl['ui:options'].allowedHosts).toEqual([
      '127.0.0.1:7100',
      'gitlab.com',
    ]);
  });
});
