import { Entity } from '@backstage/catalog-model';
import {
  getArgoCdApplicationReference,
  getEcrRepositoryReference,
  getGitLabProjectReference,
  getJenkinsJobReference,
  getSonarQubeProjectReference,
  parseArgoCdApplicationName,
  parseArgoCdSelector,
  parseEcrRepositoryArn,
  parseGitLabProjectSlug,
  parseJenkinsJobReference,
  parseSonarQubeProjectReference,
} from './references';
import { InvalidAnnotationError } from './errors';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', annotations },
    spec: {},
  };
}

function errorOf(fn: () => unknown): InvalidAnnotationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidAnnotationError);
    return e as InvalidAnnotationError;
  }
  throw new Error('expected an InvalidAnnotationError');
}

// Values no annotation may carry: traversal, URLs, schemes, empty segments,
// encoded and backward slashes, control characters.
const COMMON_HOSTILE = [
  '',
  '   ',
  '..',
  '../etc/passwd',
  'services/../../admin',
  'https://evil.example.com/job/x',
  'http://evil.example.com',
  '//evil.example.com/x',
  // eslint-disable-next-line no-script-url
  'javascript:alert(1)',
  'file:/etc/passwd',
  'services%2Fpayments-api',
  'services%2fpayments-api',
  'services%5Cx',
  '%2e%2e/x',
  'services\\payments-api',
  'services/pay\nments-api',
  'a\u0000b',
];

describe('parseJenkinsJobReference', () => {
  it.each([
    ['payments-api', { jobPath: ['payments-api'], fullName: 'payments-api' }],
    [
      'services/payments-api',
      {
        jobPath: ['services', 'payments-api'],
        fullName: 'services/payments-api',
      },
    ],
    [
      'ci2:services/payments-api',
      {
        instance: 'ci2',
        jobPath: ['services', 'payments-api'],
        fullName: 'services/payments-api',
      },
    ],
    [
      'services/payments-api/main',
      {
        jobPath: ['services', 'payments-api', 'main'],
        fullName: 'services/payments-api/main',
      },
    ],
    [
      '  team a/My Job (legacy)  ',
      {
        jobPath: ['team a', 'My Job (legacy)'],
        fullName: 'team a/My Job (legacy)',
      },
    ],
  ])('parses %j', (value, expected) => {
    expect(parseJenkinsJobReference(value)).toEqual(expected);
  });

  it.each([
    ...COMMON_HOSTILE,
    'services//payments-api',
    '/services/payments-api',
    'services/payments-api/',
    'ci2:',
    ':services/x',
    'ci2:services:x',
    'ci2:./x',
    'services/pay?ments',
    'services/pay#ments',
    'services/pay%20ments',
    'bad instance:x',
  ])('rejects %j with a message naming the annotation and the form', value => {
    const error = errorOf(() => parseJenkinsJobReference(value));
    expect(error.annotation).toBe('jenkins.io/job-full-name');
    expect(error.message).toContain('jenkins.io/job-full-name');
    expect(error.message).toContain('[instance:]folder/job');
    expect(error.name).toBe('InvalidAnnotationError');
  });

  it('says why a URL is refused', () => {
    expect(
      errorOf(() => parseJenkinsJobReference('https://evil.example.com/job/x'))
        .message,
    ).toMatch(/it is a URL/);
  });
});

describe('parseSonarQubeProjectReference', () => {
  it.each([
    ['payments-api', { projectKey: 'payments-api' }],
    ['com.acme:payments-api', { projectKey: 'com.acme:payments-api' }],
    ['sonar2/payments-api', { instance: 'sonar2', projectKey: 'payments-api' }],
    ['my_project.1', { projectKey: 'my_project.1' }],
  ])('parses %j', (value, expected) => {
    expect(parseSonarQubeProjectReference(value)).toEqual(expected);
  });

  it.each([
    ...COMMON_HOSTILE,
    'a/b/c',
    '/payments-api',
    'sonar2/',
    '12345',
    'pay ments',
    'payments?api',
    '../payments-api',
    'sonar2/..',
  ])('rejects %j', value => {
    const error = errorOf(() => parseSonarQubeProjectReference(value));
    expect(error.annotation).toBe('sonarqube.org/project-key');
    expect(error.message).toContain('[instance/]project-key');
  });
});

describe('parseArgoCdSelector', () => {
  it('parses and normalises equality requirements', () => {
    expect(
      parseArgoCdSelector(
        'backstage-name = payments-api, app.kubernetes.io/part-of==shop,tier!=db',
      ),
    ).toEqual({
      selector:
        'backstage-name=payments-api,app.kubernetes.io/part-of=shop,tier!=db',
      requirements: [
        { key: 'backstage-name', operator: '=', value: 'payments-api' },
        { key: 'app.kubernetes.io/part-of', operator: '=', value: 'shop' },
        { key: 'tier', operator: '!=', value: 'db' },
      ],
    });
  });

  it.each([
    ...COMMON_HOSTILE,
    'backstage-name',
    'a=b,,c=d',
    'a=b&c=d',
    'a=b/c',
    '-bad=x',
    `a=${'x'.repeat(64)}`,
    'Evil..Prefix/name=x',
  ])('rejects %j', value => {
    const error = errorOf(() => parseArgoCdSelector(value));
    expect(error.annotation).toBe('argocd/app-selector');
    expect(error.message).toContain('key=value');
  });
});

describe('parseArgoCdApplicationName', () => {
  it('accepts DNS subdomain names', () => {
    expect(parseArgoCdApplicationName('payments-api-prd')).toBe(
      'payments-api-prd',
    );
  });
  it.each([...COMMON_HOSTILE, 'Payments', 'a/b', '-a', 'a..b/c'])(
    'rejects %j',
    value => {
      expect(errorOf(() => parseArgoCdApplicationName(value)).annotation).toBe(
        'argocd/app-name',
      );
    },
  );
});

describe('parseEcrRepositoryArn', () => {
  it.each([
    [
      'arn:aws:ecr:eu-west-1:123456789012:repository/payments-api',
      {
        partition: 'aws',
        region: 'eu-west-1',
        accountId: '123456789012',
        repositoryName: 'payments-api',
      },
    ],
    [
      'arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/team/payments_api.v2',
      {
        partition: 'aws-us-gov',
        region: 'us-gov-west-1',
        accountId: '123456789012',
        repositoryName: 'team/payments_api.v2',
      },
    ],
  ])('parses %j', (value, expected) => {
    expect(parseEcrRepositoryArn(value)).toEqual({ arn: value, ...expected });
  });

  it.each([
    ...COMMON_HOSTILE,
    'payments-api',
    'arn:aws:s3:::bucket',
    'arn:aws:ecr:eu-west-1:12345:repository/payments-api',
    'arn:aws:ecr:eu-west-1:123456789012:repository/',
    'arn:aws:ecr:eu-west-1:123456789012:repository/Payments',
    'arn:aws:ecr:eu-west-1:123456789012:repository/../x',
    'arn:aws:ecr:eu-west-1:123456789012:repository/a//b',
    'arn:aws:ecr:eu-west-1:123456789012:repository/a%2Fb',
    'arn:aws:ecr:eu-west-1:123456789012:repository/x',
    'arn:aws:ecr:evil.com:123456789012:repository/payments-api',
  ])('rejects %j', value => {
    const error = errorOf(() => parseEcrRepositoryArn(value));
    expect(error.annotation).toBe('aws.amazon.com/aws-ecr-repository-arn');
    expect(error.message).toContain('arn:aws:ecr:<region>');
  });
});

describe('parseGitLabProjectSlug', () => {
  it('parses nested groups', () => {
    expect(parseGitLabProjectSlug('payments/backend/payments-api')).toEqual({
      projectPath: 'payments/backend/payments-api',
      namespace: 'payments/backend',
      name: 'payments-api',
    });
  });
  it.each([...COMMON_HOSTILE, 'payments-api', 'a//b', 'a/b.git', 'a/.b'])(
    'rejects %j',
    value => {
      expect(errorOf(() => parseGitLabProjectSlug(value)).annotation).toBe(
        'gitlab.com/project-slug',
      );
    },
  );
});

describe('entity readers', () => {
  it('return undefined when the annotation is absent', () => {
    const e = entity({});
    expect(getJenkinsJobReference(e)).toBeUndefined();
    expect(getSonarQubeProjectReference(e)).toBeUndefined();
    expect(getArgoCdApplicationReference(e)).toBeUndefined();
    expect(getEcrRepositoryReference(e)).toBeUndefined();
    expect(getGitLabProjectReference(e)).toBeUndefined();
  });

  it('read every annotation of a service', () => {
    const e = entity({
      'jenkins.io/job-full-name': 'services/payments-api',
      'sonarqube.org/project-key': 'payments-api',
      'argocd/app-selector': 'backstage-name=payments-api',
      'aws.amazon.com/aws-ecr-repository-arn':
        'arn:aws:ecr:eu-west-1:123456789012:repository/payments-api',
      'gitlab.com/project-slug': 'payments/payments-api',
    });
    expect(getJenkinsJobReference(e)?.jobPath).toEqual([
      'services',
      'payments-api',
    ]);
    expect(getSonarQubeProjectReference(e)?.projectKey).toBe('payments-api');
    expect(getArgoCdApplicationReference(e)).toEqual({
      kind: 'selector',
      selector: 'backstage-name=payments-api',
      requirements: [
        { key: 'backstage-name', operator: '=', value: 'payments-api' },
      ],
    });
    expect(getEcrRepositoryReference(e)?.repositoryName).toBe('payments-api');
    expect(getGitLabProjectReference(e)?.name).toBe('payments-api');
  });

  it('prefers the Argo CD selector and carries instance and namespace', () => {
    expect(
      getArgoCdApplicationReference(
        entity({
          'argocd/app-name': 'payments-api-prd',
          'argocd/app-selector': 'backstage-name=payments-api',
          'argocd/instance-name': 'argo2',
          'argocd/app-namespace': 'apps',
        }),
      ),
    ).toMatchObject({
      kind: 'selector',
      instance: 'argo2',
      appNamespace: 'apps',
    });
    expect(
      getArgoCdApplicationReference(
        entity({ 'argocd/app-name': 'payments-api-prd' }),
      ),
    ).toEqual({ kind: 'name', name: 'payments-api-prd' });
  });

  it('reject a hostile Argo CD instance or namespace', () => {
    expect(
      errorOf(() =>
        getArgoCdApplicationReference(
          entity({
            'argocd/app-name': 'payments-api',
            'argocd/instance-name': 'https://evil.example.com',
          }),
        ),
      ).annotation,
    ).toBe('argocd/instance-name');
    expect(
      errorOf(() =>
        getArgoCdApplicationReference(
          entity({
            'argocd/app-name': 'payments-api',
            'argocd/app-namespace': '../kube-system',
          }),
        ),
      ).annotation,
    ).toBe('argocd/app-namespace');
  });

  it('throw for a malformed annotation on an entity', () => {
    expect(() =>
      getJenkinsJobReference(entity({ 'jenkins.io/job-full-name': '../x' })),
    ).toThrow(/Invalid annotation jenkins.io\/job-full-name/);
  });
});

describe('InvalidAnnotationError', () => {
  it('is recognised by name', () => {
    const error = errorOf(() => parseSonarQubeProjectReference('a/b/c'));
    expect(InvalidAnnotationError.is(error)).toBe(true);
    expect(
      InvalidAnnotationError.is({
        name: 'InvalidAnnotationError',
        message: 'x',
      }),
    ).toBe(true);
    expect(InvalidAnnotationError.is(new Error('x'))).toBe(false);
  });
});
