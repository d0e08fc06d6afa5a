import { http, HttpResponse } from 'msw';
import { JENKINS_URL } from './testing';

const CLASS_BY_ROOT: Record<string, string> = {
  'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject':
    'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject',
  'flow-definition': 'org.jenkinsci.plugins.workflow.job.WorkflowJob',
  'com.cloudbees.hudson.plugins.folder.Folder':
    'com.cloudbees.hudson.plugins.folder.Folder',
};
const FOLDER = 'com.cloudbees.hudson.plugins.folder.Folder';

type Item = { className: string; configXml: string };

/**
 * A stateful stand-in for the Jenkins REST API: `api/json`, `config.xml`
 * and `createItem`, with Basic auth, items in folders, and Jenkins' own
 * answers (404 for a missing item, 400 with `X-Error` for a taken name).
 */
export function fakeJenkins(
  options: {
    items?: Record<string, Item>;
    apiKey?: string;
    delayMs?: number;
  } = {},
) {
  const items = new Map<string, Item>(Object.entries(options.items ?? {}));
  const expectedAuth = `Basic ${Buffer.from(
    `backstage:${options.apiKey ?? 'jenkins-api-token-s3cr3t'}`,
  ).toString('base64')}`;

  const parse = (url: URL) => {
    const segments = url.pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    const path: string[] = [];
    while (segments[0] === 'job' && segments.length >= 2) {
      path.push(segments[1]);
      segments.splice(0, 2);
    }
    return { path, rest: segments.join('/') };
  };
  const jobJson = (fullName: string, item: Item) => ({
    _class: item.className,
    name: fullName.split('/').pop(),
    fullName,
    url: `${JENKINS_URL}/${fullName
      .split('/')
      .map(n => `job/${encodeURIComponent(n)}/`)
      .join('')}`,
    jobs: [...items.entries()]
      .filter(
        ([name]) =>
          name.startsWith(`${fullName}/`) &&
          !name.slice(fullName.length + 1).includes('/'),
      )
      .map(([name, child]) => ({
        _class: child.className,
        name: name.split('/').pop(),
      })),
  });
  const unauthorized = () =>
    new HttpResponse(
      '<html><head><title>Error 401 Invalid password/token for user: backstage</title></head></html>',
      { status: 401, headers: { 'Content-Type': 'text/html;charset=utf-8' } },
    );
  const wait = async () => {
    if (options.delayMs) {
      await new Promise(resolve => setTimeout(resolve, options.delayMs));
    }
  };

  return [
    http.get(`${JENKINS_URL}/*`, async ({ request }) => {
      await wait();
      if (request.headers.get('authorization') !== expectedAuth) {
        return unauthorized();
      }
      const { path, rest } = parse(new URL(request.url));
      const fullName = path.join('/');
      const item = items.get(fullName);
      if (!item) {
        return new HttpResponse('<html><body>Not Found</body></html>', {
          status: 404,
          headers: { 'Content-Type': 'text/html' },
        });
      }
      if (rest === 'api/json') {
        return HttpResponse.json(jobJson(fullName, item));
      }
      if (rest === 'config.xml') {
        return new HttpResponse(item.configXml, {
          headers: { 'Content-Type': 'application/xml' },
        });
      }
      return new HttpResponse(null, { status: 404 });
    }),
    http.post(`${JENKINS_URL}/*`, async ({ request }) => {
      await wait();
      if (request.headers.get('authorization') !== expectedAuth) {
        return unauthorized();
      }
      const url = new URL(request.url);
      const { path, rest } = parse(url);
      if (rest !== 'createItem') {
        return new HttpResponse(null, { status: 404 });
      }
      const parent = path.join('/');
      if (parent && items.get(parent)?.className !== FOLDER) {
        return new HttpResponse(null, { status: 404 });
      }
      const name = url.searchParams.get('name') ?? '';
      const fullName = parent ? `${parent}/${name}` : name;
      if (items.has(fullName)) {
        return new HttpResponse(
          '<html><body>A job already exists</body></html>',
          {
            status: 400,
            headers: {
              'Content-Type': 'text/html',
              'X-Error': `A job already exists with the name ‘${name}’`,
            },
          },
        );
      }
      const body = await request.text();
      const root = /<([A-Za-z][\w.-]*)[\s>]/.exec(
        body.replace(/<\?xml[^>]*\?>/, ''),
      )?.[1];
      if (!root || !CLASS_BY_ROOT[root]) {
        return new HttpResponse('Unsupported config.xml', { status: 400 });
      }
      // Jenkins stores what it was sent and writes it back as XML 1.1.
      items.set(fullName, {
        className: CLASS_BY_ROOT[root],
        configXml: body.replace(
          /<\?xml[^>]*\?>/,
          "<?xml version='1.1' encoding='UTF-8'?>",
        ),
      });
      return new HttpResponse(null, { status: 200 });
    }),
  ];
}

export const folderItem: Item = {
  className: FOLDER,
  configXml:
    "<?xml version='1.1' encoding='UTF-8'?>\n<com.cloudbees.hudson.plugins.folder.Folder plugin=\"cloudbees-folder\"><description/></com.cloudbees.hudson.plugins.folder.Folder>",
};
