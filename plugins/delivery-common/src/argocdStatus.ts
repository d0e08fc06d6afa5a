import { PipelineStatus } from './model';

/**
 * The pipeline status of the `Sync` stage for an Argo CD application's
 * `status.sync.status` (`Synced`, `OutOfSync`, `Unknown`).
 *
 * @public
 */
export function argoCdSyncToPipelineStatus(syncStatus: string): PipelineStatus {
  switch (syncStatus) {
    case 'Synced':
      return 'success';
    case 'OutOfSync':
      return 'running';
    default:
      return 'unknown';
  }
}

/**
 * The pipeline status of the `Healthy` stage for an Argo CD application's
 * `status.health.status` (`Healthy`, `Progressing`, `Degraded`, `Missing`,
 * `Suspended`, `Unknown`).
 *
 * @public
 */
export function argoCdHealthToPipelineStatus(
  healthStatus: string,
): PipelineStatus {
  switch (healthStatus) {
    case 'Healthy':
      return 'success';
    case 'Progressing':
      return 'running';
    case 'Degraded':
    case 'Missing':
      return 'failed';
    case 'Suspended':
      return 'paused';
    default:
      return 'unknown';
  }
}
