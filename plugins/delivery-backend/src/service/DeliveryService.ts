import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  argoCdHealthToPipelineStatus,
  argoCdSyncToPipelineStatus,
  ARGOCD_APP_NAME_ANNOTATION,
  ARGOCD_APP_SELECTOR_ANNOTATION,
  ArgoCdApplicationReference,
  ArgoCdSourceData,
  DeliveryRunsResponse,
  DeliverySource,
  DeliverySummaryResponse,
  DeliveryVulnerabilitiesResponse,
  DeploymentInfo,
  DeploymentState,
  ECR_REPOSITORY_ARN_ANNOTATION,
  EcrRepositoryReference,
  EcrSourceData,
  getArgoCdApplicationReference,
  getEcrRepositoryReference,
  getJenkinsJobReference,
  getSonarQubeProjectReference,
  ImageInfo,
  InvalidAnnotationError,
  JENKINS_JOB_FULL_NAME_ANNOTATION,
  JenkinsJobReference,
  JenkinsSourceData,
  PipelineRun,
  PipelineStage,
  PipelineStatus,
  QualityGateStatus,
  QualityReport,
  SONARQUBE_PROJECT_KEY_ANNOTATION,
  SonarQubeSourceData,
  SourceResult,
  TrivySourceData,
  VULNERABILITY_SEVERITIES,
  VulnerabilityFinding,
  VulnerabilityReport,
  VulnerabilitySummary,
} from '@slipway/plugin-delivery-common';
import {
  ArgoCdClient,
  DeliveryClients,
  EcrImage,
  EcrRepository,
  EcrRepositoryTarget,
  EcrScanFindings,
  InstanceNotConfiguredError,
  isUpstreamError,
  JenkinsBuild,
  JenkinsBuildList,
  JenkinsClient,
  JenkinsRunStages,
  SonarQubeClient,
  toSeverity,
  TrivyReport,
} from '@slipway/plugin-delivery-node';
import { CoalescingCache } from './CoalescingCache';
import { NotConfigured } from './NotConfigured';
import { SerializedBody, SummaryBodyCache } from './SummaryBodyCache';

/**
 * Options of {@link DeliveryService}.
 */
export type DeliveryServiceOptions = {
  clients: DeliveryClients;
  cache: CoalescingCache;
  logger: LoggerService;
  /** Removes configured secrets from any text that leaves the backend. */
  redact: (text: string) => string;
  /** The GitLab web URL, for commit links. */
  gitlabBaseUrl?: string;
  /** How long a serialised summary is reused; 0 turns it off. */
  summaryTtlMs?: number;
};

const SOURCES = ['jenkins', 'sonarqube', 'trivy', 'argocd', 'ecr'] as const;
/** How many recent builds the summary reads (to find the latest report). */
const SUMMARY_BUILDS = 5;
const TRIVY_REPORT = 'trivy-report.json';
/** The image tag is the commit's first 8 characters (the skeleton's Jenkinsfile). */
const SHORT_SHA_LENGTH = 8;

/**
 * What the summary asks for before it knows the newest build's number and
 * commit, in the same round as the build list: the `lastBuild` permalink's
 * stages and Trivy report, and the newest image in ECR. Each is used only
 * when it agrees with the build list (see `stagesFor`, `trivyFor`,
 * `imageFor`); otherwise the build is read by number, a second round that
 * only a build starting at that moment, a multibranch job or a re-pushed
 * image costs.
 */
type FirstRound = {
  lastStages?: Promise<JenkinsRunStages | undefined>;
  lastTrivy?: Promise<TrivyReport | undefined>;
  latestImage?: Promise<EcrImage | undefined>;
};

/**
 * Reads an entity's delivery data from Jenkins, SonarQube, Trivy reports,
 * Argo CD and ECR: every source in parallel, each upstream answer cached and
 * coalesced, one source's failure kept to that source.
 */
export class DeliveryService {
  private readonly summaries: SummaryBodyCache;

  constructor(private readonly options: DeliveryServiceOptions) {
    this.summaries = new SummaryBodyCache(options.summaryTtlMs ?? 0);
  }

  /**
   * The summary, serialised, reused for a few seconds per entity (its ref and
   * annotations): the caller must have read the entity with their own
   * credentials first.
   */
  async getSummaryBody(entity: Entity): Promise<SerializedBody> {
    const key = JSON.stringify([
      stringifyEntityRef(entity),
      entity.metadata.annotations ?? {},
    ]);
    return this.summaries.get(key, async () => {
      const summary = await this.getSummary(entity);
      const failed = SOURCES.some(s => summary[s].status === 'error');
      return { value: summary, keep: !failed };
    });
  }

  /** One result per source; never throws for an upstream failure. */
  async getSummary(entity: Entity): Promise<DeliverySummaryResponse> {
    const entityRef = stringifyEntityRef(entity);
    const round = this.firstRound(entity);
    const [jenkins, sonarqube, trivy, argocd, ecr] = await Promise.all([
      this.source(entityRef, 'jenkins', () =>
        this.jenkinsSource(entity, round),
      ),
      this.source(entityRef, 'sonarqube', () => this.sonarQubeSource(entity)),
      this.source(entityRef, 'trivy', () => this.trivySource(entity, round)),
      this.source(entityRef, 'argocd', () => this.argoCdSource(entity)),
      this.source(entityRef, 'ecr', () => this.ecrSource(entity, round)),
    ]);
    return { entityRef, jenkins, sonarqube, trivy, argocd, ecr };
  }

  /**
   * The recent runs of the entity's Jenkins job, newest first.
   *
   * @throws NotFoundError when the entity has no Jenkins job or it does not exist
   * @throws ServiceUnavailableError when Jenkins fails
   */
  async getRuns(entity: Entity, limit: number): Promise<DeliveryRunsResponse> {
    const entityRef = stringifyEntityRef(entity);
    return this.asRequestError(async () => {
      const jenkins = this.requireJenkins(entity);
      const list = await this.listBuilds(jenkins, limit);
      const runs = await this.toRuns(entity, jenkins, list);
      return { entityRef, runs };
    });
  }

  /**
   * The findings of one run: its Trivy report, else the ECR scan of its image,
   * sorted by severity, then fixable first.
   *
   * @throws NotFoundError when the run or its report does not exist
   */
  async getVulnerabilities(
    entity: Entity,
    runNumber: number,
  ): Promise<DeliveryVulnerabilitiesResponse> {
    const entityRef = stringifyEntityRef(entity);
    return this.asRequestError(async () => {
      const jenkins = this.requireJenkins(entity);
      // Resolves a multibranch job to its branch job, like the runs list does.
      const { jobPath } = await this.listBuilds(jenkins, SUMMARY_BUILDS);
      const build = await this.getBuild(jenkins, jobPath, runNumber);
      const report =
        (await this.trivyReportOf(jenkins, build)) ??
        (await this.ecrScanOf(entity, build));
      if (!report) {
        throw new NotFoundError(
          `Run #${runNumber} of job "${jobPath.join(
            '/',
          )}" has no vulnerability report: it archived no ${TRIVY_REPORT} and ECR has no scan of its image. Archive the Trivy report in the Jenkinsfile (archiveArtifacts '${TRIVY_REPORT}').`,
        );
      }
      return {
        entityRef,
        runId: String(runNumber),
        report: {
          ...summarize(report),
          findings: sortFindings(report.findings),
        },
      };
    });
  }

  // ---------------------------------------------------------------- sources

  /**
   * Starts the permalink and newest-image reads. Failures are left to the
   * sources: a read that fails here only means the fallback is used.
   */
  private firstRound(entity: Entity): FirstRound {
    const jenkins = this.optionalSync(() => this.resolveJenkins(entity));
    const ecrRef = this.optionalSync(() => getEcrRepositoryReference(entity));
    const quiet = <T>(promise: Promise<T>): Promise<T | undefined> =>
      promise.catch(() => undefined);
    return {
      ...(jenkins
        ? {
            lastStages: quiet(this.lastBuildStages(jenkins)),
            lastTrivy: quiet(this.lastBuildTrivyReport(jenkins)),
          }
        : {}),
      ...(ecrRef
        ? { latestImage: quiet(this.latestPushedImage(ecrTarget(ecrRef))) }
        : {}),
    };
  }

  private async jenkinsSource(
    entity: Entity,
    round: FirstRound = {},
  ): Promise<JenkinsSourceData> {
    const jenkins = this.resolveJenkins(entity);
    const list = await this.listBuilds(jenkins, SUMMARY_BUILDS);
    const latest = list.builds[0];
    const [latestRun] = latest
      ? await this.toRuns(entity, jenkins, { ...list, builds: [latest] }, round)
      : [];
    return {
      instance: jenkins.client.instanceName,
      jobFullName: jenkins.ref.fullName,
      jobUrl: jenkins.client.jobUrl(jenkins.ref.jobPath),
      ...(latestRun ? { latestRun } : {}),
    };
  }

  private async sonarQubeSource(entity: Entity): Promise<SonarQubeSourceData> {
    const sonar = this.resolveSonarQube(entity);
    const report = await this.qualityReport(sonar.client, sonar.projectKey);
    return { ...report, instance: sonar.client.instanceName };
  }

  private async trivySource(
    entity: Entity,
    round: FirstRound = {},
  ): Promise<TrivySourceData> {
    const ref = getJenkinsJobReference(entity);
    if (!ref) {
      throw new NotConfigured(
        `The Trivy report is read from the Jenkins build's archived ${TRIVY_REPORT}; add the annotation \`${JENKINS_JOB_FULL_NAME_ANNOTATION}\``,
      );
    }
    const jenkins = this.resolveJenkins(entity);
    const list = await this.listBuilds(jenkins, SUMMARY_BUILDS);
    const build = list.builds.find(b => trivyArtifactOf(b));
    if (!build) {
      throw new NotConfigured(
        `None of the last ${
          list.builds.length
        } runs of job "${list.jobPath.join(
          '/',
        )}" archived ${TRIVY_REPORT}; archive it in the Jenkinsfile (archiveArtifacts '${TRIVY_REPORT}')`,
      );
    }
    const report =
      build === list.builds[0]
        ? await this.trivyFor(jenkins, build, round)
        : await this.trivyReportOf(jenkins, build);
    if (!report) {
      throw new NotConfigured(
        `Run #${build.number} lists ${TRIVY_REPORT} but Jenkins does not serve it; check the build's artifacts`,
      );
    }
    return { ...summarize(report), runId: String(build.number) };
  }

  private async argoCdSource(entity: Entity): Promise<ArgoCdSourceData> {
    const argocd = this.resolveArgoCd(entity);
    return {
      instance: argocd.client.instanceName,
      applications: (await this.applications(argocd)).map(a => a.info),
    };
  }

  private async ecrSource(
    entity: Entity,
    round: FirstRound = {},
  ): Promise<EcrSourceData> {
    const ref = getEcrRepositoryReference(entity);
    if (!ref) {
      throw new NotConfigured(
        `Add the annotation \`${ECR_REPOSITORY_ARN_ANNOTATION}\` with the ARN of the service's ECR repository`,
      );
    }
    const target = ecrTarget(ref);
    const [repository, latestImage] = await Promise.all([
      this.repository(target),
      this.latestImage(entity, ref, round),
    ]);
    return {
      repositoryName: repository.repositoryName,
      repositoryUri: repository.repositoryUri,
      repositoryArn: repository.repositoryArn,
      url: this.options.clients.ecr.repositoryConsoleUrl({
        ...target,
        accountId: ref.accountId,
      }),
      ...(latestImage ? { latestImage } : {}),
    };
  }

  /** The image of the newest successful run with a commit, with its scan counts. */
  private async latestImage(
    entity: Entity,
    ref: EcrRepositoryReference,
    round: FirstRound,
  ): Promise<EcrSourceData['latestImage']> {
    let builds: JenkinsBuild[];
    try {
      const jenkins = this.resolveJenkins(entity);
      builds = (await this.listBuilds(jenkins, SUMMARY_BUILDS)).builds;
    } catch {
      // Without Jenkins there is no tag to look up; the jenkins source says why.
      return undefined;
    }
    const withCommit = builds.filter(b => b.commit);
    const build = withCommit.find(b => b.status === 'success') ?? withCommit[0];
    if (!build?.commit) {
      return undefined;
    }
    const tag = shortSha(build.commit.sha);
    const target = ecrTarget(ref);
    const image = await this.imageFor(target, tag, round);
    if (!image) {
      return undefined;
    }
    // Basic scanning's summary has every count the findings would give (its
    // findings carry no fixed versions); enhanced scanning needs the findings.
    const scan =
      basicScanSummary(ref, tag, image) ??
      (await this.scanByTag(target, tag).then(
        found => (found ? summarize(found) : undefined),
        () => undefined,
      ));
    return {
      ...this.imageInfo(ref, tag, image),
      ...(scan ? { scan } : {}),
    };
  }

  // ------------------------------------------------------------------- runs

  private async toRuns(
    entity: Entity,
    jenkins: ResolvedJenkins,
    list: JenkinsBuildList,
    round: FirstRound = {},
  ): Promise<PipelineRun[]> {
    const [apps, quality] = await Promise.all([
      this.optional(entity, 'argocd', async () => {
        const argocd = this.resolveArgoCd(entity);
        return this.applications(argocd);
      }),
      this.optional(entity, 'sonarqube', async () => {
        const sonar = this.resolveSonarQube(entity);
        return this.qualityReport(sonar.client, sonar.projectKey);
      }),
    ]);
    const ecrRef = this.optionalSync(() => getEcrRepositoryReference(entity));
    const runs = await Promise.all(
      list.builds.map((build, index) =>
        this.toRun(entity, jenkins, build, {
          ecrRef,
          quality: index === 0 ? quality : undefined,
          dashboardUrl: quality?.dashboardUrl,
          // The permalink reads stand for the newest build only.
          round: index === 0 ? round : {},
        }),
      ),
    );
    if (apps) {
      addDeployments(runs, apps);
    }
    return runs;
  }

  private async toRun(
    entity: Entity,
    jenkins: ResolvedJenkins,
    build: JenkinsBuild,
    context: {
      ecrRef?: EcrRepositoryReference;
      quality?: QualityReport;
      dashboardUrl?: string;
      round?: FirstRound;
    },
  ): Promise<PipelineRun> {
    const tag = build.commit ? shortSha(build.commit.sha) : undefined;
    const { ecrRef, round = {} } = context;
    const [stages, trivy, image] = await Promise.all([
      this.stagesFor(jenkins, build, round).catch(error => {
        this.logSourceError(entity, 'jenkins', error);
        return undefined;
      }),
      this.trivyFor(jenkins, build, round).catch(error => {
        this.logSourceError(entity, 'trivy', error);
        return undefined;
      }),
      ecrRef && tag
        ? this.imageFor(ecrTarget(ecrRef), tag, round).catch(error => {
            this.logSourceError(entity, 'ecr', error);
            return undefined;
          })
        : undefined,
    ]);
    const vulnerabilities = trivy
      ? summarize(trivy)
      : await this.imageScanOf(entity, build, ecrRef, tag, image);
    const jenkinsStages: PipelineStage[] = (stages?.stages ?? []).map(s => ({
      name: s.name,
      status: s.status,
      source: 'jenkins',
      ...(s.startedAt ? { startedAt: s.startedAt } : {}),
      ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
    }));
    const quality = qualityOf(jenkinsStages, context);
    return {
      id: String(build.number),
      number: build.number,
      url: build.url || jenkins.client.buildUrl(build.jobPath, build.number),
      jobFullName: build.jobPath.join('/'),
      status: build.status,
      startedAt: build.startedAt,
      ...(build.durationMs !== undefined
        ? { durationMs: build.durationMs }
        : {}),
      ...(build.commit ? { commit: this.commitInfo(entity, build) } : {}),
      stages: jenkinsStages,
      ...(quality ? { quality } : {}),
      ...(ecrRef && tag && image
        ? { image: this.imageInfo(ecrRef, tag, image) }
        : {}),
      ...(vulnerabilities ? { vulnerabilities } : {}),
    };
  }

  /**
   * Without a Trivy report, the ECR scan of the run's image: none when there
   * is no image with its tag, the image's own counts for a basic scan, else
   * the findings.
   */
  private async imageScanOf(
    entity: Entity,
    build: JenkinsBuild,
    ecrRef: EcrRepositoryReference | undefined,
    tag: string | undefined,
    image: EcrImage | undefined,
  ): Promise<VulnerabilitySummary | undefined> {
    if (!ecrRef || !tag || !image) {
      return undefined;
    }
    return (
      basicScanSummary(ecrRef, tag, image) ??
      this.ecrScanOf(entity, build).then(
        scan => (scan ? summarize(scan) : undefined),
        error => {
          this.logSourceError(entity, 'ecr', error);
          return undefined;
        },
      )
    );
  }

  private commitInfo(entity: Entity, build: JenkinsBuild) {
    const commit = build.commit!;
    const slug = entity.metadata.annotations?.['gitlab.com/project-slug'];
    let url: string | undefined;
    if (
      this.options.gitlabBaseUrl &&
      slug &&
      /^[\w.-]+(\/[\w.-]+)+$/.test(slug)
    ) {
      url = `${
        this.options.gitlabBaseUrl
      }/${slug}/-/commit/${encodeURIComponent(commit.sha)}`;
    }
    return {
      sha: commit.sha,
      shortSha: shortSha(commit.sha),
      ...(commit.branch ? { branch: commit.branch } : {}),
      ...(commit.author ? { author: commit.author } : {}),
      ...(commit.message ? { message: commit.message } : {}),
      ...(url ? { url } : {}),
    };
  }

  private imageInfo(
    ref: EcrRepositoryReference,
    tag: string,
    image: EcrImage,
  ): ImageInfo {
    const repositoryUri = repositoryUriOf(ref);
    return {
      repositoryUri,
      tag,
      ...(image.digest ? { digest: image.digest } : {}),
      ...(image.pushedAt ? { pushedAt: image.pushedAt } : {}),
      url: `${this.options.clients.ecr.repositoryConsoleUrl({
        ...ecrTarget(ref),
        accountId: ref.accountId,
      })}`,
    };
  }

  // ------------------------------------------- first-round reads, checked

  /**
   * The build's stages: the `lastBuild` permalink's when it resolved to this
   * build (`describe.id` is the number it resolved to), else read by number.
   */
  private async stagesFor(
    jenkins: ResolvedJenkins,
    build: JenkinsBuild,
    round: FirstRound,
  ): Promise<JenkinsRunStages | undefined> {
    if (round.lastStages && isAnnotatedJob(jenkins, build)) {
      const stages = await round.lastStages;
      if (stages && stages.id === String(build.number)) {
        return stages;
      }
    }
    return this.stagesOf(jenkins, build);
  }

  /**
   * The build's Trivy report: the `lastBuild` permalink's when it belongs to
   * this build, else read by number. A permalink answer does not name its
   * build; the report's image tag does (the commit's short sha), and when it
   * has none, the stages read at the same moment must have resolved to this
   * build.
   */
  private async trivyFor(
    jenkins: ResolvedJenkins,
    build: JenkinsBuild,
    round: FirstRound,
  ): Promise<TrivyReport | undefined> {
    const artifact = trivyArtifactOf(build);
    if (!artifact) {
      return undefined;
    }
    if (
      round.lastTrivy &&
      artifact.relativePath === TRIVY_REPORT &&
      isAnnotatedJob(jenkins, build)
    ) {
      const [report, stages] = await Promise.all([
        round.lastTrivy,
        round.lastStages,
      ]);
      if (report && reportBelongsTo(report, build, stages)) {
        return report;
      }
    }
    return this.trivyReportOf(jenkins, build);
  }

  /**
   * The image with a tag: the repository's newest image when it has the tag
   * (the usual case: the newest run pushed last), else looked up by tag.
   */
  private async imageFor(
    target: EcrRepositoryTarget,
    tag: string,
    round: FirstRound,
  ): Promise<EcrImage | undefined> {
    const latest = await round.latestImage;
    if (latest?.tags.includes(tag)) {
      return latest;
    }
    return this.imageByTag(target, tag);
  }

  private async trivyReportOf(
    jenkins: ResolvedJenkins,
    build: JenkinsBuild,
  ): Promise<TrivyReport | undefined> {
    const artifact = trivyArtifactOf(build);
    if (!artifact) {
      return undefined;
    }
    return this.cached(
      [
        'jenkins',
        jenkins.client.instanceName,
        'trivy',
        build.jobPath,
        build.number,
      ],
      () =>
        jenkins.client.getTrivyReport(build.jobPath, build.number, {
          path: artifact.relativePath,
        }),
    );
  }

  /** The ECR scan of a run's image, when the entity names an ECR repository. */
  private async ecrScanOf(
    entity: Entity,
    build: JenkinsBuild,
  ): Promise<EcrScanFindings | undefined> {
    const ref = getEcrRepositoryReference(entity);
    if (!ref || !build.commit) {
      return undefined;
    }
    return this.scanByTag(ecrTarget(ref), shortSha(build.commit.sha));
  }

  // -------------------------------------------------------- cached upstream

  private listBuilds(jenkins: ResolvedJenkins, limit: number) {
    return this.cached(
      [
        'jenkins',
        jenkins.client.instanceName,
        'builds',
        jenkins.ref.jobPath,
        limit,
      ],
      () => jenkins.client.listBuilds(jenkins.ref.jobPath, { limit }),
    );
  }

  private async getBuild(
    jenkins: ResolvedJenkins,
    jobPath: string[],
    number: number,
  ): Promise<JenkinsBuild> {
    return this.cached(
      ['jenkins', jenkins.client.instanceName, 'build', jobPath, number],
      () => jenkins.client.getBuild(jobPath, number),
    );
  }

  // Permalink answers change when a build starts: cached like the build list
  // they are checked against, never under a build number.
  private lastBuildStages(
    jenkins: ResolvedJenkins,
  ): Promise<JenkinsRunStages | undefined> {
    const { client, ref } = jenkins;
    return this.cached(
      ['jenkins', client.instanceName, 'stages', ref.jobPath, 'lastBuild'],
      async () => {
        try {
          return await client.getRunStages(ref.jobPath, 'lastBuild');
        } catch (error) {
          // No build yet, not a Pipeline, or a multibranch job.
          if (isUpstreamError(error, 'not-found')) {
            return undefined;
          }
          throw error;
        }
      },
    );
  }

  private lastBuildTrivyReport(
    jenkins: ResolvedJenkins,
  ): Promise<TrivyReport | undefined> {
    const { client, ref } = jenkins;
    return this.cached(
      ['jenkins', client.instanceName, 'trivy', ref.jobPath, 'lastBuild'],
      () => client.getTrivyReport(ref.jobPath, 'lastBuild'),
    );
  }

  private latestPushedImage(
    target: EcrRepositoryTarget,
  ): Promise<EcrImage | undefined> {
    return this.cached(
      [
        'ecr',
        target.accountId,
        target.region,
        'latest-image',
        target.repositoryName,
      ],
      () => this.options.clients.ecr.describeLatestImage(target),
    );
  }

  private async stagesOf(
    jenkins: ResolvedJenkins,
    build: JenkinsBuild,
  ): Promise<JenkinsRunStages | undefined> {
    // A running build's stages change; finished ones do not.
    return this.cached(
      [
        'jenkins',
        jenkins.client.instanceName,
        'stages',
        build.jobPath,
        build.number,
        build.building,
      ],
      async () => {
        try {
          return await jenkins.client.getRunStages(build.jobPath, build.number);
        } catch (error) {
          // Not a Pipeline job (no wfapi): a run without stages.
          if (isUpstreamError(error, 'not-found')) {
            return undefined;
          }
          throw error;
        }
      },
    );
  }

  private qualityReport(client: SonarQubeClient, projectKey: string) {
    return this.cached(
      ['sonarqube', client.instanceName, 'report', projectKey],
      () => client.getQualityReport(projectKey),
    );
  }

  private applications(argocd: ResolvedArgoCd): Promise<ArgoApp[]> {
    const { client, ref } = argocd;
    return this.cached(
      [
        'argocd',
        client.instanceName,
        'apps',
        ref.kind,
        ref.kind === 'selector' ? ref.selector : ref.name,
        ref.appNamespace ?? '',
      ],
      async () => {
        const apps =
          ref.kind === 'selector'
            ? await client.listApplications({
                selector: ref.selector,
                appNamespace: ref.appNamespace,
              })
            : [
                await client.getApplication(ref.name, {
                  appNamespace: ref.appNamespace,
                }),
              ];
        // Only what the model shows: an application's spec may carry inline
        // Helm values, which have no place in a cache or a response.
        return apps.map(app => {
          const last = app.history[app.history.length - 1];
          const info: DeploymentInfo = {
            application: app.name,
            instance: client.instanceName,
            ...(ref.appNamespace ? { appNamespace: ref.appNamespace } : {}),
            project: app.project,
            ...(app.destination.namespace
              ? { namespace: app.destination.namespace }
              : {}),
            syncStatus: app.syncStatus,
            healthStatus: app.healthStatus,
            ...(app.syncRevision ? { revision: app.syncRevision } : {}),
            images: app.images,
            ...(last?.deployedAt ? { deployedAt: last.deployedAt } : {}),
            url: client.applicationUrl(app.name, {
              appNamespace: ref.appNamespace,
            }),
          };
          return { info };
        });
      },
    );
  }

  private repository(target: EcrRepositoryTarget): Promise<EcrRepository> {
    return this.cached(
      ['ecr', target.accountId, target.region, 'repo', target.repositoryName],
      () => this.options.clients.ecr.describeRepository(target),
    );
  }

  private imageByTag(
    target: EcrRepositoryTarget,
    tag: string,
  ): Promise<EcrImage | undefined> {
    return this.cached(
      [
        'ecr',
        target.accountId,
        target.region,
        'image',
        target.repositoryName,
        tag,
      ],
      () => this.options.clients.ecr.describeImageByTag(target, tag),
    );
  }

  private scanByTag(
    target: EcrRepositoryTarget,
    tag: string,
  ): Promise<EcrScanFindings | undefined> {
    return this.cached(
      [
        'ecr',
        target.accountId,
        target.region,
        'scan',
        target.repositoryName,
        tag,
      ],
      async () => {
        try {
          return await this.options.clients.ecr.getImageScanFindings(target, {
            tag,
          });
        } catch (error) {
          if (isUpstreamError(error, 'not-found')) {
            return undefined;
          }
          throw error;
        }
      },
    );
  }

  private cached<T>(key: unknown[], load: () => Promise<T>): Promise<T> {
    return this.options.cache.get(JSON.stringify(key), load);
  }

  // -------------------------------------------------------------- resolving

  private resolveJenkins(entity: Entity): ResolvedJenkins {
    const ref = getJenkinsJobReference(entity);
    if (!ref) {
      throw new NotConfigured(
        `Add the annotation \`${JENKINS_JOB_FULL_NAME_ANNOTATION}\` with the job's full name, for example \`services/payments-api\``,
      );
    }
    return { ref, client: this.options.clients.jenkins.get(ref.instance) };
  }

  /** Like resolveJenkins, for endpoints that need Jenkins. */
  private requireJenkins(entity: Entity): ResolvedJenkins {
    try {
      return this.resolveJenkins(entity);
    } catch (error) {
      if (error instanceof NotConfigured) {
        throw new NotFoundError(
          `${stringifyEntityRef(entity)} has no Jenkins job. ${error.message}`,
        );
      }
      throw error;
    }
  }

  private resolveSonarQube(entity: Entity) {
    const ref = getSonarQubeProjectReference(entity);
    if (!ref) {
      throw new NotConfigured(
        `Add the annotation \`${SONARQUBE_PROJECT_KEY_ANNOTATION}\` with the SonarQube project key, for example \`payments-api\``,
      );
    }
    return {
      projectKey: ref.projectKey,
      client: this.options.clients.sonarqube.get(ref.instance),
    };
  }

  private resolveArgoCd(entity: Entity): ResolvedArgoCd {
    const ref = getArgoCdApplicationReference(entity);
    if (!ref) {
      throw new NotConfigured(
        `Add the annotation \`${ARGOCD_APP_SELECTOR_ANNOTATION}\` (for example \`backstage-name=payments-api\`) or \`${ARGOCD_APP_NAME_ANNOTATION}\``,
      );
    }
    return { ref, client: this.options.clients.argocd.get(ref.instance) };
  }

  // ----------------------------------------------------------------- errors

  private async source<T>(
    entityRef: string,
    source: DeliverySource,
    load: () => Promise<T>,
  ): Promise<SourceResult<T>> {
    try {
      return { status: 'ok', data: await load() };
    } catch (error) {
      if (
        error instanceof NotConfigured ||
        InstanceNotConfiguredError.is(error)
      ) {
        return {
          status: 'not-configured',
          reason: this.options.redact((error as Error).message),
        };
      }
      const safe = this.safeError(error);
      this.options.logger.warn(`Delivery source ${source} failed`, {
        entityRef,
        source,
        error: `${safe.name}: ${safe.message}`,
      });
      return { status: 'error', error: safe };
    }
  }

  /** An error a user may see: known kinds keep their message, others do not. */
  private safeError(error: unknown): { name: string; message: string } {
    const e = error as Error;
    if (
      isUpstreamError(error) ||
      InvalidAnnotationError.is(error) ||
      e?.name === 'InputError'
    ) {
      return { name: e.name, message: this.options.redact(e.message) };
    }
    return {
      name: 'Error',
      message:
        'Unexpected error while reading this source; the backend log has the details',
    };
  }

  private logSourceError(
    entity: Entity,
    source: DeliverySource,
    error: unknown,
  ) {
    if (
      error instanceof NotConfigured ||
      InstanceNotConfiguredError.is(error)
    ) {
      return;
    }
    const safe = this.safeError(error);
    this.options.logger.warn(`Delivery source ${source} failed`, {
      entityRef: stringifyEntityRef(entity),
      source,
      error: `${safe.name}: ${safe.message}`,
    });
  }

  private async optional<T>(
    entity: Entity,
    source: DeliverySource,
    load: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await load();
    } catch (error) {
      this.logSourceError(entity, source, error);
      return undefined;
    }
  }

  private optionalSync<T>(load: () => T): T | undefined {
    try {
      return load();
    } catch {
      return undefined;
    }
  }

  /** Turns what went wrong into the HTTP error of a whole request. */
  private async asRequestError<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const e = error as Error;
      if (InstanceNotConfiguredError.is(error)) {
        throw new NotFoundError(this.options.redact(e.message));
      }
      if (InvalidAnnotationError.is(error) || e?.name === 'InputError') {
        throw new InputError(this.options.redact(e.message));
      }
      if (isUpstreamError(error, 'not-found')) {
        throw new NotFoundError(this.options.redact(e.message));
      }
      if (isUpstreamError(error)) {
        this.options.logger.warn('Delivery request failed upstream', {
          error: `${e.name}: ${this.options.redact(e.message)}`,
        });
        throw new ServiceUnavailableError(this.options.redact(e.message));
      }
      throw error;
    }
  }
}

type ResolvedJenkins = { ref: JenkinsJobReference; client: JenkinsClient };
type ResolvedArgoCd = { ref: ArgoCdApplicationReference; client: ArgoCdClient };
type ArgoApp = { info: DeploymentInfo };

function shortSha(sha: string): string {
  return sha.slice(0, SHORT_SHA_LENGTH);
}

/** Whether the build belongs to the annotated job itself (not a branch job). */
function isAnnotatedJob(jenkins: ResolvedJenkins, build: JenkinsBuild) {
  const annotated = jenkins.ref.jobPath;
  return (
    build.jobPath.length === annotated.length &&
    build.jobPath.every((segment, i) => segment === annotated[i])
  );
}

/**
 * Whether a report read through the `lastBuild` permalink is this build's.
 * A commit-like image tag decides; without one, the stages read in the same
 * round must have resolved to this build.
 */
function reportBelongsTo(
  report: TrivyReport,
  build: JenkinsBuild,
  stages: JenkinsRunStages | undefined,
): boolean {
  const tag = imageTag(report.artifactName ?? '');
  if (tag && /^[0-9a-f]{7,40}$/.test(tag)) {
    return build.commit !== undefined && build.commit.sha.startsWith(tag);
  }
  return stages?.id === String(build.number);
}

/**
 * The scan counts of a basic (Clair) scan from the image's own summary: its
 * findings carry no fixed version, so nothing is fixable, exactly what the
 * findings would give. Undefined for enhanced scanning (status `ACTIVE`, …),
 * whose fixable counts need the findings.
 */
function basicScanSummary(
  ref: EcrRepositoryReference,
  tag: string,
  image: EcrImage,
): VulnerabilitySummary | undefined {
  if (image.scanStatus !== 'COMPLETE' || !image.findingSeverityCounts) {
    return undefined;
  }
  const counts = zeroSeverityCounts();
  let total = 0;
  for (const [severity, count] of Object.entries(image.findingSeverityCounts)) {
    if (Number.isInteger(count) && count > 0) {
      counts[toSeverity(severity)] += count;
      total += count;
    }
  }
  return {
    source: 'ecr',
    artifactName: `${ref.repositoryName}:${tag}`,
    ...(image.digest ? { digest: image.digest } : {}),
    ...(image.scanCompletedAt ? { scannedAt: image.scanCompletedAt } : {}),
    counts,
    fixable: zeroSeverityCounts(),
    total,
  };
}

function zeroSeverityCounts(): VulnerabilitySummary['counts'] {
  return Object.fromEntries(
    VULNERABILITY_SEVERITIES.map(severity => [severity, 0]),
  ) as VulnerabilitySummary['counts'];
}

function trivyArtifactOf(build: JenkinsBuild) {
  return build.artifacts.find(a => a.fileName === TRIVY_REPORT);
}

function ecrTarget(ref: EcrRepositoryReference): EcrRepositoryTarget {
  return {
    region: ref.region,
    accountId: ref.accountId,
    repositoryName: ref.repositoryName,
  };
}

function repositoryUriOf(ref: EcrRepositoryReference): string {
  const suffix =
    ref.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${ref.accountId}.dkr.ecr.${ref.region}.${suffix}/${ref.repositoryName}`;
}

/** The counts of a report, without findings or tool-specific extras. */
function summarize(report: VulnerabilityReport): VulnerabilitySummary {
  return {
    source: report.source,
    ...(report.artifactName ? { artifactName: report.artifactName } : {}),
    ...(report.digest ? { digest: report.digest } : {}),
    ...(report.scannedAt ? { scannedAt: report.scannedAt } : {}),
    counts: report.counts,
    fixable: report.fixable,
    total: report.total,
  };
}

/**
 * Most severe first; within a severity, findings with a fix first (those are
 * the ones to act on), then by id and package for a stable order.
 */
export function sortFindings(
  findings: VulnerabilityFinding[],
): VulnerabilityFinding[] {
  const rank = (f: VulnerabilityFinding) =>
    (VULNERABILITY_SEVERITIES as readonly string[]).indexOf(f.severity);
  return [...findings].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      Number(!a.fixedVersion) - Number(!b.fixedVersion) ||
      a.id.localeCompare(b.id) ||
      a.packageName.localeCompare(b.packageName),
  );
}

function qualityOf(
  stages: PipelineStage[],
  context: { quality?: QualityReport; dashboardUrl?: string },
): PipelineRun['quality'] {
  const dashboard = context.dashboardUrl
    ? { dashboardUrl: context.dashboardUrl }
    : {};
  const gate = stages.find(s => s.name === 'Quality gate');
  const fromStage: Partial<Record<PipelineStatus, QualityGateStatus>> = {
    success: 'OK',
    failed: 'ERROR',
    unstable: 'WARN',
  };
  const status = gate ? fromStage[gate.status] : undefined;
  if (status) {
    return { status, ...dashboard };
  }
  // The newest run without a finished gate stage shows SonarQube's own status.
  if (context.quality) {
    return { status: context.quality.status, ...dashboard };
  }
  return undefined;
}

/**
 * Where each run's image stands in each Argo CD application: `deployed` when
 * the application runs its tag, `not-yet` when the application runs an older
 * run's image, `superseded` when it runs a newer one.
 */
function addDeployments(runs: PipelineRun[], apps: ArgoApp[]) {
  const tagOf = (run: PipelineRun) =>
    run.image?.tag ??
    (run.commit &&
    run.stages.some(s => s.name === 'Push to ECR' && s.status === 'success')
      ? run.commit.shortSha
      : undefined);
  for (const run of runs) {
    const tag = tagOf(run);
    if (!tag) {
      continue;
    }
    const deployments = apps.map(({ info }) => {
      const deployedTags = info.images
        .map(image => imageTag(image))
        .filter((t): t is string => Boolean(t));
      let state: DeploymentState;
      if (deployedTags.includes(tag)) {
        state = 'deployed';
      } else {
        const deployedRun = runs.find(r => {
          const t = tagOf(r);
          return t !== undefined && deployedTags.includes(t);
        });
        if (deployedRun) {
          state = run.number > deployedRun.number ? 'not-yet' : 'superseded';
        } else if (info.deployedAt) {
          state =
            Date.parse(run.startedAt) > Date.parse(info.deployedAt)
              ? 'not-yet'
              : 'superseded';
        } else {
          state = 'unknown';
        }
      }
      return { ...info, state };
    });
    run.deployments = deployments;
    const deployed = deployments.find(d => d.state === 'deployed');
    const pending = deployments.find(d => d.state === 'not-yet');
    if (deployed) {
      run.stages.push(
        {
          name: 'Sync',
          status: argoCdSyncToPipelineStatus(deployed.syncStatus),
          source: 'argocd',
        },
        {
          name: 'Healthy',
          status: argoCdHealthToPipelineStatus(deployed.healthStatus),
          source: 'argocd',
        },
      );
    } else if (pending) {
      run.stages.push(
        { name: 'Sync', status: 'pending', source: 'argocd' },
        { name: 'Healthy', status: 'pending', source: 'argocd' },
      );
    }
  }
}

function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(colon + 1) : undefined;
}
