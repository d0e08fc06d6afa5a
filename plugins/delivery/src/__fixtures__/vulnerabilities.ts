import { DeliveryVulnerabilitiesResponse } from '@slipway/plugin-delivery-common';

const IMAGE =
  '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:3f2c1ab';

/** `GET /vulnerabilities?run=44`: a Trivy report's findings, most severe first. */
export const vulnerabilitiesResponse: DeliveryVulnerabilitiesResponse = {
  entityRef: 'component:default/payments-api',
  runId: '44',
  report: {
    source: 'trivy',
    artifactName: IMAGE,
    digest:
      'sha256:9b2e5d6c8f1a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c',
    scannedAt: '2025-05-12T13:02:10.000Z',
    counts: { CRITICAL: 1, HIGH: 2, MEDIUM: 2, LOW: 1, UNKNOWN: 0 },
    fixable: { CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 0 },
    total: 6,
    findings: [
      {
        id: 'CVE-2024-45337',
        packageName: 'golang.org/x/crypto',
        installedVersion: 'v0.26.0',
        fixedVersion: '0.31.0',
        severity: 'CRITICAL',
        title:
          'Misuse of ServerConfig.PublicKeyCallback may cause authorization bypass',
        url: 'https://avd.aquasec.com/nvd/cve-2024-45337',
        target: 'usr/local/bin/healthcheck',
        packageType: 'gobinary',
      },
      {
        id: 'CVE-2024-21538',
        packageName: 'cross-spawn',
        installedVersion: '7.0.3',
        fixedVersion: '7.0.5, 6.0.6',
        severity: 'HIGH',
        title: 'Regular Expression Denial of Service (ReDoS) in cross-spawn',
        url: 'https://avd.aquasec.com/nvd/cve-2024-21538',
        target: 'app/package-lock.json',
        packageType: 'npm',
      },
      {
        id: 'CVE-2024-6119',
        packageName: 'libssl3',
        installedVersion: '3.3.1-r3',
        severity: 'HIGH',
        title: 'openssl: Possible denial of service in X.509 name checks',
        url: 'https://avd.aquasec.com/nvd/cve-2024-6119',
        target: 'payments-api (alpine 3.20.3)',
        packageType: 'alpine',
      },
      {
        id: 'CVE-2024-9143',
        packageName: 'libcrypto3',
        installedVersion: '3.3.2-r0',
        fixedVersion: '3.3.2-r1',
        severity: 'MEDIUM',
        title:
          'openssl: Low-level invalid GF(2^m) parameters lead to OOB memory access',
        url: 'https://avd.aquasec.com/nvd/cve-2024-9143',
        target: 'payments-api (alpine 3.20.3)',
        packageType: 'alpine',
      },
      {
        id: 'GHSA-3h5v-q93c-6h6q',
        packageName: 'ws',
        installedVersion: '8.17.0',
        severity: 'MEDIUM',
        title:
          'ws affected by a DoS when handling a request with many HTTP headers',
        url: 'https://github.com/advisories/GHSA-3h5v-q93c-6h6q',
        target: 'app/package-lock.json',
        packageType: 'npm',
      },
      {
        id: 'CVE-2024-13176',
        packageName: 'libcrypto3',
        installedVersion: '3.3.2-r0',
        severity: 'LOW',
        title: 'openssl: Timing side-channel in ECDSA signature computation',
        url: 'https://avd.aquasec.com/nvd/cve-2024-13176',
        target: 'payments-api (alpine 3.20.3)',
        packageType: 'alpine',
      },
    ],
  },
};
