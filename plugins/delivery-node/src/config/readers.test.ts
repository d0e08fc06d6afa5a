import { ConfigReader } from '@backstage/config';
import {
  readArgoCdInstances,
  readEcrConfig,
  readJenkinsInstances,
  readSonarQubeInstances,
  readTimeoutMs,
} from './readers';

describe('readJenkinsInstances', () => {
  it('reads the shorthand as the default instance, before the others', () => {
    const config = new ConfigReader({
      jenkins: {
        baseUrl: 'https://jenkins.example.com/',
        username: 'slipway',
        apiKey: 'k1',
        instances: [
          {
            name: 'ci2',
            baseUrl: 'https://ci2.example.com/jenkins',
            username: 'u',
            apiKey: 'k2',
          },
        ],
      },
    });
    expect(readJenkinsInstances(config)).toEqual([
      {
        name: 'default',
        baseUrl: 'https://jenkins.example.com',
        username: 'slipway',
        apiKey: 'k1',
        timeoutMs: 10000,
      },
      {
        name: 'ci2',
        baseUrl: 'https://ci2.example.com/jenkins',
        username: 'u',
        apiKey: 'k2',
        timeoutMs: 10000,
      },
    ]);
  });

  it('reads nothing when Jenkins is not configured', () => {
    expect(readJenkinsInstances(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [
      { instances: [{ name: 'a', baseUrl: 'ftp://x' }] },
      "jenkins.instances[0].baseUrl': only http and https",
    ],
    [
      { instances: [{ name: 'a', baseUrl: 'not a url' }] },
      "jenkins.instances[0].baseUrl': not an absolute URL",
    ],
    [
      { instances: [{ name: 'a', baseUrl: 'https://u:p@x.example.com' }] },
      'must not contain credentials',
    ],
    [
      { instances: [{ name: 'a', baseUrl: 'https://x.example.com?a=b' }] },
      'query or fragment',
    ],
    [
      { instances: [{ name: 'a b', baseUrl: 'https://x.example.com' }] },
      "jenkins.instances[0].name'",
    ],
    [
      {
        instances: [
          { name: 'a', baseUrl: 'https://x.example.com', username: 'u' },
        ],
      },
      "jenkins.instances[0]': username and apiKey go together",
    ],
    [
      {
        baseUrl: 'https://x.example.com',
        instances: [{ name: 'default', baseUrl: 'https://y.example.com' }],
      },
      "'default' is used twice (jenkins.baseUrl defines the instance 'default')",
    ],
    [
      { instances: [{ baseUrl: 'https://x.example.com' }] },
      'jenkins.instances[0].name',
    ],
  ])('fails on %j naming the key', (jenkins, message) => {
    expect(() => readJenkinsInstances(new ConfigReader({ jenkins }))).toThrow(
      message,
    );
  });

  it('never echoes a URL that carries credentials', () => {
    expect(() =>
      readJenkinsInstances(
        new ConfigReader({
          jenkins: { baseUrl: 'https://admin:hunter2@x.example.com' },
        }),
      ),
    ).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('hunter2'),
      }),
    );
  });
});

describe('readSonarQubeInstances', () => {
  it('reads the shorthand and instances with external URLs', () => {
    const config = new ConfigReader({
      sonarqube: {
        baseUrl: 'https://sonar.internal',
        externalBaseUrl: 'https://sonar.example.com',
        apiKey: 't',
        instances: [
          { name: 'sonar2', baseUrl: 'https://sonar2.internal', apiKey: 't2' },
        ],
      },
    });
    expect(readSonarQubeInstances(config)).toEqual([
      {
        name: 'default',
        baseUrl: 'https://sonar.internal',
        externalBaseUrl: 'https://sonar.example.com',
        apiKey: 't',
        timeoutMs: 10000,
      },
      {
        name: 'sonar2',
        baseUrl: 'https://sonar2.internal',
        externalBaseUrl: undefined,
        apiKey: 't2',
        timeoutMs: 10000,
      },
    ]);
  });

  it('names the bad key', () => {
    expect(() =>
      readSonarQubeInstances(
        new ConfigReader({
          sonarqube: { instances: [{ name: 'x', baseUrl: 'sonar' }] },
        }),
      ),
    ).toThrow("sonarqube.instances[0].baseUrl'");
  });
});

describe('readArgoCdInstances', () => {
  it("reads Roadie's appLocatorMethods, with shared credentials as a fallback", () => {
    const config = new ConfigReader({
      argocd: {
        username: 'backstage',
        password: 'pw',
        appLocatorMethods: [
          {
            type: 'config',
            instances: [
              { name: 'argo1', url: 'https://argo1.example.com', token: 'tok' },
              { name: 'argo2', url: 'https://argo2.example.com' },
            ],
          },
        ],
      },
    });
    expect(readArgoCdInstances(config)).toEqual([
      {
        name: 'argo1',
        url: 'https://argo1.example.com',
        token: 'tok',
        timeoutMs: 10000,
      },
      {
        name: 'argo2',
        url: 'https://argo2.example.com',
        username: 'backstage',
        password: 'pw',
        timeoutMs: 10000,
      },
    ]);
  });

  it('reads the baseUrl shorthand', () => {
    expect(
      readArgoCdInstances(
        new ConfigReader({
          argocd: {
            baseUrl: 'https://argo.example.com',
            username: 'u',
            password: 'p',
          },
        }),
      ),
    ).toEqual([
      {
        name: 'default',
        url: 'https://argo.example.com',
        username: 'u',
        password: 'p',
        timeoutMs: 10000,
      },
    ]);
  });

  it.each([
    [
      {
        appLocatorMethods: [
          {
            type: 'config',
            instances: [{ name: 'a', url: 'https://a.example.com' }],
          },
        ],
      },
      "argocd.appLocatorMethods[0].instances[0]': an Argo CD instance needs a token",
    ],
    [
      { appLocatorMethods: [{ type: 'cluster', instances: [] }] },
      "argocd.appLocatorMethods[0].type'",
    ],
    [
      {
        appLocatorMethods: [
          { type: 'config', instances: [{ name: 'a', url: 'x', token: 't' }] },
        ],
      },
      "argocd.appLocatorMethods[0].instances[0].url'",
    ],
    [
      { baseUrl: 'https://argo.example.com' },
      'argocd.baseUrl needs argocd.username and argocd.password',
    ],
  ])('fails on %j naming the key', (argocd, message) => {
    expect(() => readArgoCdInstances(new ConfigReader({ argocd }))).toThrow(
      message,
    );
  });
});

describe('timeouts and ECR', () => {
  it('reads per-tool timeouts in every form, falling back to the default', () => {
    const config = new ConfigReader({
      delivery: {
        timeouts: {
          default: '5s',
          jenkins: 2500,
          sonarqube: { seconds: 3 },
          argocd: 'PT1M',
        },
        ecr: { endpoint: 'http://localhost:4566' },
      },
    });
    expect(readTimeoutMs(config, 'jenkins')).toBe(2500);
    expect(readTimeoutMs(config, 'sonarqube')).toBe(3000);
    expect(readTimeoutMs(config, 'argocd')).toBe(60000);
    expect(readTimeoutMs(config, 'ecr')).toBe(5000);
    expect(readEcrConfig(config)).toEqual({
      endpoint: 'http://localhost:4566',
      timeoutMs: 5000,
    });
    expect(readEcrConfig(new ConfigReader({}))).toEqual({ timeoutMs: 10000 });
  });

  it.each([[0], [-5], ['soon']])(
    'refuses the timeout %j naming the key',
    value => {
      expect(() =>
        readTimeoutMs(
          new ConfigReader({ delivery: { timeouts: { jenkins: value } } }),
          'jenkins',
        ),
      ).toThrow("delivery.timeouts.jenkins'");
    },
  );
});
