import { http, HttpResponse } from 'msw';
import { SONARQUBE_URL } from './testing';

type Project = {
  key: string;
  name: string;
  visibility: 'private' | 'public';
  gate?: string;
  webhooks: Array<{
    key: string;
    name: string;
    url: string;
    hasSecret: boolean;
  }>;
};

const GATES = ['Sonar way', 'Strict'];
const DEFAULT_GATE = 'Sonar way';

/**
 * A stateful stand-in for the SonarQube Web API calls the action makes, with
 * token auth and SonarQube's `{ errors: [{ msg }] }` error bodies.
 */
export function fakeSonarQube(
  options: { projects?: Project[]; token?: string; delayMs?: number } = {},
) {
  const projects = new Map(
    (options.projects ?? []).map(p => [p.key, structuredClone(p)]),
  );
  const auth = `Basic ${Buffer.from(
    `${options.token ?? 'sonar-token-s3cr3t'}:`,
  ).toString('base64')}`;
  const guard = async (request: Request) => {
    if (options.delayMs) {
      await new Promise(r => setTimeout(r, options.delayMs));
    }
    return request.headers.get('authorization') === auth
      ? undefined
      : new HttpResponse(null, { status: 401 });
  };
  const error = (status: number, msg: string) =>
    HttpResponse.json({ errors: [{ msg }] }, { status });
  const form = async (request: Request) =>
    new URLSearchParams(await request.text());
  let nextHook = 1;

  return [
    http.get(`${SONARQUBE_URL}/api/projects/search`, async ({ request }) => {
      const denied = await guard(request);
      if (denied) return denied;
      const keys = (
        new URL(request.url).searchParams.get('projects') ?? ''
      ).split(',');
      const components = keys
        .map(k => projects.get(k))
        .filter((p): p is Project => !!p)
        .map(p => ({
          key: p.key,
          name: p.name,
          qualifier: 'TRK',
          visibility: p.visibility,
        }));
      return HttpResponse.json({
        paging: { pageIndex: 1, pageSize: 100, total: components.length },
        components,
      });
    }),
    http.post(`${SONARQUBE_URL}/api/projects/create`, async ({ request }) => {
      const denied = await guard(request);
      if (denied) return denied;
      const body = await form(request);
      const key = body.get('project')!;
      if (projects.has(key)) {
        return error(
          400,
          `Could not create Project with key: "${key}". A similar key already exists: "${key}"`,
        );
      }
      const project: Project = {
        key,
        name: body.get('name')!,
        visibility: (body.get('visibility') as 'private') ?? 'public',
        webhooks: [],
      };
      projects.set(key, project);
      return HttpResponse.json({
        project: {
          key,
          name: project.name,
          qualifier: 'TRK',
          visibility: project.visibility,
        },
      });
    }),
    http.get(
      `${SONARQUBE_URL}/api/qualitygates/get_by_project`,
      async ({ request }) => {
        const denied = await guard(request);
        if (denied) return denied;
        const key = new URL(request.url).searchParams.get('project')!;
        const project = projects.get(key);
        if (!project) {
          return error(404, `Project '${key}' not found`);
        }
        return HttpResponse.json({
          qualityGate: {
            name: project.gate ?? DEFAULT_GATE,
            default: project.gate === undefined,
          },
        });
      },
    ),
    http.post(
      `${SONARQUBE_URL}/api/qualitygates/select`,
      async ({ request }) => {
        const denied = await guard(request);
        if (denied) return denied;
        const body = await form(request);
        const project = projects.get(body.get('projectKey')!);
        const gate = body.get('gateName')!;
        if (!project) {
          return error(404, `Project '${body.get('projectKey')}' not found`);
        }
        if (!GATES.includes(gate)) {
          return error(404, `No quality gate has been found for name ${gate}`);
        }
        project.gate = gate;
        return new HttpResponse(null, { status: 204 });
      },
    ),
    http.get(`${SONARQUBE_URL}/api/webhooks/list`, async ({ request }) => {
      const denied = await guard(request);
      if (denied) return denied;
      const project = projects.get(
        new URL(request.url).searchParams.get('project')!,
      );
      if (!project) {
        return error(404, 'Project not found');
      }
      return HttpResponse.json({ webhooks: project.webhooks });
    }),
    http.post(`${SONARQUBE_URL}/api/webhooks/create`, async ({ request }) => {
      const denied = await guard(request);
      if (denied) return denied;
      const body = await form(request);
      const project = projects.get(body.get('project')!);
      if (!project) {
        return error(404, 'Project not found');
      }
      const webhook = {
        key: `AU-Tpxb--iU5OvuD2FL${nextHook++}`,
        name: body.get('name')!,
        url: body.get('url')!,
        hasSecret: body.has('secret'),
      };
      project.webhooks.push(webhook);
      return HttpResponse.json({ webhook });
    }),
  ];
}
