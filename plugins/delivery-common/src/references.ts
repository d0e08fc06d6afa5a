import { Entity } from '@backstage/catalog-model';
import {
  ARGOCD_APP_NAME_ANNOTATION,
  ARGOCD_APP_NAMESPACE_ANNOTATION,
  ARGOCD_APP_SELECTOR_ANNOTATION,
  ARGOCD_INSTANCE_NAME_ANNOTATION,
  ECR_REPOSITORY_ARN_ANNOTATION,
  GITLAB_PROJECT_SLUG_ANNOTATION,
  JENKINS_JOB_FULL_NAME_ANNOTATION,
  SONARQUBE_PROJECT_KEY_ANNOTATION,
} from './annotations';
import { InvalidAnnotationError } from './errors';

/**
 * A Jenkins job named by `jenkins.io/job-full-name`.
 *
 * @public
 */
export type JenkinsJobReference = {
  /** The configured instance name; the default instance when absent. */
  instance?: string;
  /** The job's full name split into its folder/job segments, unencoded. */
  jobPath: string[];
  /** The segments joined with `/`, as Jenkins shows a full name. */
  fullName: string;
};

/**
 * A SonarQube project named by `sonarqube.org/project-key`.
 *
 * @public
 */
export type SonarQubeProjectReference = {
  /** The configured instance name; the default instance when absent. */
  instance?: string;
  projectKey: string;
};

/**
 * One requirement of an equality-based Kubernetes label selector.
 *
 * @public
 */
export type LabelRequirement = {
  key: string;
  operator: '=' | '!=';
  value: string;
};

/**
 * The Argo CD applications of an entity: a label selector
 * (`argocd/app-selector`) or one application (`argocd/app-name`).
 *
 * @public
 */
export type ArgoCdApplicationReference =
  | {
      kind: 'selector';
      /** From `argocd/instance-name`; the first configured instance when absent. */
      instance?: string;
      /** The normalised selector, ready for `?selector=`. */
      selector: string;
      requirements: LabelRequirement[];
      /** From `argocd/app-namespace`. */
      appNamespace?: string;
    }
  | {
      kind: 'name';
      instance?: string;
      name: string;
      appNamespace?: string;
    };

/**
 * An ECR repository named by its ARN.
 *
 * @public
 */
export type EcrRepositoryReference = {
  arn: string;
  partition: string;
  region: string;
  accountId: string;
  repositoryName: string;
};

/**
 * A GitLab project named by `gitlab.com/project-slug`.
 *
 * @public
 */
export type GitLabProjectReference = {
  /** The full path, e.g. `payments/payments-api`. */
  projectPath: string;
  /** The group path, e.g. `payments`. */
  namespace: string;
  /** The project's own path segment, e.g. `payments-api`. */
  name: string;
};

const JENKINS_FORM =
  '`[instance:]folder/job` (for example `services/payments-api`)';
const SONARQUBE_FORM = '`[instance/]project-key` (for example `payments-api`)';
const SELECTOR_FORM =
  '`key=value[,key=value]` (for example `backstage-name=payments-api`)';
const APP_NAME_FORM =
  'a DNS-1123 subdomain (lowercase letters, digits, `-` and `.`), for example `payments-api-prd`';
const APP_NAMESPACE_FORM =
  'a Kubernetes namespace name (DNS-1123 label), for example `argocd`';
const INSTANCE_FORM =
  'an instance name of letters, digits, `.`, `_` and `-`, as configured';
const ECR_FORM =
  '`arn:aws:ecr:<region>:<12-digit account>:repository/<name>` (for example `arn:aws:ecr:eu-west-1:123456789012:repository/payments-api`)';
const GITLAB_FORM =
  '`group[/subgroup]/project` (for example `payments/payments-api`)';

const INSTANCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
// URL schemes that must never be read as an instance name.
const WELL_KNOWN_SCHEMES = new Set([
  'http',
  'https',
  'ftp',
  'file',
  'javascript',
  'data',
  'ws',
  'wss',
  'mailto',
  'ssh',
  'git',
  'vbscript',
]);
// Jenkins refuses these in item names (Jenkins.checkGoodName).
const JENKINS_FORBIDDEN = /[?*/\\%!@#$^&|<>[\]:;]/;
const SONARQUBE_KEY = /^[A-Za-z0-9_.:-]{1,400}$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ECR_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):ecr:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):repository\/(.+)$/;
/** The ECR repository name rule, `/`-separated namespaces allowed. */
const ECR_REPOSITORY_NAME =
  /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const GITLAB_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Parses a `jenkins.io/job-full-name` value such as `ci2:services/payments-api`
 * or a multibranch branch job `services/payments-api/main`.
 *
 * @throws InvalidAnnotationError when the value does not have that form
 * @public
 */
export function parseJenkinsJobReference(value: string): JenkinsJobReference {
  const fail = failer(JENKINS_JOB_FULL_NAME_ANNOTATION, JENKINS_FORM);
  const raw = checkCommonHazards(value, fail);

  let instance: string | undefined;
  let path = raw;
  const colon = raw.indexOf(':');
  if (colon >= 0) {
    instance = checkInstance(raw.slice(0, colon), fail);
    path = raw.slice(colon + 1);
  }
  const jobPath = path.split('/');
  for (const segment of jobPath) {
    if (segment === '') {
      fail(
        'it has an empty job name segment (a leading, trailing or double `/`)',
      );
    }
    if (segment === '.' || segment === '..') {
      fail('`.` and `..` are not job names');
    }
    if (JENKINS_FORBIDDEN.test(segment)) {
      fail(
        `the job name \`${segment}\` contains a character Jenkins does not allow in names (one of ?*/\\%!@#$^&|<>[]:;)`,
      );
    }
    if (segment.trim() !== segment) {
      fail(`the job name \`${segment}\` starts or ends with whitespace`);
    }
  }
  return {
    ...(instance ? { instance } : {}),
    jobPath,
    fullName: jobPath.join('/'),
  };
}

/**
 * Parses a `sonarqube.org/project-key` value such as `payments-api` or
 * `sonar2/payments-api`.
 *
 * @throws InvalidAnnotationError when the value does not have that form
 * @public
 */
export function parseSonarQubeProjectReference(
  value: string,
): SonarQubeProjectReference {
  const fail = failer(SONARQUBE_PROJECT_KEY_ANNOTATION, SONARQUBE_FORM);
  const raw = checkCommonHazards(value, fail);
  const parts = raw.split('/');
  if (parts.length > 2) {
    fail(
      'a project key contains no `/`; only one `instance/` prefix is allowed',
    );
  }
  const projectKey = parts.length === 2 ? parts[1] : parts[0];
  const instance =
    parts.length === 2 ? checkInstance(parts[0], fail) : undefined;
  if (projectKey === '') {
    fail('the project key is empty');
  }
  if (!SONARQUBE_KEY.test(projectKey) || /^\.+$/.test(projectKey)) {
    fail(
      `the project key \`${projectKey}\` may only contain letters, digits, \`-\`, \`_\`, \`.\` and \`:\``,
    );
  }
  if (/^\d+$/.test(projectKey)) {
    fail('a project key needs at least one character that is not a digit');
  }
  return { ...(instance ? { instance } : {}), projectKey };
}

/**
 * Parses an `argocd/app-selector` value (equality-based label selector).
 *
 * @throws InvalidAnnotationError when the value does not have that form
 * @public
 */
export function parseArgoCdSelector(value: string): {
  selector: string;
  requirements: LabelRequirement[];
} {
  const fail = failer(ARGOCD_APP_SELECTOR_ANNOTATION, SELECTOR_FORM);
  const raw = checkCommonHazards(value, fail);
  const requirements = raw.split(',').map(part => {
    const match = /^\s*([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)\s*$/.exec(part);
    if (!match) {
      return fail(`\`${part.trim()}\` is not a \`key=value\` requirement`);
    }
    const [, key, op, labelValue] = match;
    checkLabelKey(key, fail);
    if (labelValue !== '' && !LABEL_NAME.test(labelValue)) {
      fail(
        `the label value \`${labelValue}\` must be at most 63 letters, digits, \`-\`, \`_\` or \`.\`, starting and ending with a letter or digit`,
      );
    }
    const operator: '=' | '!=' = op === '!=' ? '!=' : '=';
    return { key, operator, value: labelValue };
  });
  return {
    selector: requirements
      .map(r => `${r.key}${r.operator}${r.value}`)
      .join(','),
    requirements,
  };
}

/**
 * Parses an `argocd/app-name` value.
 *
 * @throws InvalidAnnotationError when the value is not a valid application name
 * @public
 */
export function parseArgoCdApplicationName(value: string): string {
  const fail = failer(ARGOCD_APP_NAME_ANNOTATION, APP_NAME_FORM);
  const raw = checkCommonHazards(value, fail);
  if (raw.length > 253 || !DNS_SUBDOMAIN.test(raw)) {
    fail(`\`${raw}\` is not a valid application name`);
  }
  return raw;
}

/**
 * Parses an ECR repository ARN such as
 * `arn:aws:ecr:eu-west-1:123456789012:repository/payments-api`.
 *
 * @throws InvalidAnnotationError when the value is not an ECR repository ARN
 * @public
 */
export function parseEcrRepositoryArn(value: string): EcrRepositoryReference {
  const fail = failer(ECR_REPOSITORY_ARN_ANNOTATION, ECR_FORM);
  const raw = value.trim();
  if (raw === '') {
    fail('the value is empty');
  }
  const match = ECR_ARN.exec(raw);
  if (!match) {
    return fail('the value is not an ECR repository ARN');
  }
  const [, partition, region, accountId, repositoryName] = match;
  if (
    repositoryName.length < 2 ||
    repositoryName.length > 256 ||
    !ECR_REPOSITORY_NAME.test(repositoryName)
  ) {
    fail(
      `\`${repositoryName}\` is not a valid repository name (lowercase letters and digits separated by \`.\`, \`_\`, \`-\` or \`/\`, 2 to 256 characters)`,
    );
  }
  return { arn: raw, partition, region, accountId, repositoryName };
}

/**
 * Parses a `gitlab.com/project-slug` value such as `payments/payments-api`.
 *
 * @throws InvalidAnnotationError when the value does not have that form
 * @public
 */
export function parseGitLabProjectSlug(value: string): GitLabProjectReference {
  const fail = failer(GITLAB_PROJECT_SLUG_ANNOTATION, GITLAB_FORM);
  const raw = checkCommonHazards(value, fail);
  const segments = raw.split('/');
  if (segments.length < 2) {
    fail('a project slug has a group and a project separated by `/`');
  }
  for (const segment of segments) {
    if (segment === '') {
      fail('it has an empty path segment (a leading, trailing or double `/`)');
    }
    if (!GITLAB_SEGMENT.test(segment) || /\.(git|atom)$/.test(segment)) {
      fail(`\`${segment}\` is not a valid GitLab path segment`);
    }
  }
  return {
    projectPath: raw,
    namespace: segments.slice(0, -1).join('/'),
    name: segments[segments.length - 1],
  };
}

/**
 * The Jenkins job of an entity, or `undefined` when it has no
 * `jenkins.io/job-full-name` annotation.
 *
 * @throws InvalidAnnotationError when the annotation is present but malformed
 * @public
 */
export function getJenkinsJobReference(
  entity: Entity,
): JenkinsJobReference | undefined {
  const value = annotation(entity, JENKINS_JOB_FULL_NAME_ANNOTATION);
  return value === undefined ? undefined : parseJenkinsJobReference(value);
}

/**
 * The SonarQube project of an entity, or `undefined` when it has no
 * `sonarqube.org/project-key` annotation.
 *
 * @throws InvalidAnnotationError when the annotation is present but malformed
 * @public
 */
export function getSonarQubeProjectReference(
  entity: Entity,
): SonarQubeProjectReference | undefined {
  const value = annotation(entity, SONARQUBE_PROJECT_KEY_ANNOTATION);
  return value === undefined
    ? undefined
    : parseSonarQubeProjectReference(value);
}

/**
 * The Argo CD applications of an entity, or `undefined` when it has neither
 * `argocd/app-selector` nor `argocd/app-name`. Like the Roadie plugin, the
 * selector wins when both are present.
 *
 * @throws InvalidAnnotationError when an Argo CD annotation is malformed
 * @public
 */
export function getArgoCdApplicationReference(
  entity: Entity,
): ArgoCdApplicationReference | undefined {
  const selector = annotation(entity, ARGOCD_APP_SELECTOR_ANNOTATION);
  const name = annotation(entity, ARGOCD_APP_NAME_ANNOTATION);
  if (selector === undefined && name === undefined) {
    return undefined;
  }
  const instanceValue = annotation(entity, ARGOCD_INSTANCE_NAME_ANNOTATION);
  const instance =
    instanceValue === undefined
      ? undefined
      : checkInstance(
          checkCommonHazards(
            instanceValue,
            failer(ARGOCD_INSTANCE_NAME_ANNOTATION, INSTANCE_FORM),
          ),
          failer(ARGOCD_INSTANCE_NAME_ANNOTATION, INSTANCE_FORM),
        );
  const namespaceValue = annotation(entity, ARGOCD_APP_NAMESPACE_ANNOTATION);
  let appNamespace: string | undefined;
  if (namespaceValue !== undefined) {
    const fail = failer(ARGOCD_APP_NAMESPACE_ANNOTATION, APP_NAMESPACE_FORM);
    appNamespace = checkCommonHazards(namespaceValue, fail);
    if (!DNS_LABEL.test(appNamespace)) {
      fail(`\`${appNamespace}\` is not a valid namespace name`);
    }
  }
  const common = {
    ...(instance ? { instance } : {}),
    ...(appNamespace ? { appNamespace } : {}),
  };
  if (selector !== undefined) {
    return { kind: 'selector', ...common, ...parseArgoCdSelector(selector) };
  }
  return { kind: 'name', ...common, name: parseArgoCdApplicationName(name!) };
}

/**
 * The ECR repository of an entity, or `undefined` when it has no
 * `aws.amazon.com/aws-ecr-repository-arn` annotation.
 *
 * @throws InvalidAnnotationError when the annotation is present but malformed
 * @public
 */
export function getEcrRepositoryReference(
  entity: Entity,
): EcrRepositoryReference | undefined {
  const value = annotation(entity, ECR_REPOSITORY_ARN_ANNOTATION);
  return value === undefined ? undefined : parseEcrRepositoryArn(value);
}

/**
 * The GitLab project of an entity, or `undefined` when it has no
 * `gitlab.com/project-slug` annotation.
 *
 * @throws InvalidAnnotationError when the annotation is present but malformed
 * @public
 */
export function getGitLabProjectReference(
  entity: Entity,
): GitLabProjectReference | undefined {
  const value = annotation(entity, GITLAB_PROJECT_SLUG_ANNOTATION);
  return value === undefined ? undefined : parseGitLabProjectSlug(value);
}

type Fail = (problem: string) => never;

function failer(annotationKey: string, expected: string): Fail {
  return problem => {
    throw new InvalidAnnotationError({
      annotation: annotationKey,
      expected,
      problem,
    });
  };
}

function annotation(entity: Entity, key: string): string | undefined {
  const value = entity.metadata.annotations?.[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Rejects what no annotation of ours may contain: URLs, schemes, encoded or
 * backward slashes and control characters. Returns the trimmed value.
 */
function checkCommonHazards(value: string, fail: Fail): string {
  if (typeof value !== 'string') {
    fail('the value is not a string');
  }
  const raw = value.trim();
  if (raw === '') {
    fail('the value is empty');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw.startsWith('//')) {
    fail(
      'it is a URL; name the item instead, the server comes from the instance config',
    );
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw);
  if (scheme && WELL_KNOWN_SCHEMES.has(scheme[1].toLowerCase())) {
    fail(`it starts with the URL scheme \`${scheme[1]}:\``);
  }
  if (/%(2f|5c|2e|25)/i.test(raw)) {
    fail('it contains an encoded `/`, `\\`, `.` or `%`');
  }
  if (raw.includes('\\')) {
    fail('it contains a `\\`');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) {
    fail('it contains a control character');
  }
  return raw;
}

function checkInstance(name: string, fail: Fail): string {
  if (name === '') {
    fail('the instance name before the separator is empty');
  }
  if (!INSTANCE_NAME.test(name) || /^\.+$/.test(name)) {
    fail(
      `\`${name}\` is not a valid instance name (letters, digits, \`.\`, \`_\` and \`-\`)`,
    );
  }
  if (WELL_KNOWN_SCHEMES.has(name.toLowerCase())) {
    fail(`it starts with the URL scheme \`${name}:\``);
  }
  return name;
}

function checkLabelKey(key: string, fail: Fail) {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (
    prefix !== undefined &&
    (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))
  ) {
    fail(`the label key prefix \`${prefix}\` is not a DNS subdomain`);
  }
  if (!LABEL_NAME.test(name)) {
    fail(
      `the label key \`${key}\` must be at most 63 letters, digits, \`-\`, \`_\` or \`.\`, starting and ending with a letter or digit`,
    );
  }
}
