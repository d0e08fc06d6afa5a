import { useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { InfoCard, Link, Table, TableColumn } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  JENKINS_JOB_FULL_NAME_ANNOTATION,
  TrivySourceData,
  VULNERABILITY_SEVERITIES,
  VulnerabilityFinding,
  VulnerabilitySeverity,
} from '@slipway/plugin-delivery-common';
import {
  EmptyDataState,
  ErrorState,
  LoadingState,
  SourceStates,
  isTrivyAvailable,
  messageOf,
  useDeliverySummary,
  useDeliveryVulnerabilities,
} from '../common';

/**
 * The latest image's vulnerabilities: counts per severity with the fixable
 * ones, and the findings, sortable and filterable by severity.
 *
 * @public
 */
export function TrivyCard() {
  const { entity } = useEntity();
  const available = isTrivyAvailable(entity);
  const { value, loading, error, retry } = useDeliverySummary(available);

  return (
    <InfoCard
      title="Vulnerabilities"
      subheader="Trivy scan of the latest image"
    >
      <SourceStates
        available={available}
        missing={{
          annotation: JENKINS_JOB_FULL_NAME_ANNOTATION,
          example: `services/${entity.metadata.name}`,
          what: "the vulnerabilities Trivy found in the service's latest image",
        }}
        request={{ loading, error, retry }}
        loadErrorTitle="Could not load the vulnerabilities"
        source={value?.trivy}
        sourceErrorTitle="No vulnerability report"
      >
        {trivy => <TrivyReport data={trivy} />}
      </SourceStates>
    </InfoCard>
  );
}

function TrivyReport(props: { data: TrivySourceData }) {
  const { data } = props;
  const [shown, setShown] = useState<Set<VulnerabilitySeverity>>(
    () => new Set(VULNERABILITY_SEVERITIES),
  );
  const toggle = (severity: VulnerabilitySeverity) =>
    setShown(previous => {
      const next = new Set(previous);
      if (next.has(severity)) {
        next.delete(severity);
      } else {
        next.add(severity);
      }
      return next;
    });

  return (
    <Box>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {data.artifactName ?? 'Latest image'}
        {data.digest && (
          <>
            {' '}
            · <code>{data.digest}</code>
          </>
        )}
        {data.source === 'ecr' && ' · ECR scan on push (no Trivy report)'}
      </Typography>
      <Box
        display="flex"
        flexWrap="wrap"
        gridGap={8}
        my={1}
        role="group"
        aria-label="Filter by severity"
      >
        {VULNERABILITY_SEVERITIES.map(severity => (
          <Chip
            key={severity}
            size="small"
            clickable
            color={shown.has(severity) ? 'primary' : 'default'}
            variant={shown.has(severity) ? 'default' : 'outlined'}
            aria-pressed={shown.has(severity)}
            onClick={() => toggle(severity)}
            label={`${severity} ${data.counts[severity]} (${data.fixable[severity]} fixable)`}
          />
        ))}
      </Box>
      {data.total === 0 ? (
        <EmptyDataState
          title="No vulnerabilities"
          description="The latest scan found nothing to fix."
        />
      ) : (
        <FindingsTable runId={data.runId} shown={shown} />
      )}
    </Box>
  );
}

const SEVERITY_RANK: Record<VulnerabilitySeverity, number> = {
  CRITICAL: 0,
  HIGH: 1,
  MEDIUM: 2,
  LOW: 3,
  UNKNOWN: 4,
};

const columns: TableColumn<VulnerabilityFinding>[] = [
  {
    title: 'ID',
    field: 'id',
    render: f => (f.url ? <Link to={f.url}>{f.id}</Link> : f.id),
  },
  { title: 'Package', field: 'packageName' },
  {
    title: 'Installed → fixed',
    field: 'installedVersion',
    render: f =>
      `${f.installedVersion ?? '?'} → ${f.fixedVersion ?? 'no fix yet'}`,
  },
  {
    title: 'Severity',
    field: 'severity',
    defaultSort: 'asc',
    customSort: (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  },
  { title: 'Target', field: 'target' },
];

function FindingsTable(props: {
  runId?: string;
  shown: Set<VulnerabilitySeverity>;
}) {
  const { value, loading, error, retry } = useDeliveryVulnerabilities(
    props.runId,
  );
  const findings = useMemo(
    () =>
      (value?.report.findings ?? [])
        .filter(f => props.shown.has(f.severity))
        // material-table mutates rows (tableData); hand it copies.
        .map(f => ({ ...f })),
    [value, props.shown],
  );
  if (loading) {
    return <LoadingState />;
  }
  if (error) {
    return (
      <ErrorState
        title="Could not load the findings"
        message={messageOf(error)}
        onRetry={retry}
      />
    );
  }
  return (
    <Table<VulnerabilityFinding>
      title="Findings"
      columns={columns}
      data={findings}
      options={{
        padding: 'dense',
        search: true,
        paging: findings.length > 20,
        pageSize: 20,
        emptyRowsWhenPaging: false,
      }}
      localization={{
        body: {
          emptyDataSourceMessage: 'No findings of the selected severities',
        },
      }}
    />
  );
}
