import fs from 'fs';
import path from 'path';
import { parseTrivyReport } from './parseTrivyReport';

function fixture(name: string): string {
  return fs.readFileSync(
    path.join(__dirname, '..', '__fixtures__', name),
    'utf8',
  );
}

describe('parseTrivyReport', () => {
  it('counts os and language findings of several targets', () => {
    const report = parseTrivyReport(fixture('trivy-report.json'));
    expect(report.counts).toEqual({
      CRITICAL: 1,
      HIGH: 1,
      MEDIUM: 1,
      LOW: 1,
      UNKNOWN: 0,
    });
    expect(report.fixable).toEqual({
      CRITICAL: 1,
      HIGH: 1,
      MEDIUM: 1,
      LOW: 0,
      UNKNOWN: 0,
    });
    expect(report.total).toBe(4);
    expect(report.artifactName).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:3f2c1ab',
    );
    expect(report.digest).toBe(
      'sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
    );
    expect(report.scannedAt).toBe('2024-06-10T09:16:31.245938+00:00');
    expect(report.targets).toEqual([
      {
        target:
          '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:3f2c1ab (alpine 3.20.3)',
        class: 'os-pkgs',
        type: 'alpine',
        vulnerabilities: 2,
      },
      {
        target: 'app/package-lock.json',
        class: 'lang-pkgs',
        type: 'npm',
        vulnerabilities: 2,
      },
      {
        target: 'usr/local/bin/healthcheck',
        class: 'lang-pkgs',
        type: 'gobinary',
        vulnerabilities: 0,
      },
    ]);
    expect(report.findings[0]).toEqual({
      id: 'CVE-2024-6119',
      packageName: 'libcrypto3',
      installedVersion: '3.3.1-r3',
      fixedVersion: '3.3.2-r0',
      severity: 'HIGH',
      title: 'openssl: Possible denial of service in X.509 name checks',
      url: 'https://avd.aquasec.com/nvd/cve-2024-6119',
      target:
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:3f2c1ab (alpine 3.20.3)',
      packageType: 'alpine',
    });
    // An empty FixedVersion means no fix.
    expect(report.findings[1].fixedVersion).toBeUndefined();
    expect(report.findings[2]).toMatchObject({
      id: 'CVE-2024-45296',
      packageName: 'path-to-regexp',
      severity: 'CRITICAL',
      target: 'app/package-lock.json',
      packageType: 'npm',
    });
  });

  it('accepts an already parsed report', () => {
    expect(
      parseTrivyReport(JSON.parse(fixture('trivy-report.json'))).total,
    ).toBe(4);
  });

  it('reports zero for targets without vulnerabilities', () => {
    const report = parseTrivyReport(fixture('trivy-report-clean.json'));
    expect(report.total).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.counts).toEqual({
      CRITICAL: 0,
      HIGH: 0,
      MEDIUM: 0,
      LOW: 0,
      UNKNOWN: 0,
    });
    expect(report.targets).toHaveLength(1);
    // No RepoDigests before the push: no digest rather than a wrong one.
    expect(report.digest).toBeUndefined();
  });

  it('reports zero for a report without Results', () => {
    const report = parseTrivyReport(fixture('trivy-report-no-results.json'));
    expect(report.total).toBe(0);
    expect(report.targets).toEqual([]);
    expect(report.artifactName).toBe('scratch-image:1.0');
  });

  it('counts unknown, missing and lowercase severities sensibly and drops unsafe links', () => {
    const report = parseTrivyReport(
      fixture('trivy-report-unknown-severity.json'),
    );
    expect(report.counts).toEqual({
      CRITICAL: 0,
      HIGH: 1,
      MEDIUM: 0,
      LOW: 0,
      UNKNOWN: 3,
    });
    expect(report.fixable).toEqual({
      CRITICAL: 0,
      HIGH: 1,
      MEDIUM: 0,
      LOW: 0,
      UNKNOWN: 1,
    });
    expect(report.findings[0].url).toBeUndefined();
  });

  it.each([
    ['not JSON', '<html>login</html>', /not valid JSON/],
    ['an array', '[]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    [
      'a SARIF file',
      JSON.stringify({ version: '2.1.0', runs: [] }),
      /SchemaVersion is missing/,
    ],
    [
      'schema version 1',
      JSON.stringify({ SchemaVersion: 1, Results: [] }),
      /SchemaVersion 1 is not supported/,
    ],
    [
      'Results not an array',
      JSON.stringify({ SchemaVersion: 2, Results: {} }),
      /Results is not an array/,
    ],
    [
      'a vulnerability without id',
      JSON.stringify({
        SchemaVersion: 2,
        Results: [{ Target: 'x', Vulnerabilities: [{ PkgName: 'a' }] }],
      }),
      /Results\[0\]\.Vulnerabilities\[0\] has no VulnerabilityID/,
    ],
    [
      'Vulnerabilities not an array',
      JSON.stringify({
        SchemaVersion: 2,
        Results: [{ Target: 'x', Vulnerabilities: 'many' }],
      }),
      /Vulnerabilities is not an array/,
    ],
  ])('rejects %s with a clear error', (_, input, message) => {
    expect(() => parseTrivyReport(input)).toThrow(message);
    expect(() => parseTrivyReport(input)).toThrow(
      /Not a Trivy JSON report.*--format json/,
    );
  });
});
