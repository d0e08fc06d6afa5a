import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { PipelineStatus } from '@slipway/plugin-delivery-common';

const LABELS: Record<PipelineStatus, string> = {
  success: 'Success',
  failed: 'Failed',
  unstable: 'Unstable',
  aborted: 'Aborted',
  running: 'Running',
  paused: 'Paused',
  pending: 'Pending',
  'not-executed': 'Not run',
  unknown: 'Unknown',
};

export function statusLabel(status: PipelineStatus): string {
  return LABELS[status] ?? status;
}

/** A run's or stage's status as Backstage shows statuses: a coloured dot and a word. */
export function PipelineStatusLabel(props: { status: PipelineStatus }) {
  const label = statusLabel(props.status);
  switch (props.status) {
    case 'success':
      return <StatusOK>{label}</StatusOK>;
    case 'failed':
      return <StatusError>{label}</StatusError>;
    case 'unstable':
    case 'paused':
      return <StatusWarning>{label}</StatusWarning>;
    case 'running':
      return <StatusRunning>{label}</StatusRunning>;
    case 'aborted':
    case 'not-executed':
      return <StatusAborted>{label}</StatusAborted>;
    default:
      return <StatusPending>{label}</StatusPending>;
  }
}

/** The theme colour of a status, for bars and borders. */
export function statusColor(
  status: PipelineStatus,
  palette: {
    status?: Partial<
      Record<
        'ok' | 'warning' | 'error' | 'running' | 'pending' | 'aborted',
        string
      >
    >;
    grey: Record<number, string>;
  },
): string {
  const s = palette.status ?? {};
  switch (status) {
    case 'success':
      return s.ok ?? '#1db855';
    case 'failed':
      return s.error ?? '#e22134';
    case 'unstable':
    case 'paused':
      return s.warning ?? '#ff9800';
    case 'running':
      return s.running ?? '#2e77d0';
    case 'aborted':
    case 'not-executed':
      return s.aborted ?? palette.grey[500];
    default:
      return s.pending ?? palette.grey[400];
  }
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) {
    return '–';
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) {
    return `${seconds}s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes}m ${seconds % 60}s`;
  }
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

export function formatTimestamp(iso: string | undefined): string {
  if (!iso) {
    return '–';
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC');
}
