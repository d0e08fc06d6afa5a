import { http, HttpResponse } from 'msw';
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
 * A stateful stand-in for GitLab's project hooks API (v4), with
 * `PRIVATE-TOKEN` auth; hooks look like the API's, without the token.
 */
export function fakeGitLab(
  options: {
    projects?: Record<string, any[]>;
    token?: string;
    delayMs?: number;
  } = {},
) {
  const projects = new Map<string, any[]>(
    Object.entries(options.projects ?? { 'payments/payments-api': [] }),
  );
  const secrets = new Map<number, string | undefined>();
  let nextId = 101;
  const project = (request: Request) => {
    const match = /\/projects\/([^/]+)\/hooks/.exec(
      new URL(request.url).pathname,
    );
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

  return {
    secrets,
    handlers: [
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
