import { http, HttpResponse } from 'msw';
import { ARGOCD_URL } from './testing';

/**
 * A stateful stand-in for the Argo CD application API (get, create with
 * upsert), with bearer-token auth and Argo CD's gRPC-gateway error bodies.
 */
export function fakeArgoCd(
  options: {
    applications?: any[];
    token?: string;
    delayMs?: number;
    url?: string;
  } = {},
) {
  const baseUrl = options.url ?? ARGOCD_URL;
  const apps = new Map<string, any>(
    (options.applications ?? []).map(a => [
      a.metadata.name,
      structuredClone(a),
    ]),
  );
  const guard = async (request: Request) => {
    if (options.delayMs) {
      await new Promise(r => setTimeout(r, options.delayMs));
    }
    if (
      request.headers.get('authorization') !==
      `Bearer ${options.token ?? 'argocd-token-s3cr3t'}`
    ) {
      return HttpResponse.json(
        {
          error: 'invalid session: token signature is invalid',
          code: 16,
          message: 'invalid session: token signature is invalid',
        },
        { status: 401 },
      );
    }
    return undefined;
  };
  const stored = (app: any) => ({
    ...app,
    metadata: {
      namespace: 'argocd',
      uid: '2c3e1a7e-6d2f-4a8a-9a0e-5f4b1b2c3d4e',
      resourceVersion: '123456',
      generation: 1,
      creationTimestamp: '2024-05-02T10:00:00Z',
      ...app.metadata,
    },
    status: app.status ?? {
      sync: {
        status: 'Unknown',
        comparedTo: {
          source: app.spec.source,
          destination: app.spec.destination,
        },
      },
      health: { status: 'Missing' },
      summary: {},
    },
  });

  return [
    http.get(
      `${baseUrl}/api/v1/applications/:name`,
      async ({ request, params }) => {
        const denied = await guard(request);
        if (denied) return denied;
        const app = apps.get(params.name as string);
        if (!app) {
          const message = `applications.argoproj.io "${params.name}" not found`;
          return HttpResponse.json(
            { error: message, code: 5, message },
            { status: 404 },
          );
        }
        return HttpResponse.json(app);
      },
    ),
    http.post(`${baseUrl}/api/v1/applications`, async ({ request }) => {
      const denied = await guard(request);
      if (denied) return denied;
      const upsert = new URL(request.url).searchParams.get('upsert') === 'true';
      const body = (await request.json()) as any;
      const name = body.metadata.name;
      if (apps.has(name) && !upsert) {
        const message =
          'existing application spec is different, use upsert flag to force update';
        return HttpResponse.json(
          { error: message, code: 3, message },
          { status: 400 },
        );
      }
      const app = stored(body);
      apps.set(name, app);
      return HttpResponse.json(app);
    }),
  ];
}
