import { InputError } from '@backstage/errors';

/**
 * Input checks shared by the actions. Each throws an `InputError` that names
 * the input field and the rule it breaks, before anything is sent upstream.
 */

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ECR_NAME =
  /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const AWS_ACCOUNT_ID = /^\d{12}$/;

/**
 * The distinct entries of a list input whose entries must come from `known`;
 * `defaults` when the input is left out.
 */
export function readChoices<T extends string>(
  field: string,
  value: string[] | undefined,
  options: {
    known: readonly T[];
    defaults: readonly T[];
    /** What one entry is called in the error, e.g. "event". */
    noun: string;
    /** Appended to the error for an empty list, e.g. ", or leave it out to run both". */
    emptyHint?: string;
  },
): T[] {
  const { known, noun } = options;
  if (value === undefined) {
    return [...options.defaults];
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new InputError(
      `Invalid input "${field}": give at least one of ${known.join(', ')}${
        options.emptyHint ?? ''
      }`,
    );
  }
  for (const entry of value) {
    if (!(known as readonly string[]).includes(entry)) {
      throw new InputError(
        `Invalid input "${field}": unknown ${noun} "${String(entry).slice(
          0,
          40,
        )}"; use ${known.join(', ')}`,
      );
    }
  }
  return [...new Set(value)] as T[];
}

/** Throws unless `value` is a DNS-1123 label (Kubernetes namespaces, Argo CD names). */
export function checkDnsLabel(field: string, value: string): string {
  if (value.length < 1 || value.length > 63 || !DNS_1123_LABEL.test(value)) {
    throw new InputError(
      `Invalid input "${field}": "${clip(
        value,
      )}" is not a DNS-1123 label; use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return value;
}

/** Throws unless `value` is a valid ECR repository name. */
export function checkEcrRepositoryName(field: string, value: string): string {
  if (value.length < 2 || value.length > 256) {
    throw new InputError(
      `Invalid input "${field}": an ECR repository name has 2 to 256 characters, got ${value.length}`,
    );
  }
  if (!ECR_NAME.test(value)) {
    throw new InputError(
      `Invalid input "${field}": "${clip(
        value,
      )}" is not a valid ECR repository name; use lowercase letters and digits separated by single '.', '_' or '-', with optional '/' namespaces (pattern [a-z0-9]+(?:[._-][a-z0-9]+)*)`,
    );
  }
  return value;
}

/** Throws unless `value` is an AWS region code. */
export function checkAwsRegion(field: string, value: string): string {
  if (!AWS_REGION.test(value)) {
    throw new InputError(
      `Invalid input "${field}": "${clip(
        value,
      )}" is not an AWS region code; use one such as eu-west-1`,
    );
  }
  return value;
}

/** Throws unless `value` is a 12-digit AWS account ID. */
export function checkAwsAccountId(field: string, value: string): string {
  if (!AWS_ACCOUNT_ID.test(value)) {
    throw new InputError(
      `Invalid input "${field}": "${clip(
        value,
      )}" is not an AWS account ID; use the 12 digits, e.g. 123456789012`,
    );
  }
  return value;
}

/**
 * Throws unless `value` is a usable Jenkins item name: no '/', no '..', no
 * characters Jenkins refuses, at most 255 characters.
 */
export function checkJenkinsItemName(field: string, value: string): string {
  if (value.includes('/')) {
    throw new InputError(
      `Invalid input "${field}": the Jenkins job name "${clip(
        value,
      )}" contains '/'; give the job name alone and put parent folders in "folder"`,
    );
  }
  if (value.includes('..') || value === '.') {
    throw new InputError(
      `Invalid input "${field}": the Jenkins name "${clip(
        value,
      )}" contains '..'; use letters, digits, '.', '_' and '-'`,
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(value)) {
    throw new InputError(
      `Invalid input "${field}": the Jenkins name "${clip(
        value,
      )}" must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (at most 255)`,
    );
  }
  return value;
}

/** Splits a Jenkins folder path `a/b` into its names, each checked. */
export function parseJenkinsFolder(field: string, value?: string): string[] {
  const trimmed = (value ?? '').trim().replace(/^\/+|\/+$/g, '');
  if (!trimmed) {
    return [];
  }
  return trimmed.split('/').map(name => {
    if (name === '' || name === '.' || name.includes('..')) {
      throw new InputError(
        `Invalid input "${field}": the folder path "${clip(
          value ?? '',
        )}" has an empty, '.' or '..' segment; use names separated by single '/'`,
      );
    }
    return checkJenkinsItemName(field, name);
  });
}

/** Throws unless `value` is an absolute http(s) URL; returns it parsed. */
export function checkHttpUrl(field: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      `Invalid input "${field}": not an absolute URL; use the form https://host/path`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(
      `Invalid input "${field}": only http and https URLs are allowed`,
    );
  }
  if (url.username || url.password) {
    throw new InputError(
      `Invalid input "${field}": the URL must not contain credentials`,
    );
  }
  return url;
}

/**
 * Checks that an instance is configured and returns its name (undefined for
 * the default instance; an empty string means the default too, because a
 * template renders an unset parameter as '').
 */
export function checkInstance(
  field: string,
  value: string | undefined,
  options: {
    tool: string;
    configured: string[];
    hasDefault: boolean;
    configKey: string;
  },
): string | undefined {
  const name = value?.trim() ? value.trim() : undefined;
  const configured = options.configured.length
    ? options.configured.map(n => `"${n}"`).join(', ')
    : 'none';
  if (name === undefined) {
    if (!options.hasDefault) {
      throw new InputError(
        options.configured.length
          ? `Invalid input "${field}": no default ${options.tool} instance is configured (configured: ${configured}); name one of them`
          : `No ${options.tool} instance is configured; add one under ${options.configKey}`,
      );
    }
    return undefined;
  }
  if (!options.configured.includes(name)) {
    throw new InputError(
      `Invalid input "${field}": no ${options.tool} instance named "${clip(
        name,
      )}" is configured (configured: ${configured}); use one of them or add it under ${
        options.configKey
      }`,
    );
  }
  return name;
}

/** An empty or blank string counts as "not given". */
export function optional(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined;
}

// Inputs are echoed in errors so users see what was wrong; long values are
// cut so a pasted blob does not flood the task log.
function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
