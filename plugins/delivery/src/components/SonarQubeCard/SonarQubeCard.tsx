import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  QualityGateStatus,
  QualityMeasures,
  SONARQUBE_PROJECT_KEY_ANNOTATION,
  SonarQubeSourceData,
} from '@slipway/plugin-delivery-common';
import {
  EmptyDataState,
  SourceStates,
  isSonarQubeAvailable,
  useDeliverySummary,
} from '../common';

/**
 * The SonarQube quality gate with the conditions that failed, and the
 * measures behind it.
 *
 * @public
 */
export function SonarQubeCard() {
  const { entity } = useEntity();
  const available = isSonarQubeAvailable(entity);
  const { value, loading, error, retry } = useDeliverySummary(available);
  const source = value?.sonarqube;
  const data = source?.status === 'ok' ? source.data : undefined;

  return (
    <InfoCard
      title="Code quality"
      subheader="SonarQube"
      deepLink={
        data?.dashboardUrl
          ? { title: 'Open the SonarQube dashboard', link: data.dashboardUrl }
          : undefined
      }
    >
      <SourceStates
        available={available}
        missing={{
          annotation: SONARQUBE_PROJECT_KEY_ANNOTATION,
          example: entity.metadata.name,
          what: 'the SonarQube quality gate and measures',
        }}
        request={{ loading, error, retry }}
        loadErrorTitle="Could not load the code quality"
        source={source}
        sourceErrorTitle="SonarQube did not answer"
      >
        {sonarqube => <QualityView data={sonarqube} />}
      </SourceStates>
    </InfoCard>
  );
}

function QualityView(props: { data: SonarQubeSourceData }) {
  const { data } = props;
  if (data.status === 'NONE' && !hasMeasures(data.measures)) {
    return (
      <EmptyDataState
        title="No analysis yet"
        description={`SonarQube has no analysis of ${data.projectKey} yet; the pipeline's "SonarQube analysis" stage sends the first one.`}
      />
    );
  }
  const failed = data.conditions.filter(
    c => c.status === 'ERROR' || c.status === 'WARN',
  );
  const m = data.measures ?? {};
  return (
    <Box>
      <Box display="flex" alignItems="center" gridGap={8} mb={1}>
        <Typography variant="subtitle1">Quality gate</Typography>
        <GateStatus status={data.status} />
      </Box>
      {failed.length > 0 && (
        <Box component="ul" aria-label="Failed conditions" pl={2} mt={0}>
          {failed.map(c => (
            <Typography component="li" variant="body2" key={c.metric}>
              {metricLabel(c.metric)}: {c.actualValue ?? '?'} (
              {c.comparator === 'LT' ? 'must be at least' : 'must be at most'}{' '}
              {c.errorThreshold ?? '?'})
            </Typography>
          ))}
        </Box>
      )}
      <Grid container spacing={2} aria-label="Measures">
        <Measure label="Bugs" value={m.bugs} rating={m.reliabilityRating} />
        <Measure
          label="Vulnerabilities"
          value={m.vulnerabilities}
          rating={m.securityRating}
        />
        <Measure
          label="Security hotspots"
          value={m.securityHotspots}
          rating={m.securityReviewRating}
        />
        <Measure
          label="Code smells"
          value={m.codeSmells}
          rating={m.maintainabilityRating}
        />
        <Measure label="Coverage" value={m.coverage} unit="%" />
        <Measure
          label="Duplications"
          value={m.duplicatedLinesDensity}
          unit="%"
        />
      </Grid>
    </Box>
  );
}

function GateStatus(props: { status: QualityGateStatus }) {
  switch (props.status) {
    case 'OK':
      return <StatusOK>Passed</StatusOK>;
    case 'WARN':
      return <StatusWarning>Warning</StatusWarning>;
    case 'ERROR':
      return <StatusError>Failed</StatusError>;
    default:
      return <StatusPending>Not computed</StatusPending>;
  }
}

function Measure(props: {
  label: string;
  value?: number;
  unit?: string;
  rating?: string;
}) {
  return (
    <Grid item xs={6} sm={4}>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="h6" component="div" aria-label={props.label}>
        {props.value === undefined ? '–' : `${props.value}${props.unit ?? ''}`}
        {props.rating && (
          <Typography variant="body2" component="span" color="textSecondary">
            {' '}
            rating {props.rating}
          </Typography>
        )}
      </Typography>
    </Grid>
  );
}

const METRIC_LABELS: Record<string, string> = {
  new_coverage: 'Coverage on new code',
  coverage: 'Coverage',
  new_duplicated_lines_density: 'Duplications on new code',
  duplicated_lines_density: 'Duplications',
  new_reliability_rating: 'Reliability rating on new code',
  new_security_rating: 'Security rating on new code',
  new_maintainability_rating: 'Maintainability rating on new code',
  new_security_hotspots_reviewed: 'Security hotspots reviewed on new code',
  new_bugs: 'Bugs on new code',
  new_vulnerabilities: 'Vulnerabilities on new code',
};

function metricLabel(metric: string): string {
  return METRIC_LABELS[metric] ?? metric;
}

function hasMeasures(measures: QualityMeasures | undefined): boolean {
  return Boolean(
    measures && Object.values(measures).some(v => v !== undefined),
  );
}
