import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard, Link } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  argoCdHealthToPipelineStatus,
  argoCdSyncToPipelineStatus,
  DEPLOYMENT_STAGE_NAMES,
  DeliverySummaryResponse,
  JENKINS_JOB_FULL_NAME_ANNOTATION,
  JenkinsSourceData,
  PipelineRun,
  PipelineStage,
  PipelineStatus,
} from '@slipway/plugin-delivery-common';
import {
  EmptyDataState,
  PipelineStatusLabel,
  SourceStates,
  formatDuration,
  formatTimestamp,
  isJenkinsAvailable,
  statusColor,
  statusLabel,
  useDeliverySummary,
} from '../common';

/** The severities the skeleton's Jenkinsfile fails the Trivy gate on by default. */
const BLOCKING_SEVERITIES = ['CRITICAL', 'HIGH'] as const;

/**
 * The latest run end to end: every stage with its status and duration, then
 * Argo CD's sync and health; the commit, the image, the gate and the findings.
 *
 * @public
 */
export function DeliveryPipelineCard() {
  const { entity } = useEntity();
  const available = isJenkinsAvailable(entity);
  const { value, loading, error, retry } = useDeliverySummary(available);

  return (
    <InfoCard
      title="Delivery pipeline"
      subheader="The latest run, from commit to cluster"
    >
      <SourceStates
        available={available}
        missing={{
          annotation: JENKINS_JOB_FULL_NAME_ANNOTATION,
          example: `services/${entity.metadata.name}`,
          what: "the latest run of the service's pipeline",
        }}
        request={{ loading, error, retry }}
        loadErrorTitle="Could not load the pipeline"
        source={value?.jenkins}
        sourceErrorTitle="Jenkins did not answer"
      >
        {jenkins =>
          value && <PipelineSummary jenkins={jenkins} summary={value} />
        }
      </SourceStates>
    </InfoCard>
  );
}

function PipelineSummary(props: {
  jenkins: JenkinsSourceData;
  summary: DeliverySummaryResponse;
}) {
  const { jenkins } = props;
  const run = jenkins.latestRun;
  if (!run) {
    return (
      <EmptyDataState
        title="No runs yet"
        description={
          <>
            The job <Link to={jenkins.jobUrl}>{jenkins.jobFullName}</Link> has
            not built anything yet. Push a commit to start the first run.
          </>
        }
      />
    );
  }
  return <RunView run={run} summary={props.summary} />;
}

const useStyles = makeStyles(theme => ({
  stages: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    listStyle: 'none',
    padding: 0,
    margin: theme.spacing(2, 0),
  },
  stage: {
    padding: theme.spacing(0.5, 1),
    minWidth: 120,
    background: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
  },
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  why: {
    color: theme.palette.error.main,
    fontWeight: theme.typography.fontWeightBold as number,
  },
}));

function RunView(props: {
  run: PipelineRun;
  summary: DeliverySummaryResponse;
}) {
  const { run, summary } = props;
  const classes = useStyles();
  const stages = withDeploymentStages(run);
  const reasons = failureReasons(run, summary);
  return (
    <Box>
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={16}>
        <Typography variant="h6">
          <Link to={run.url}>Run #{run.number}</Link>
        </Typography>
        <PipelineStatusLabel status={run.status} />
        <Typography variant="body2" color="textSecondary">
          {formatTimestamp(run.startedAt)} · {formatDuration(run.durationMs)}
        </Typography>
      </Box>
      {reasons.map(reason => (
        <Typography
          key={reason}
          variant="body2"
          className={classes.why}
          role="alert"
        >
          {reason}
        </Typography>
      ))}
      <ol className={classes.stages} aria-label="Stages">
        {stages.map(stage => (
          <StageItem key={`${stage.source}:${stage.name}`} stage={stage} />
        ))}
      </ol>
      {run.commit && (
        <Typography variant="body2" gutterBottom>
          Commit{' '}
          {run.commit.url ? (
            <Link to={run.commit.url}>{run.commit.shortSha}</Link>
          ) : (
            run.commit.shortSha
          )}
          {run.commit.branch && ` on ${run.commit.branch}`}
          {run.commit.author && ` by ${run.commit.author}`}
          {run.commit.message && `: ${firstLine(run.commit.message)}`}
        </Typography>
      )}
      <Box className={classes.chips}>
        {run.image && (
          <Chip
            size="small"
            label={`Image ${run.image.tag}`}
            component={run.image.url ? 'a' : 'div'}
            href={run.image.url}
            clickable={Boolean(run.image.url)}
            target="_blank"
            rel="noopener noreferrer"
          />
        )}
        <QualityChip run={run} summary={summary} />
        <VulnerabilityChip run={run} />
      </Box>
    </Box>
  );
}

function StageItem(props: { stage: PipelineStage }) {
  const { stage } = props;
  const classes = useStyles();
  return (
    <Box
      component="li"
      className={classes.stage}
      aria-label={`${stage.name}: ${statusLabel(stage.status)}`}
    >
      <StageBorder status={stage.status} />
      <Typography variant="body2">{stage.name}</Typography>
      <Typography variant="caption" color="textSecondary">
        {statusLabel(stage.status)}
        {stage.durationMs !== undefined &&
          ` · ${formatDuration(stage.durationMs)}`}
      </Typography>
    </Box>
  );
}

const useBorderStyles = makeStyles(theme => ({
  border: (props: { status: PipelineStatus }) => ({
    height: 4,
    marginBottom: 4,
    borderRadius: 2,
    background: statusColor(props.status, theme.palette as any),
  }),
}));

function StageBorder(props: { status: PipelineStatus }) {
  const classes = useBorderStyles(props);
  return <div className={classes.border} data-status={props.status} />;
}

function QualityChip(props: {
  run: PipelineRun;
  summary: DeliverySummaryResponse;
}) {
  const gate =
    props.run.quality?.status ??
    (props.summary.sonarqube.status === 'ok'
      ? props.summary.sonarqube.data.status
      : undefined);
  if (!gate || gate === 'NONE') {
    return null;
  }
  const label = {
    OK: 'Quality gate passed',
    WARN: 'Quality gate warning',
    ERROR: 'Quality gate failed',
  }[gate];
  const url =
    props.run.quality?.dashboardUrl ??
    (props.summary.sonarqube.status === 'ok'
      ? props.summary.sonarqube.data.dashboardUrl
      : undefined);
  return (
    <Chip
      size="small"
      label={label}
      color={gate === 'ERROR' ? 'secondary' : 'default'}
      component={url ? 'a' : 'div'}
      href={url}
      clickable={Boolean(url)}
      target="_blank"
      rel="noopener noreferrer"
    />
  );
}

function VulnerabilityChip(props: { run: PipelineRun }) {
  const v = props.run.vulnerabilities;
  if (!v) {
    return null;
  }
  const label =
    v.total === 0
      ? 'No vulnerabilities'
      : `Vulnerabilities: ${v.counts.CRITICAL} critical, ${v.counts.HIGH} high, ${v.counts.MEDIUM} medium, ${v.counts.LOW} low`;
  return <Chip size="small" label={label} />;
}

/**
 * The run's stages with Argo CD's sync and health after them, taken from the
 * run's deployment when the backend did not report them as stages.
 */
export function withDeploymentStages(run: PipelineRun): PipelineStage[] {
  if (run.stages.some(s => s.source === 'argocd')) {
    return run.stages;
  }
  const deployment = run.deployments?.[0];
  const deployed = Boolean(deployment) && run.status === 'success';
  const sync = deployed
    ? argoCdSyncToPipelineStatus(deployment!.syncStatus)
    : 'not-executed';
  const healthy = deployed
    ? argoCdHealthToPipelineStatus(deployment!.healthStatus)
    : 'not-executed';
  const [syncName, healthyName] = DEPLOYMENT_STAGE_NAMES;
  return [
    ...run.stages,
    { name: syncName, status: sync, source: 'argocd' },
    { name: healthyName, status: healthy, source: 'argocd' },
  ];
}

/** One line per failed stage that says why it failed. */
export function failureReasons(
  run: PipelineRun,
  summary: DeliverySummaryResponse,
): string[] {
  return withDeploymentStages(run)
    .filter(stage => stage.status === 'failed')
    .map(stage => {
      if (stage.name === 'Quality gate') {
        const conditions =
          summary.sonarqube.status === 'ok'
            ? summary.sonarqube.data.conditions.filter(
                c => c.status === 'ERROR',
              )
            : [];
        if (conditions.length === 0) {
          return 'Quality gate failed: see the SonarQube dashboard for the conditions.';
        }
        return `Quality gate failed: ${conditions
          .map(
            c =>
              `${c.metric} is ${c.actualValue ?? '?'} (${comparatorText(
                c.comparator,
              )} ${c.errorThreshold ?? '?'})`,
          )
          .join('; ')}.`;
      }
      if (stage.name === 'Trivy scan') {
        const counts =
          run.vulnerabilities?.counts ??
          (summary.trivy.status === 'ok'
            ? summary.trivy.data.counts
            : undefined);
        if (!counts) {
          return 'Trivy scan failed: see the build log.';
        }
        const blocking = BLOCKING_SEVERITIES.reduce((n, s) => n + counts[s], 0);
        return `Trivy scan failed: ${blocking} blocking finding${
          blocking === 1 ? '' : 's'
        } (${counts.CRITICAL} critical, ${counts.HIGH} high).`;
      }
      if (stage.source === 'argocd') {
        const d = run.deployments?.[0];
        return `Argo CD: ${d?.application ?? 'the application'} is ${
          d?.healthStatus ?? 'not healthy'
        }.`;
      }
      return `${stage.name} failed: see the build log of run #${run.number}.`;
    });
}

/** SonarQube's comparator says when a condition fails. */
function comparatorText(comparator: string | undefined): string {
  switch (comparator) {
    case 'LT':
      return 'must be at least';
    case 'GT':
      return 'must be at most';
    default:
      return 'threshold';
  }
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0];
}
