import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { http, HttpResponse } from 'msw';

const run = promisify(execFile);

/**
 * GitLab's REST API as the scaffolder's `fetch:plain` reads a repository
 * (GitlabUrlReader.readTree): the project, the latest commit of the default
 * branch, and the branch as a tar.gz archive whose single top folder is
 * `<project>-<ref>-<sha>/`, as GitLab names it. Responses are shaped like
 * https://docs.gitlab.com/api/projects/#get-a-single-project,
 * https://docs.gitlab.com/api/commits/#list-repository-commits and
 * https://docs.gitlab.com/api/repositories/#get-file-archive.
 */
export async function gitlabServingRepository(options: {
  apiBaseUrl: string;
  /** e.g. `billing/legacy-billing` */
  projectPath: string;
  /** The folder whose files the default branch holds. */
  directory: string;
}) {
  const { apiBaseUrl, projectPath, directory } = options;
  const project = projectPath.split('/').pop()!;
  const sha = '5f0c6e1d2b8a4e7f9c3d1a0b6e8f2c4d7a9b1e3f';
  const archive = await tarGz(directory, `${project}-main-${sha}`);
  const id = encodeURIComponent(projectPath);
  const requests: string[] = [];

  const handlers = [
    http.get(`${apiBaseUrl}/projects/${id}`, ({ request }) => {
      requests.push(new URL(request.url).pathname);
      return HttpResponse.json({
        id: 4711,
        name: project,
        path: project,
        path_with_namespace: projectPath,
        default_branch: 'main',
        web_url: `${apiBaseUrl.replace(/\/api\/v4$/, '')}/${projectPath}`,
        visibility: 'internal',
      });
    }),
    http.get(
      `${apiBaseUrl}/projects/${id}/repository/commits`,
      ({ request }) => {
        requests.push(new URL(request.url).pathname);
        return HttpResponse.json([
          {
            id: sha,
            short_id: sha.slice(0, 8),
            title: 'Invoice run for March',
            author_name: 'Billing Team',
            committed_date: '2025-03-31T18:00:00.000Z',
          },
        ]);
      },
    ),
    http.get(
      `${apiBaseUrl}/projects/${id}/repository/archive`,
      ({ request }) => {
        requests.push(new URL(request.url).pathname);
        return new HttpResponse(archive, {
          headers: {
            'content-type': 'application/octet-stream',
            'content-disposition': `attachment; filename="${project}-main.tar.gz"`,
          },
        });
      },
    ),
  ];
  return { handlers, requests };
}

async function tarGz(directory: string, topFolder: string): Promise<Buffer> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'gitlab-archive-'));
  try {
    await fs.cp(directory, path.join(work, topFolder), { recursive: true });
    const file = path.join(work, 'archive.tar.gz');
    await run('tar', ['-czf', file, '-C', work, topFolder]);
    return await fs.readFile(file);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
