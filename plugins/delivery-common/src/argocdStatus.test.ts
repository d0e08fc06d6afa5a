import {
  argoCdHealthToPipelineStatus,
  argoCdSyncToPipelineStatus,
} from './argocdStatus';

describe('Argo CD status as pipeline status', () => {
  it.each([
    ['Synced', 'success'],
    ['OutOfSync', 'running'],
    ['Unknown', 'unknown'],
    ['SomethingNew', 'unknown'],
  ])('sync %s is %s', (sync, expected) => {
    expect(argoCdSyncToPipelineStatus(sync)).toBe(expected);
  });

  it.each([
    ['Healthy', 'success'],
    ['Progressing', 'running'],
    ['Degraded', 'failed'],
    ['Missing', 'failed'],
    ['Suspended', 'paused'],
    ['Unknown', 'unknown'],
  ])('health %s is %s', (health, expected) => {
    expect(argoCdHealthToPipelineStatus(health)).toBe(expected);
  });
});
