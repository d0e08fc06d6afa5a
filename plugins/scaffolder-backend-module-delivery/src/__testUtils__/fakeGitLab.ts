import { http, HttpResponse } from 'msw';
import mergeRequestFixture from '../__fixtures__/gitlab-merge-request.json';
import { GITLAB_API } from './testing';

const EVENT_FIELDS = [
  'push_events',
  'tag_push_events',
  'merge_requests_events',
  'note_events',
  'issues_events',
  'confidential_issues_events',
  'confidential_note_events',
  'job_events',
  'pipeline_events',
  'wiki_page_events',
  'deployment_events',
  'releases_events',
];

/**
 * A stateful stand-in for GitLab's project hooks and merge requests API (v4),
 * with `PRIVATE-TOKEN` auth; hooks look like the API's, without the token,
 * merge requests like `__fixtures__/gitlab-merge-request.json`. Like GitLab,
 * it refuses a second open merge request from the same source branch.
 */
export function fakeGitLab(
  options: {
    projects?: Record<string, any[]>;
    token?: string;
    delayMs?: number;
    /** Branches of every project; `main` is the default branch. */
    branches?: string[];
  } = {},
) {
  const projects = new Map<string, any[]>(
    Object.entries(options.projects ?? { 'payments/payments-api': [] }),
  );
  const secrets = new Map<number, string | undefined>();
  const mergeRequests: any[] = [];
  const branches = new Set(
    options.branches ?? ['main', 'slipway/onboard-payments-api'],
  );
  let nextId = 101;
  let nextIid = 7;
  const project = (request: Request) => {
    const match = /\/projects\/([^/?]+)/.exec(new URL(request.url).pathname);
    return decodeURIComponent(match?.[1] ?? '');
  };
  const guard = async (request: Request) => {
    if (options.delayMs) {
      await new Promise(r => setTimeout(r, options.delayMs));
    }
    if (
      !sentToken(request) ||
      sentToken(request) !== (options.token ?? 'glpat-s3cr3t')
    ) {
      return HttpResponse.json(
        { message: '401 Unauthorized' },
        { status: 401 },
      );
    }
    const hooks = projects.get(project(request));
    if (!hooks) {
      return HttpResponse.json(
        { message: '404 Project Not Found' },
        { status: 404 },
      );
    }
    return undefined;
  };

  const projectId = (path: string) => 42 + [...projects.keys()].indexOf(path);

  return {
    secrets,
    mergeRequests,
    handlers: [
      http.get(`${GITLAB_API}/projects/:id`, async ({ request }) => {
        const denied = await guard(request);
        if (denied) return denied;
        const path = project(request);
        return HttpResponse.json({
          id: projectId(path),
          path_with_namespace: path,
          default_branch: 'main',
          web_url: `https://gitlab.example.com/${path}`,
        });
      }),
      http.get(
        `${GITLAB_API}/projects/:id/merge_requests`,
        async ({ request }) => {
          const denied = await guard(request);
          if (denied) return denied;
          const query = new URL(request.url).searchParams;
          const id = projectId(project(request));
          return HttpResponse.json(
            mergeRequests.filter(
              mr =>
                mr.project_id === id &&
                (!query.get('state') || mr.state === query.get('state')) &&
                (!query.get('source_branch') ||
                  mr.source_branch === query.get('source_branch')),
            ),
            { headers: { 'x-page': '1', 'x-next-page': '' } },
          );
        },
      ),
      http.post(
        `${GITLAB_API}/projects/:id/merge_requests`,
        async ({ request }) => {
          const denied = await guard(request);
          if (denied) return denied;
          const body = (await request.json()) as any;
          const path = project(request);
          const id = projectId(path);
          if (!branches.has(body.source_branch)) {
            return HttpResponse.json(
              { message: '404 Source branch Not Found' },
              { status: 404 },
            );
          }
          const open = mergeRequests.find(
            mr =>
              mr.project_id === id &&
              mr.state === 'opened' &&
              mr.source_branch === body.source_branch,
          );
          if (open) {
            return HttpResponse.json(
              {
                message: [
                  `Another open merge request already exists for this source branch: !${open.iid}`,
                ],
              },
              { status: 409 },
            );
          }
          const iid = nextIid++;
          const mr = {
            ...mergeRequestFixture,
            id: 84014 + iid,
            iid,
            project_id: id,
            source_project_id: id,
            target_project_id: id,
            title: body.title,
            description: body.description ?? null,
            source_branch: body.source_branch,
            target_branch: body.target_branch,
            labels: body.labels ? String(body.labels).split(',') : [],
            force_remove_source_branch: Boolean(body.remove_source_branch),
            reference: `!${iid}`,
            references: {
              short: `!${iid}`,
              relative: `!${iid}`,
              full: `${path}!${iid}`,
            },
            web_url: `https://gitlab.example.com/${path}/-/merge_requests/${iid}`,
          };
          mergeRequests.push(mr);
          return HttpResponse.json(mr, { status: 201 });
        },
      ),
      http.put(
        `${GITLAB_API}/projects/:id/merge_requests/:iid`,
        async ({ request, params }) => {
          const denied = await guard(request);
          if (denied) return denied;
          const body = (await request.json()) as any;
          const mr = mergeRequests.find(
            m =>
              m.project_id === projectId(project(request)) &&
              m.iid === Number(params.iid),
          );
          if (!mr) {
            return HttpResponse.json(
              { message: '404 Not found' },
              { status: 404 },
            );
          }
          for (const field of ['title', 'description', 'target_branch']) {
            if (body[field] !== undefined) mr[field] = body[field];
          }
          if (body.labels !== undefined) {
            mr.labels = String(body.labels).split(',').filter(Boolean);
          }
          if (body.add_labels !== undefined) {
            mr.labels = [
              ...new Set([...mr.labels, ...String(body.add_labels).split(',')]),
            ];
          }
          if (body.remove_source_branch !== undefined) {
            mr.force_remove_source_branch = Boolean(body.remove_source_branch);
          }
          mr.updated_at = '2024-05-03T09:30:00.000Z';
          return HttpResponse.json(mr);
        },
      ),
      http.get(`${GITLAB_API}/projects/:id/hooks`, async ({ request }) => {
        const denied = await guard(request);
        if (denied) return denied;
        return HttpResponse.json(projects.get(project(request)), {
          headers: { 'x-page': '1', 'x-next-page': '', 'x-total': '1' },
        });
      }),
      http.post(`${GITLAB_API}/projects/:id/hooks`, async ({ request }) => {
        const denied = await guard(request);
        if (denied) return denied;
        const body = (await request.json()) as any;
        if (!/^https?:\/\//.test(body.url ?? '')) {
          return HttpResponse.json(
            {
              message: {
                url: ['is blocked: Only allowed schemes are http, https'],
              },
            },
            { status: 422 },
          );
        }
        const hook = {
          id: nextId++,
          url: body.url,
          project_id: 42,
          ...Object.fromEntries(
            EVENT_FIELDS.map(f => [
              f,
              f === 'push_events' ? body[f] ?? true : body[f] ?? false,
            ]),
          ),
          push_events_branch_filter: '',
          enable_ssl_verification: body.enable_ssl_verification ?? true,
          repository_update_events: false,
          alert_status: 'executable',
          disabled_until: null,
          created_at: '2024-05-02T10:00:00.000Z',
        };
        secrets.set(hook.id, body.token);
        projects.get(project(request))!.push(hook);
        return HttpResponse.json(hook, { status: 201 });
      }),
    ],
  };
}

// GitLab takes a personal access token as `PRIVATE-TOKEN` or as a bearer token.
function sentToken(request: Request): string | undefined {
  return (
    request.headers.get('private-token') ??
    request.headers.get('authorization')?.replace(/^Bearer /, '') ??
    undefined
  );
}
