/*
 * The simulated Jenkinsfile: walks the paved road's stages for one build,
 * producing the SonarQube analysis, the Trivy report, the ECR image, the
 * image tag bump commit, and (through the push) the Argo CD deployment.
 * Outcomes depend only on the seed and the repository content, and can be
 * steered with files under `.simulator/` in the repository.
 */
import { Random, sha256Hex } from '../random';
import type { Clock } from '../types';
import type {
  GitLabProject,
  GitLabSimulator,
  PushEvent,
} from '../gitlab/GitLabSimulator';
import type {
  BuildTrigger,
  JenkinsBuild,
  JenkinsItem,
  JenkinsSimulator,
  JenkinsStage,
} from '../jenkins/JenkinsSimulator';
import {
  IMAGE_TAG_LENGTH,
  PIPELINE_BUMP_MARKER,
  PIPELINE_BUMP_TRAILER,
} from './markers';
import type { SonarQubeSimulator } from '../sonarqube/SonarQubeSimulator';
import type { EcrSimulator } from '../ecr/EcrSimulator';
import type {
  ArgoApplication,
  ArgoCdSimulator,
} from '../argocd/ArgoCdSimulator';
import { parseTrivyIgnore, trivyScan } from './trivy';

/** Stage names and durations (ms at time scale 1), as the skeleton's Jenkinsfile. */
export const STAGES: [string, number][] = [
  ['Checkout', 2000],
  ['Unit tests', 6000],
  ['SonarQube analysis', 5000],
  ['Quality gate', 2000],
  ['Build image', 8000],
  ['Trivy scan', 4000],
  ['Push to ECR', 3000],
  ['Update Helm values', 1000],
  ['Push to GitLab', 1500],
];

/** Marker the pipeline puts in its own commits so they do not build again. */

export const PIPELINE_AUTHOR = {
  name: 'Jenkins',
  email: 'jenkins@slipway.example',
};

export interface Steering {
  unitTests: 'pass' | 'fail';
  qualityGate: 'pass' | 'fail';
  trivy: 'default' | 'critical' | 'clean';
  argocd: 'healthy' | 'degraded';
}

interface Tools {
  gitlab: GitLabSimulator;
  jenkins: JenkinsSimulator;
  sonarqube: SonarQubeSimulator;
  ecr: EcrSimulator;
  argocd: ArgoCdSimulator;
}

class StageFailure extends Error {}

export class PipelineRunner {
  private readonly deployQueues = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly tools: Tools,
    private readonly seed: string,
    private readonly clock: Clock,
    private readonly log: (message: string) => void,
  ) {
    tools.jenkins.onBuild = (job, build, trigger) => {
      const work = this.run(job, build, trigger, this.clock, {
        announce: true,
      }).catch(error =>
        this.log(
          `pipeline: ${tools.jenkins.fullName(job)} #${
            build.number
          } crashed: ${error}`,
        ),
      );
      this.track(work);
    };
    tools.argocd.deploy = (name, revision, initiatedBy) =>
      this.deploy(name, revision, initiatedBy, this.clock);
    tools.gitlab.onPush(event => this.onPush(event));
  }

  /** Resolves when every build and deployment in flight has finished (tests). */
  async idle() {
    for (;;) {
      await this.tools.gitlab.idle();
      if (!this.running.size) return;
      await Promise.all([...this.running]);
    }
  }

  private track(work: Promise<unknown>) {
    this.running.add(work);
    work.finally(() => this.running.delete(work));
  }

  /** Runs every stage of `build` in `clock` time. */
  async run(
    job: JenkinsItem,
    build: JenkinsBuild,
    trigger: BuildTrigger,
    clock: Clock,
    options: { announce: boolean },
  ): Promise<void> {
    const { gitlab, jenkins, sonarqube, ecr } = this.tools;
    const fullName = jenkins.fullName(job);
    const component =
      job.parent?.kind === 'multibranch' ? job.parent.name : job.name;
    build.timestamp = clock.now();
    build.stages = STAGES.map(([name], i) => ({
      id: String(6 + i * 7),
      name,
      status: 'NOT_EXECUTED',
      startTimeMillis: 0,
      durationMillis: 0,
    }));
    const say = (line: string) => build.log.push(line);
    say(`${trigger.cause.shortDescription}`);
    say('[Pipeline] Start of Pipeline');

    const project = this.projectFor(job, trigger);
    let failedAt: JenkinsStage | undefined;
    const ctx: {
      project?: GitLabProject;
      sha?: string;
      branch: string;
      steering?: Steering;
      imageTag?: string;
      imageDigest?: string;
      valueEdits?: { file: string; content: string }[];
    } = { project, branch: trigger.branch ?? project?.defaultBranch ?? 'main' };

    const stages: Record<string, (stage: JenkinsStage) => Promise<void>> = {
      Checkout: async () => {
        if (!ctx.project) {
          throw new StageFailure(
            `ERROR: no GitLab repository found for this job: its config.xml has no <url> pointing at ${gitlab.baseUrl}`,
          );
        }
        const full = gitlab.fullPath(ctx.project);
        ctx.sha =
          trigger.sha ??
          (await gitlab.repos.resolve(full, `refs/heads/${ctx.branch}`));
        if (!ctx.sha)
          throw new StageFailure(
            `ERROR: Couldn't find any revision to build for branch ${ctx.branch}`,
          );
        say(
          `Checking out Revision ${ctx.sha} (refs/remotes/origin/${ctx.branch})`,
        );
        build.revision = {
          sha: ctx.sha,
          branch: ctx.branch,
          remoteUrl: gitlab.gitUrl(ctx.project),
        };
        const previous = job.builds.find(b => b !== build && b.revision)
          ?.revision?.sha;
        const commits = await gitlab.repos.log(
          full,
          previous ? `${previous}..${ctx.sha}` : ctx.sha,
          previous ? 20 : 1,
        );
        build.changes = commits
          .filter(c => !c.message.includes(PIPELINE_BUMP_MARKER))
          .reverse()
          .map(c => ({
            commitId: c.sha,
            msg: c.message.split('\n')[0],
            comment: `${c.message}\n`,
            authorName: c.authorName,
            authorEmail: c.authorEmail,
            timestamp: c.authoredDate.getTime(),
            paths: [],
          }));
        ctx.steering = await this.steering(full, ctx.sha);
      },
      'Unit tests': async () => {
        const random = new Random(`${this.seed}:tests:${ctx.sha}`);
        const total = random.int(120, 480);
        if (ctx.steering!.unitTests === 'fail') {
          say(`Tests: 2 failed, ${total - 2} passed, ${total} total`);
          throw new StageFailure('ERROR: script returned exit code 1');
        }
        say(`Tests: ${total} passed, ${total} total`);
      },
      'SonarQube analysis': async () => {
        const full = gitlab.fullPath(ctx.project!);
        const props = await gitlab.repos.readFile(
          full,
          ctx.sha!,
          'sonar-project.properties',
        );
        const key =
          /^sonar\.projectKey\s*=\s*(.+)$/m.exec(props ?? '')?.[1]?.trim() ??
          component;
        const measures = this.measures(
          ctx.sha!,
          ctx.steering!.qualityGate === 'fail',
        );
        const analysis = sonarqube.recordAnalysis(key, {
          revision: ctx.sha!,
          date: clock.now(),
          version: `1.0.${build.number}`,
          measures,
        });
        say(
          `ANALYSIS SUCCESSFUL, you can find the results at: ${sonarqube.baseUrl}/dashboard?id=${key}`,
        );
        (ctx as any).analysis = { key, analysis };
        if (options.announce) {
          await sonarqube.notifyWebhooks(
            key,
            analysis,
            `AY${sha256Hex(`${key}${build.number}`).slice(0, 18)}`,
          );
        }
      },
      'Quality gate': async () => {
        const { analysis } = (ctx as any).analysis;
        say(
          `Checking status of SonarQube task ... Status is '${analysis.gateStatus}'`,
        );
        if (analysis.gateStatus !== 'OK') {
          throw new StageFailure(
            `Pipeline aborted due to quality gate failure: ${analysis.gateStatus}`,
          );
        }
      },
      'Build image': async () => {
        ctx.imageTag = ctx.sha!.slice(0, IMAGE_TAG_LENGTH);
        ctx.imageDigest = `sha256:${sha256Hex(
          `${this.seed}:image:${component}:${ctx.sha}`,
        )}`;
        say(
          `Successfully built ${ecr.repositoryUri(component)}:${ctx.imageTag}`,
        );
      },
      'Trivy scan': async () => {
        const full = gitlab.fullPath(ctx.project!);
        const ignore = await gitlab.repos.readFile(
          full,
          ctx.sha!,
          '.trivyignore',
        );
        const scan = trivyScan({
          mode: ctx.steering!.trivy,
          ignored: parseTrivyIgnore(ignore, clock.now()),
          key: `${this.seed}:${component}:${ctx.sha}`,
          imageRef: `${ecr.repositoryUri(component)}:${ctx.imageTag}`,
          imageDigest: ctx.imageDigest!,
          createdAt: clock.now(),
        });
        build.artifacts.set(
          'trivy-report.json',
          JSON.stringify(scan.report, null, 2),
        );
        (ctx as any).scan = scan;
        const c = scan.counts;
        say(
          `Total: ${c.CRITICAL + c.HIGH + c.MEDIUM + c.LOW} (LOW: ${
            c.LOW
          }, MEDIUM: ${c.MEDIUM}, HIGH: ${c.HIGH}, CRITICAL: ${c.CRITICAL})`,
        );
        say('Archiving artifacts');
        if (c.CRITICAL > 0) {
          throw new StageFailure(
            `ERROR: Trivy found ${c.CRITICAL} CRITICAL vulnerabilities; see trivy-report.json`,
          );
        }
      },
      'Push to ECR': async () => {
        const repo = ecr.repositories.get(component);
        if (!repo) {
          throw new StageFailure(
            `name unknown: The repository with name '${component}' does not exist in the registry with id '${ecr.registryId}'`,
          );
        }
        const scan = (ctx as any).scan;
        ecr.pushImage(component, {
          imageDigest: ctx.imageDigest!,
          imageTags: [ctx.imageTag!],
          imageSizeInBytes:
            new Random(ctx.imageDigest!).int(48, 96) * 1024 * 1024,
          imagePushedAt: clock.now(),
          ...(repo.scanOnPush
            ? {
                scan: {
                  completedAt: clock.now() + 20000,
                  findings: scan.ecrFindings,
                },
              }
            : {}),
        });
        say(`${ctx.imageTag}: digest: ${ctx.imageDigest} size: 2419`);
      },
      'Update Helm values': async () => {
        const files = await this.valuesFiles(ctx.project!, ctx.sha!);
        if (!files.length) {
          throw new StageFailure(
            "ERROR: no Helm values file with an image.tag to update (looked at the Argo CD application's valueFiles and chart/values*.yaml)",
          );
        }
        ctx.valueEdits = files.map(f => ({ file: f, content: '' }));
        say(`Setting image.tag=${ctx.imageTag} in ${files.join(', ')}`);
      },
      'Push to GitLab': async () => {
        const full = gitlab.fullPath(ctx.project!);
        const before = await gitlab.repos.resolve(
          full,
          `refs/heads/${ctx.project!.defaultBranch}`,
        );
        const result = await gitlab.repos.commitFiles(
          full,
          ctx.project!.defaultBranch,
          async read => {
            const changes = [];
            for (const edit of ctx.valueEdits!) {
              const current = await read(edit.file);
              if (current === undefined) continue;
              const next = setImageTag(current, ctx.imageTag!);
              if (next !== current)
                changes.push({ path: edit.file, content: next });
            }
            return changes;
          },
          {
            message: `chore(deploy): ${component} image ${ctx.imageTag} ${PIPELINE_BUMP_MARKER}\n\nBuilt by ${fullName} #${build.number}.\n\n${PIPELINE_BUMP_TRAILER}`,
            author: PIPELINE_AUTHOR,
            date: new Date(clock.now()),
          },
        );
        say(
          `To ${gitlab.gitUrl(ctx.project!)}\n   ${(result.parent ?? '').slice(
            0,
            7,
          )}..${result.sha.slice(0, 7)}  HEAD -> ${ctx.project!.defaultBranch}${
            result.attempts > 1
              ? ` (after ${result.attempts - 1} retries on a concurrent push)`
              : ''
          }`,
        );
        (ctx as any).bump = {
          before: result.parent ?? before,
          after: result.sha,
        };
        if (options.announce) {
          const user =
            gitlab.users.find(u => u.username === 'jenkins') ?? gitlab.users[0];
          gitlab.announcePush({
            project: ctx.project!,
            before: result.parent ?? ''.padEnd(40, '0'),
            after: result.sha,
            ref: `refs/heads/${ctx.project!.defaultBranch}`,
            user,
          });
        }
      },
    };

    const deploys = ctx.branch === (project?.defaultBranch ?? 'main');
    for (const [index, [name, duration]] of STAGES.entries()) {
      const stage = build.stages[index];
      if (failedAt) break;
      if (
        !deploys &&
        ['Push to ECR', 'Update Helm values', 'Push to GitLab'].includes(name)
      ) {
        say(`Stage "${name}" skipped due to when conditional`);
        continue;
      }
      stage.status = 'IN_PROGRESS';
      stage.startTimeMillis = clock.now();
      say(`[Pipeline] { (${name})`);
      const random = new Random(
        `${this.seed}:${fullName}:${build.number}:${name}`,
      );
      await clock.sleep(Math.round(duration * (0.75 + random.next() / 2)));
      try {
        await stages[name](stage);
        stage.status = 'SUCCESS';
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        say(message);
        stage.status = 'FAILED';
        stage.error = { message, type: 'hudson.AbortException' };
        failedAt = stage;
        if (!(error instanceof StageFailure))
          this.log(
            `pipeline: ${fullName} #${build.number} ${name}: ${message}`,
          );
      }
      stage.durationMillis = clock.now() - stage.startTimeMillis;
      say('[Pipeline] }');
    }
    build.result = failedAt ? 'FAILURE' : 'SUCCESS';
    build.duration = clock.now() - build.timestamp;
    build.building = false;
    say(`Finished: ${build.result}`);
    this.log(
      `pipeline: ${fullName} #${build.number} ${build.result}${
        failedAt ? ` at ${failedAt.name}` : ''
      }`,
    );
  }

  /** GitOps side: applications tracking a pushed branch re-sync when their path changed. */
  async onPush(event: PushEvent) {
    const { gitlab, argocd } = this.tools;
    if (!event.ref.startsWith('refs/heads/') || /^0+$/.test(event.after))
      return;
    const branch = event.ref.slice('refs/heads/'.length);
    const apps = argocd.appsForRepo(
      [
        gitlab.gitUrl(event.project),
        `${gitlab.baseUrl}/${gitlab.fullPath(event.project)}`,
      ],
      branch,
      event.project.defaultBranch,
    );
    if (!apps.length) return;
    const changed = await gitlab.repos.changedFiles(
      gitlab.fullPath(event.project),
      event.before,
      event.after,
    );
    for (const app of apps) {
      const sourcePath = (app.spec.source?.path ?? '')
        .replace(/^\.?\/?/, '')
        .replace(/\/$/, '');
      if (changed.some(f => !sourcePath || f.startsWith(`${sourcePath}/`))) {
        this.track(
          this.deploy(
            app.metadata.name,
            event.after,
            { automated: true },
            this.clock,
          ),
        );
      }
    }
  }

  /**
   * One Argo CD sync: OutOfSync → (sync) Synced + Progressing → Healthy or
   * Degraded, with a history entry. Syncs of one application are queued.
   */
  deploy(
    name: string,
    revision: string | undefined,
    initiatedBy: { automated?: boolean; username?: string },
    clock: Clock,
  ): Promise<void> {
    const previous = this.deployQueues.get(name) ?? Promise.resolve();
    const next = previous
      .then(() => this.syncApplication(name, revision, initiatedBy, clock))
      .catch(error => this.log(`argocd: sync of ${name} failed: ${error}`));
    this.deployQueues.set(name, next);
    return next;
  }

  private async syncApplication(
    name: string,
    revisionArg: string | undefined,
    initiatedBy: { automated?: boolean; username?: string },
    clock: Clock,
  ) {
    const { argocd, gitlab } = this.tools;
    const app = argocd.applications.get(name);
    if (!app?.spec.source) return;
    const project = gitlab.projectByUrl(app.spec.source.repoURL);
    if (!project) {
      app.status.sync = { ...app.status.sync, status: 'Unknown' };
      app.status.conditions = [
        {
          type: 'ComparisonError',
          message: `Failed to load target state: repository not found: ${app.spec.source.repoURL}`,
          lastTransitionTime: iso(clock.now()),
        },
      ];
      return;
    }
    const full = gitlab.fullPath(project);
    const target =
      app.spec.source.targetRevision &&
      app.spec.source.targetRevision !== 'HEAD'
        ? app.spec.source.targetRevision
        : project.defaultBranch;
    const revision =
      revisionArg ?? (await gitlab.repos.resolve(full, `refs/heads/${target}`));
    if (!revision) return;
    const source = app.spec.source;
    const set = (patch: Record<string, unknown>) => {
      Object.assign(app.status, patch);
      app.status.reconciledAt = iso(clock.now());
      argocd.bump(app);
    };

    set({
      sync: {
        status: 'OutOfSync',
        revision: app.status.sync?.revision,
        comparedTo: { source, destination: app.spec.destination },
      },
    });
    await clock.sleep(3000);

    const started = clock.now();
    set({
      operationState: {
        operation: {
          sync: { revision, syncStrategy: { hook: {} } },
          initiatedBy,
          retry: {},
        },
        phase: 'Running',
        message: `waiting for completion of hook /Deployment/${name}`,
        startedAt: iso(started),
      },
    });
    await clock.sleep(2000);
    const finished = clock.now();
    const steering = await this.steering(full, revision);
    const valuesFiles = (source.helm?.valueFiles ?? ['values.yaml']).map(f =>
      joinPath(source.path ?? '', f),
    );
    let tag: string | undefined;
    for (const f of valuesFiles) {
      const content = await gitlab.repos.readFile(full, revision, f);
      tag = (content && readImageTag(content)) ?? tag;
    }
    const history: any[] = app.status.history ?? [];
    history.push({
      revision,
      deployedAt: iso(finished),
      id: (history[history.length - 1]?.id ?? -1) + 1,
      source,
      deployStartedAt: iso(started),
      initiatedBy,
    });
    while (history.length > 10) history.shift();
    const image = tag
      ? `${this.tools.ecr.repositoryUri(name)}:${tag}`
      : undefined;
    const namespace = app.spec.destination.namespace ?? name;
    set({
      sync: {
        status: 'Synced',
        revision,
        comparedTo: { source, destination: app.spec.destination },
      },
      health: {
        status: 'Progressing',
        message: `Waiting for rollout to finish: 1 old replicas are pending termination...`,
      },
      history,
      operationState: {
        operation: {
          sync: { revision, syncStrategy: { hook: {} } },
          initiatedBy,
          retry: {},
        },
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        syncResult: {
          resources: this.resources(name, namespace, 'Synced'),
          revision,
          source,
        },
        startedAt: iso(started),
        finishedAt: iso(finished),
      },
      summary: image ? { images: [image] } : {},
      resources: this.resources(name, namespace, 'Progressing'),
      conditions: undefined,
    });
    await clock.sleep(5000);
    const degraded = steering.argocd === 'degraded';
    set({
      health: degraded
        ? {
            status: 'Degraded',
            message: `Deployment "${name}" exceeded its progress deadline`,
          }
        : { status: 'Healthy' },
      resources: this.resources(
        name,
        namespace,
        degraded ? 'Degraded' : 'Healthy',
      ),
    });
    this.log(
      `argocd: ${name} synced to ${revision.slice(0, 8)}, ${
        degraded ? 'Degraded' : 'Healthy'
      }`,
    );
  }

  private resources(name: string, namespace: string, state: string) {
    const health = state === 'Synced' ? undefined : { status: state };
    return [
      {
        group: '',
        version: 'v1',
        kind: 'Service',
        namespace,
        name,
        status: 'Synced',
        ...(health ? { health: { status: 'Healthy' } } : {}),
      },
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace,
        name,
        status: 'Synced',
        ...(health ? { health } : {}),
      },
    ];
  }

  private projectFor(
    job: JenkinsItem,
    trigger: BuildTrigger,
  ): GitLabProject | undefined {
    const { gitlab } = this.tools;
    if (trigger.projectPath) {
      const found = gitlab.findProject(trigger.projectPath);
      if (found) return found;
    }
    const config =
      job.parent?.kind === 'multibranch' ? job.parent.configXml : job.configXml;
    for (const m of config.matchAll(
      /<(?:url|remote|serverUrl|projectPath)>([^<]+)<\/(?:url|remote|serverUrl|projectPath)>/g,
    )) {
      const found =
        gitlab.projectByUrl(m[1].trim()) ?? gitlab.findProject(m[1].trim());
      if (found) return found;
    }
    return undefined;
  }

  private async steering(fullPath: string, sha: string): Promise<Steering> {
    const read = async (name: string) =>
      (
        await this.tools.gitlab.repos.readFile(
          fullPath,
          sha,
          `.simulator/${name}`,
        )
      )
        ?.trim()
        .toLowerCase();
    const [unitTests, qualityGate, trivy, argocd] = await Promise.all([
      read('unit-tests'),
      read('quality-gate'),
      read('trivy'),
      read('argocd'),
    ]);
    return {
      unitTests: unitTests === 'fail' ? 'fail' : 'pass',
      qualityGate: qualityGate === 'fail' ? 'fail' : 'pass',
      trivy: trivy === 'critical' || trivy === 'clean' ? trivy : 'default',
      argocd: argocd === 'degraded' ? 'degraded' : 'healthy',
    };
  }

  private measures(sha: string, failGate: boolean): Record<string, string> {
    const r = new Random(`${this.seed}:sonar:${sha}`);
    const ncloc = r.int(2400, 9800);
    const coverage = failGate ? 58 + r.next() * 8 : 74 + r.next() * 16;
    const newCoverage = failGate ? 41 + r.next() * 20 : 82 + r.next() * 15;
    const bugs = r.int(0, 3);
    const vulnerabilities = r.int(0, 1);
    const smells = r.int(4, 60);
    const rating = (n: number) => `${Math.min(n, 2) + 1}.0`;
    return {
      bugs: String(bugs),
      new_bugs: failGate ? '1' : '0',
      vulnerabilities: String(vulnerabilities),
      new_vulnerabilities: '0',
      code_smells: String(smells),
      new_code_smells: String(failGate ? r.int(3, 9) : r.int(0, 2)),
      security_hotspots: String(r.int(0, 3)),
      security_hotspots_reviewed: '100.0',
      new_security_hotspots_reviewed: '100.0',
      coverage: coverage.toFixed(1),
      new_coverage: newCoverage.toFixed(1),
      duplicated_lines_density: (r.next() * 4).toFixed(1),
      new_duplicated_lines_density: (r.next() * 2.5).toFixed(1),
      ncloc: String(ncloc),
      lines: String(Math.round(ncloc * 1.3)),
      tests: String(r.int(120, 480)),
      reliability_rating: rating(bugs),
      new_reliability_rating: failGate ? '3.0' : '1.0',
      security_rating: rating(vulnerabilities),
      new_security_rating: '1.0',
      sqale_rating: '1.0',
      new_maintainability_rating: '1.0',
      security_review_rating: '1.0',
      new_security_review_rating: '1.0',
      sqale_index: String(smells * 12),
      new_technical_debt: String(failGate ? r.int(30, 90) : r.int(0, 20)),
      violations: String(bugs + vulnerabilities + smells),
      new_violations: String(failGate ? r.int(3, 9) : 0),
    };
  }

  /** Values files to bump: the Argo CD application's valueFiles, else chart/values*.yaml. */
  private async valuesFiles(
    project: GitLabProject,
    sha: string,
  ): Promise<string[]> {
    const { gitlab, argocd } = this.tools;
    const full = gitlab.fullPath(project);
    const apps: ArgoApplication[] = argocd.appsForRepo(
      [gitlab.gitUrl(project), `${gitlab.baseUrl}/${full}`],
      project.defaultBranch,
      project.defaultBranch,
    );
    const candidates = apps.length
      ? apps.flatMap(a =>
          (a.spec.source?.helm?.valueFiles ?? ['values.yaml']).map(f =>
            joinPath(a.spec.source?.path ?? '', f),
          ),
        )
      : (await gitlab.repos.listFiles(full, sha)).filter(f =>
          /^chart\/values[^/]*\.ya?ml$/.test(f),
        );
    const result: string[] = [];
    for (const file of [...new Set(candidates)]) {
      const content = await gitlab.repos.readFile(full, sha, file);
      if (content !== undefined && readImageTag(content) !== undefined)
        result.push(file);
    }
    return result;
  }
}

/** Sets `image.tag` in a values YAML by editing the line, keeping comments. */
export function setImageTag(yaml: string, tag: string): string {
  const lines = yaml.split('\n');
  let inImage = false;
  let imageIndent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const indent = line.length - line.trimStart().length;
    if (/^\s*image:\s*(#.*)?$/.test(line)) {
      inImage = true;
      imageIndent = indent;
      continue;
    }
    if (inImage && line.trim() && indent <= imageIndent) inImage = false;
    const m = /^(\s*)tag:\s*(?:"[^"]*"|'[^']*'|[^#\s]*)(\s*#.*)?$/.exec(line);
    if (inImage && m) {
      lines[i] = `${m[1]}tag: "${tag}"${m[2] ?? ''}`;
      return lines.join('\n');
    }
  }
  return yaml;
}

export function readImageTag(yaml: string): string | undefined {
  const lines = yaml.split('\n');
  let inImage = false;
  let imageIndent = -1;
  for (const line of lines) {
    const indent = line.length - line.trimStart().length;
    if (/^\s*image:\s*(#.*)?$/.test(line)) {
      inImage = true;
      imageIndent = indent;
      continue;
    }
    if (inImage && line.trim() && indent <= imageIndent) inImage = false;
    const m = /^\s*tag:\s*("([^"]*)"|'([^']*)'|([^#\s]*))/.exec(line);
    if (inImage && m) return m[2] ?? m[3] ?? m[4] ?? '';
  }
  return undefined;
}

function joinPath(dir: string, file: string) {
  const d = dir.replace(/^\.?\/?/, '').replace(/\/$/, '');
  return d ? `${d}/${file}` : file;
}

function iso(ms: number) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
