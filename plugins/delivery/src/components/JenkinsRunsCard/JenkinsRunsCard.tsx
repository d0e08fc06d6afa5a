import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard, Link, Table, TableColumn } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  JENKINS_JOB_FULL_NAME_ANNOTATION,
  PipelineRun,
  PipelineStage,
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
  useDeliveryRuns,
} from '../common';

/**
 * Recent Jenkins runs: number, result, branch, commit, start, duration and a
 * bar of stages coloured by status.
 *
 * @public
 */
export function JenkinsRunsCard(props: { limit?: number }) {
  const { entity } = useEntity();
  const available = isJenkinsAvailable(entity);
  const { value, loading, error, retry } = useDeliveryRuns(
    props.limit ?? 10,
    available,
  );

  return (
    <InfoCard title="Recent runs" subheader="Jenkins">
      <SourceStates
        available={available}
        missing={{
          annotation: JENKINS_JOB_FULL_NAME_ANNOTATION,
          example: `services/${entity.metadata.name}`,
          what: "the service's recent Jenkins runs",
        }}
        request={{ loading, error, retry }}
        loadErrorTitle="Could not load the runs"
        source={value && { status: 'ok', data: value.runs }}
      >
        {runs =>
          runs.length === 0 ? (
            <EmptyDataState
              title="No runs yet"
              description="Jenkins has not built this service yet. Push a commit to start the first run."
            />
          ) : (
            <RunsTable runs={runs} />
          )
        }
      </SourceStates>
    </InfoCard>
  );
}

const columns: TableColumn<PipelineRun>[] = [
  {
    title: 'Run',
    field: 'number',
    render: run => <Link to={run.url}>#{run.number}</Link>,
  },
  {
    title: 'Result',
    field: 'status',
    render: run => <PipelineStatusLabel status={run.status} />,
  },
  { title: 'Branch', render: run => run.commit?.branch ?? '–' },
  {
    title: 'Commit',
    render: run =>
      run.commit?.url ? (
        <Link to={run.commit.url}>{run.commit.shortSha}</Link>
      ) : (
        run.commit?.shortSha ?? '–'
      ),
  },
  { title: 'Started', render: run => formatTimestamp(run.startedAt) },
  { title: 'Duration', render: run => formatDuration(run.durationMs) },
  {
    title: 'Stages',
    width: '30%',
    render: run => <StageBar run={run} />,
  },
];

function RunsTable(props: { runs: PipelineRun[] }) {
  return (
    <Table<PipelineRun>
      columns={columns}
      data={props.runs.map(run => ({ ...run }))}
      options={{
        padding: 'dense',
        search: false,
        paging: false,
        toolbar: false,
        sorting: false,
      }}
    />
  );
}

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    gap: 2,
    minWidth: 160,
    height: 12,
  },
  segment: {
    flex: 1,
    borderRadius: 2,
    background: theme.palette.grey[300],
  },
}));

/** One segment per stage, in order, coloured by the stage's status. */
export function StageBar(props: { run: PipelineRun }) {
  const classes = useStyles();
  return (
    <Box
      className={classes.bar}
      role="list"
      aria-label={`Stages of run #${props.run.number}`}
    >
      {props.run.stages.map(stage => (
        <StageSegment key={`${stage.source}:${stage.name}`} stage={stage} />
      ))}
    </Box>
  );
}

function StageSegment(props: { stage: PipelineStage }) {
  const classes = useStyles();
  const { stage } = props;
  const label = `${stage.name}: ${statusLabel(stage.status)}${
    stage.durationMs !== undefined
      ? ` (${formatDuration(stage.durationMs)})`
      : ''
  }`;
  return (
    <Tooltip title={label}>
      <Box
        role="listitem"
        aria-label={label}
        data-status={stage.status}
        className={classes.segment}
        component="span"
      >
        <SegmentColour status={stage.status} />
      </Box>
    </Tooltip>
  );
}

const useSegmentStyles = makeStyles(theme => ({
  fill: (props: { status: PipelineStage['status'] }) => ({
    display: 'block',
    height: '100%',
    borderRadius: 2,
    background: statusColor(props.status, theme.palette as any),
  }),
}));

function SegmentColour(props: { status: PipelineStage['status'] }) {
  const classes = useSegmentStyles(props);
  return <span className={classes.fill} />;
}
