import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ArgoCdSimulator } from './argocd/ArgoCdSimulator';
import { EcrSimulator } from './ecr/EcrSimulator';
import { GitLabSimulator } from './gitlab/GitLabSimulator';
import { createServer, listen, Router, sendJson } from './http';
import { JenkinsSimulator } from './jenkins/JenkinsSimulator';
import { PipelineRunner } from './pipeline/PipelineRunner';
import { seedTools } from './seed/seed';
import {
  createTemplatesRepository,
  TemplatesRepository,
} from './seed/templates';
import { SonarQubeSimulator } from './sonarqube/SonarQubeSimulator';
import {
  DEFAULT_CREDENTIALS,
  DEFAULT_PORTS,
  RealClock,
  SimulatorCredentials,
  SimulatorOptions,
  ToolName,
} from './types';

/** A running simulator. */
export interface RunningSimulator {
  /** Base URL of each tool, e.g. `{ jenkins: 'http://127.0.0.1:7101' }`. */
  urls: Record<ToolName, string>;
  credentials: SimulatorCredentials;
  /** Folder holding the bare git repositories. */
  dataDir: string;
  /**
   * The GitLab project serving the software templates (see
   * `SimulatorOptions.templates`), if any.
   */
  templates?: TemplatesRepository;
  /** In-process access to the tools' state, for tests. */
  tools: {
    gitlab: GitLabSimulator;
    jenkins: JenkinsSimulator;
    sonarqube: SonarQubeSimulator;
    argocd: ArgoCdSimulator;
    ecr: EcrSimulator;
  };
  /** Resolves once every build, webhook and sync in flight has finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts GitLab, Jenkins, SonarQube, Argo CD and ECR stand-ins in this
 * process, each on its own loopback port, optionally seeded with the
 * example components' history.
 */
export async function startSimulator(
  options: SimulatorOptions = {},
): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
    throw new Error(
      `The toolchain simulator only listens on loopback; host '${host}' is not allowed (use 127.0.0.1)`,
    );
  }
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale >= 0)) {
    throw new Error(
      `timeScale must be a number >= 0, got ${options.timeScale}`,
    );
  }
  const credentials: SimulatorCredentials = {
    gitlab: { ...DEFAULT_CREDENTIALS.gitlab, ...options.credentials?.gitlab },
    jenkins: {
      ...DEFAULT_CREDENTIALS.jenkins,
      ...options.credentials?.jenkins,
    },
    sonarqube: {
      ...DEFAULT_CREDENTIALS.sonarqube,
      ...options.credentials?.sonarqube,
    },
    argocd: { ...DEFAULT_CREDENTIALS.argocd, ...options.credentials?.argocd },
    aws: { ...DEFAULT_CREDENTIALS.aws, ...options.credentials?.aws },
  };
  const log = options.log ?? (() => {});
  const ownsDataDir = !options.dataDir;
  const dataDir =
    options.dataDir ??
    (await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-simulator-')));
  await fs.mkdir(path.join(dataDir, 'repos'), { recursive: true });

  const tools = {
    gitlab: new GitLabSimulator(
      path.join(dataDir, 'repos'),
      credentials.gitlab,
      log,
    ),
    jenkins: new JenkinsSimulator(credentials.jenkins, log),
    sonarqube: new SonarQubeSimulator(credentials.sonarqube.token, log),
    argocd: new ArgoCdSimulator(credentials.argocd, log),
    ecr: new EcrSimulator(credentials.aws, log),
  };
  const clock = new RealClock(timeScale);
  const seed = options.seed === false ? 'slipway' : options.seed ?? 'slipway';
  const runner = new PipelineRunner(tools, seed, clock, log);

  tools.argocd.revisionLookup = async (repoURL, revision) => {
    const project = tools.gitlab.projectByUrl(repoURL);
    if (!project) return undefined;
    const full = tools.gitlab.fullPath(project);
    const sha = await tools.gitlab.repos.resolve(full, revision);
    const commit = sha ? await tools.gitlab.repos.commit(full, sha) : undefined;
    if (!commit) return undefined;
    return {
      author: `${commit.authorName} <${commit.authorEmail}>`,
      date: commit.authoredDate.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      message: commit.message,
    };
  };

  const servers: http.Server[] = [];
  const urls = {} as Record<ToolName, string>;
  const state = { ready: false };
  const onError = (error: unknown) =>
    log(
      `simulator: request failed: ${
        error instanceof Error ? error.stack : error
      }`,
    );
  try {
    for (const name of Object.keys(DEFAULT_PORTS) as ToolName[]) {
      const tool = tools[name];
      const router = withControl(tool.router, name, tools, state);
      const server = createServer(name, router, onError);
      servers.push(server);
      urls[name] = await listen(
        server,
        options.ports?.[name] ?? DEFAULT_PORTS[name],
        host === 'localhost' ? '127.0.0.1' : host,
      );
      tool.baseUrl = urls[name];
    }
  } catch (error) {
    await Promise.all(servers.map(s => closeServer(s)));
    throw error;
  }

  let templates: TemplatesRepository | undefined;
  try {
    if (options.seed !== false) {
      await seedTools(tools, runner, {
        seed,
        now: (options.now ?? new Date()).getTime(),
      });
    }
    const templatesOptions =
      options.templates ?? (options.seed === false ? false : {});
    if (templatesOptions) {
      templates = await createTemplatesRepository(
        tools.gitlab,
        templatesOptions,
        log,
      );
    }
  } catch (error) {
    clock.stop();
    await Promise.all(servers.map(s => closeServer(s)));
    if (ownsDataDir) await fs.rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  state.ready = true;
  log(`simulator: ready ${JSON.stringify(urls)}`);

  let stopped = false;
  return {
    urls,
    credentials,
    dataDir,
    tools,
    templates,
    idle: () => runner.idle(),
    async stop() {
      if (stopped) return;
      stopped = true;
      templates?.close();
      clock.stop();
      await Promise.all(servers.map(s => closeServer(s)));
      if (ownsDataDir) await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Adds `/_simulator/...` control endpoints (loopback only, no auth) in
 * front of a tool's own routes.
 */
function withControl(
  toolRouter: Router,
  name: ToolName,
  tools: RunningSimulator['tools'],
  state: { ready: boolean },
): Router {
  const router = new Router();
  // 503 until every tool is seeded, so `yarn start` can wait for it
  router.get('/_simulator/health', (_req, res) =>
    state.ready
      ? sendJson(res, 200, { tool: name, status: 'UP' })
      : sendJson(res, 503, { tool: name, status: 'STARTING' }),
  );
  if (name === 'argocd') {
    router.post('/_simulator/argocd/fail-next-create', async (req, res) => {
      const body = await req.json().catch(() => ({}));
      const times = Number(body.times ?? req.query.get('times') ?? 1);
      if (!Number.isInteger(times) || times < 0) {
        sendJson(res, 400, { error: '`times` must be a non-negative integer' });
        return;
      }
      tools.argocd.failNextCreates = times;
      sendJson(res, 200, { failNextCreates: times });
    });
  }
  router.otherwise((req, res) => toolRouter.handle(req.raw, res));
  return router;
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise(resolve => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
