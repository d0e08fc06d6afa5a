import { ConfigReader } from '@backstage/config';
import {
  createArgoCdClients,
  createDeliveryClients,
  createJenkinsClients,
} from './clients';
import { InstanceNotConfiguredError } from './errors';

describe('createDeliveryClients', () => {
  const config = new ConfigReader({
    jenkins: {
      instances: [
        { name: 'ci1', baseUrl: 'https://ci1.example.com' },
        { name: 'ci2', baseUrl: 'https://ci2.example.com' },
      ],
    },
    sonarqube: { baseUrl: 'https://sonar.example.com', apiKey: 't' },
    argocd: {
      appLocatorMethods: [
        {
          type: 'config',
          instances: [
            { name: 'argo1', url: 'https://argo1.example.com', token: 't' },
            { name: 'argo2', url: 'https://argo2.example.com', token: 't' },
          ],
        },
      ],
    },
  });

  it('creates one client per instance and picks defaults like the ecosystem does', () => {
    const clients = createDeliveryClients(config);
    expect(clients.jenkins.names()).toEqual(['ci1', 'ci2']);
    expect(clients.jenkins.get('ci2').baseUrl).toBe('https://ci2.example.com/');
    expect(clients.sonarqube.get().instanceName).toBe('default');
    expect(clients.argocd.get().instanceName).toBe('argo1');
    expect(clients.argocd.has('argo2')).toBe(true);
  });

  it('names the missing instance and the configured ones', () => {
    const jenkins = createJenkinsClients(config);
    expect(jenkins.has()).toBe(false);
    expect(() => jenkins.get('ci3')).toThrow(
      'No Jenkins instance named "ci3" is configured (configured: ci1, ci2); fix the instance name in the annotation or add it under jenkins.instances (or jenkins.baseUrl)',
    );
    expect(() => jenkins.get()).toThrow(
      /No default Jenkins instance is configured \(configured: ci1, ci2\)/,
    );
    const error = (() => {
      try {
        return jenkins.get('ci3');
      } catch (e) {
        return e;
      }
    })();
    expect(InstanceNotConfiguredError.is(error)).toBe(true);
  });

  it('says when a tool is not configured at all', () => {
    expect(() => createArgoCdClients(new ConfigReader({})).get()).toThrow(
      'No Argo CD instance is configured; add one under argocd.appLocatorMethods[].instances',
    );
  });
});
