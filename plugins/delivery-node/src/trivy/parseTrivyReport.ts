import { InputError } from '@backstage/errors';
import {
  SeverityCounts,
  VULNERABILITY_SEVERITIES,
  VulnerabilityFinding,
  VulnerabilityReport,
  VulnerabilitySeverity,
} from '@slipway/plugin-delivery-common';

/**
 * One scanned target of a Trivy report.
 *
 * @public
 */
export type TrivyTarget = {
  /** e.g. `payments-api (alpine 3.20.3)` or `app/package-lock.json`. */
  target: string;
  /** `os-pkgs` or `lang-pkgs`. */
  class?: string;
  /** e.g. `alpine`, `npm`, `gobinary`. */
  type?: string;
  vulnerabilities: number;
};

/**
 * A Trivy JSON report (SchemaVersion 2) as the delivery model sees it.
 *
 * @public
 */
export type TrivyReport = VulnerabilityReport & {
  source: 'trivy';
  targets: TrivyTarget[];
};

/**
 * Parses Trivy's JSON report (`trivy image --format json`, SchemaVersion 2)
 * into counts per severity, fixable counts and findings. Severities Trivy does
 * not define are counted as `UNKNOWN`; a finding is fixable when it has a
 * fixed version.
 *
 * @param json - the report, as text or parsed
 * @throws InputError when the input is not a Trivy JSON report
 * @public
 */
export function parseTrivyReport(json: unknown): TrivyReport {
  let report: any = json;
  if (typeof json === 'string') {
    try {
      report = JSON.parse(json);
    } catch {
      throw notAReport('it is not valid JSON');
    }
  }
  if (typeof report !== 'object' || report === null || Array.isArray(report)) {
    throw notAReport('it is not a JSON object');
  }
  if (report.SchemaVersion === undefined) {
    throw notAReport('SchemaVersion is missing');
  }
  if (report.SchemaVersion !== 2) {
    throw notAReport(
      `SchemaVersion ${JSON.stringify(
        report.SchemaVersion,
      )} is not supported (expected 2)`,
    );
  }
  if (
    report.Results !== undefined &&
    report.Results !== null &&
    !Array.isArray(report.Results)
  ) {
    throw notAReport('Results is not an array');
  }

  const counts = zeroCounts();
  const fixable = zeroCounts();
  const findings: VulnerabilityFinding[] = [];
  const targets: TrivyTarget[] = [];
  const results: any[] = report.Results ?? [];

  results.forEach((result, r) => {
    if (typeof result !== 'object' || result === null) {
      throw notAReport(`Results[${r}] is not an object`);
    }
    const vulnerabilities = result.Vulnerabilities ?? [];
    if (!Array.isArray(vulnerabilities)) {
      throw notAReport(`Results[${r}].Vulnerabilities is not an array`);
    }
    const target = stringOr(result.Target, `Results[${r}]`);
    targets.push({
      target,
      ...(typeof result.Class === 'string' ? { class: result.Class } : {}),
      ...(typeof result.Type === 'string' ? { type: result.Type } : {}),
      vulnerabilities: vulnerabilities.length,
    });
    vulnerabilities.forEach((v: any, i: number) => {
      if (
        typeof v !== 'object' ||
        v === null ||
        typeof v.VulnerabilityID !== 'string'
      ) {
        throw notAReport(
          `Results[${r}].Vulnerabilities[${i}] has no VulnerabilityID`,
        );
      }
      const severity = toSeverity(v.Severity);
      const fixedVersion = nonEmpty(v.FixedVersion);
      counts[severity]++;
      if (fixedVersion) {
        fixable[severity]++;
      }
      findings.push(
        dropUndefined({
          id: v.VulnerabilityID,
          packageName: stringOr(v.PkgName, v.PkgID ?? 'unknown'),
          installedVersion: nonEmpty(v.InstalledVersion),
          fixedVersion,
          severity,
          title: nonEmpty(v.Title),
          url: safeUrl(v.PrimaryURL),
          target,
          packageType: nonEmpty(result.Type),
        }),
      );
    });
  });

  return dropUndefined({
    source: 'trivy' as const,
    artifactName: nonEmpty(report.ArtifactName),
    digest: digestOf(report.Metadata),
    scannedAt: nonEmpty(report.CreatedAt),
    counts,
    fixable,
    total: findings.length,
    findings,
    targets,
  });
}

/**
 * Maps any scanner's severity word onto the model's severities.
 *
 * @public
 */
export function toSeverity(value: unknown): VulnerabilitySeverity {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  return (VULNERABILITY_SEVERITIES as readonly string[]).includes(upper)
    ? (upper as VulnerabilitySeverity)
    : 'UNKNOWN';
}

/** @internal */
export function zeroCounts(): SeverityCounts {
  return { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
}

function notAReport(problem: string) {
  return new InputError(
    `Not a Trivy JSON report: ${problem}. Produce it with \`trivy image --format json --output trivy-report.json <image>\` (Trivy 0.20 or later, SchemaVersion 2).`,
  );
}

/** The manifest digest from `Metadata.RepoDigests` (`repo@sha256:…`). */
function digestOf(metadata: any): string | undefined {
  const digests = Array.isArray(metadata?.RepoDigests)
    ? metadata.RepoDigests
    : [];
  for (const entry of digests) {
    if (typeof entry === 'string' && entry.includes('@sha256:')) {
      return entry.slice(entry.indexOf('@') + 1);
    }
  }
  return undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function stringOr(value: unknown, fallback: string): string {
  return nonEmpty(value) ?? fallback;
}

/** Only http(s) links reach a browser. */
function safeUrl(value: unknown): string | undefined {
  const text = nonEmpty(value);
  return text && /^https?:\/\//i.test(text) ? text : undefined;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
