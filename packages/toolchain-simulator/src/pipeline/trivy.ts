/**
 * Trivy (JSON format, SchemaVersion 2) reports for simulated images, built
 * from a fixed catalog of real advisories so outcomes are deterministic.
 */
import { Random, sha256Hex } from '../random';
import type { EcrFinding } from '../ecr/EcrSimulator';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';

interface Advisory {
  id: string;
  pkg: string;
  installed: string;
  fixed?: string;
  severity: Severity;
  title: string;
  score: number;
  vector: string;
  class: 'os-pkgs' | 'lang-pkgs';
  published: string;
}

const CATALOG: Advisory[] = [
  {
    id: 'CVE-2022-37434',
    pkg: 'zlib',
    installed: '1.2.12-r1',
    fixed: '1.2.12-r2',
    severity: 'CRITICAL',
    title:
      'zlib: heap-based buffer over-read and overflow in inflate() in inflate.c via a large gzip header extra field',
    score: 9.8,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    class: 'os-pkgs',
    published: '2022-08-05T07:15:07Z',
  },
  {
    id: 'CVE-2021-44906',
    pkg: 'minimist',
    installed: '1.2.5',
    fixed: '1.2.6',
    severity: 'CRITICAL',
    title: 'minimist: prototype pollution',
    score: 9.8,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    class: 'lang-pkgs',
    published: '2022-03-17T16:15:07Z',
  },
  {
    id: 'CVE-2023-45853',
    pkg: 'zlib',
    installed: '1.2.13-r1',
    severity: 'CRITICAL',
    title:
      'zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6',
    score: 9.8,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    class: 'os-pkgs',
    published: '2023-10-14T02:15:09Z',
  },
  {
    id: 'CVE-2023-5363',
    pkg: 'libcrypto3',
    installed: '3.1.3-r0',
    fixed: '3.1.4-r0',
    severity: 'HIGH',
    title: 'openssl: Incorrect cipher key and IV length processing',
    score: 7.5,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
    class: 'os-pkgs',
    published: '2023-10-25T18:17:43Z',
  },
  {
    id: 'CVE-2024-21538',
    pkg: 'cross-spawn',
    installed: '7.0.3',
    fixed: '7.0.5',
    severity: 'HIGH',
    title: 'cross-spawn: regular expression denial of service',
    score: 7.5,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
    class: 'lang-pkgs',
    published: '2024-11-08T05:15:06Z',
  },
  {
    id: 'CVE-2024-45590',
    pkg: 'body-parser',
    installed: '1.20.2',
    fixed: '1.20.3',
    severity: 'HIGH',
    title: 'body-parser: Denial of Service Vulnerability in body-parser',
    score: 7.5,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
    class: 'lang-pkgs',
    published: '2024-09-10T16:15:21Z',
  },
  {
    id: 'CVE-2024-37890',
    pkg: 'ws',
    installed: '8.16.0',
    fixed: '8.17.1',
    severity: 'HIGH',
    title:
      'nodejs-ws: denial of service when handling a request with many HTTP headers',
    score: 7.5,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
    class: 'lang-pkgs',
    published: '2024-06-17T20:15:13Z',
  },
  {
    id: 'CVE-2024-0727',
    pkg: 'libcrypto3',
    installed: '3.1.4-r4',
    fixed: '3.1.4-r5',
    severity: 'MEDIUM',
    title: 'openssl: denial of service via null dereference',
    score: 5.5,
    vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H',
    class: 'os-pkgs',
    published: '2024-01-26T09:15:07Z',
  },
  {
    id: 'CVE-2023-42363',
    pkg: 'busybox',
    installed: '1.36.1-r15',
    fixed: '1.36.1-r17',
    severity: 'MEDIUM',
    title: 'busybox: use-after-free in awk',
    score: 5.5,
    vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H',
    class: 'os-pkgs',
    published: '2023-11-27T23:15:07Z',
  },
  {
    id: 'CVE-2024-4067',
    pkg: 'micromatch',
    installed: '4.0.5',
    fixed: '4.0.8',
    severity: 'MEDIUM',
    title: 'micromatch: vulnerable to Regular Expression Denial of Service',
    score: 5.3,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L',
    class: 'lang-pkgs',
    published: '2024-05-14T15:42:48Z',
  },
  {
    id: 'CVE-2023-26136',
    pkg: 'tough-cookie',
    installed: '4.1.2',
    fixed: '4.1.3',
    severity: 'MEDIUM',
    title: 'tough-cookie: prototype pollution in cookie memstore',
    score: 6.5,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N',
    class: 'lang-pkgs',
    published: '2023-07-01T05:15:16Z',
  },
  {
    id: 'CVE-2024-43796',
    pkg: 'express',
    installed: '4.19.2',
    fixed: '4.20.0',
    severity: 'LOW',
    title: 'express: Improper Input Handling in Express Redirects',
    score: 5.0,
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L',
    class: 'lang-pkgs',
    published: '2024-09-10T15:15:17Z',
  },
  {
    id: 'CVE-2024-2511',
    pkg: 'libssl3',
    installed: '3.1.4-r5',
    fixed: '3.1.4-r6',
    severity: 'LOW',
    title: 'openssl: Unbounded memory growth with session handling in TLSv1.3',
    score: 3.7,
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:L',
    class: 'os-pkgs',
    published: '2024-04-08T14:15:07Z',
  },
];

export interface TrivyOptions {
  /** `critical` forces a CRITICAL finding, `clean` none; else a stable mix. */
  mode: 'default' | 'critical' | 'clean';
  /** IDs accepted in `.trivyignore` (expired entries already removed). */
  ignored: Set<string>;
  key: string;
  imageRef: string;
  imageDigest: string;
  createdAt: number;
}

export interface TrivyResult {
  report: Record<string, unknown>;
  counts: Record<Severity, number>;
  ecrFindings: EcrFinding[];
}

export function trivyScan(options: TrivyOptions): TrivyResult {
  const random = new Random(`trivy:${options.key}`);
  let picked: Advisory[] = [];
  if (options.mode !== 'clean') {
    const nonCritical = CATALOG.filter(a => a.severity !== 'CRITICAL');
    picked = random.sample(nonCritical, random.int(2, 5));
    if (options.mode === 'critical') {
      picked.unshift(
        random.pick(CATALOG.filter(a => a.severity === 'CRITICAL')),
      );
    }
  }
  picked = picked.filter(a => !options.ignored.has(a.id));
  const layer = `sha256:${sha256Hex(`layer:${options.key}`)}`;
  const vuln = (a: Advisory) => ({
    VulnerabilityID: a.id,
    PkgID: `${a.pkg}@${a.installed}`,
    PkgName: a.pkg,
    PkgIdentifier: {
      PURL:
        a.class === 'os-pkgs'
          ? `pkg:apk/alpine/${a.pkg}@${a.installed}?arch=x86_64&distro=3.19.1`
          : `pkg:npm/${a.pkg}@${a.installed}`,
    },
    InstalledVersion: a.installed,
    ...(a.fixed ? { FixedVersion: a.fixed } : {}),
    Status: a.fixed ? 'fixed' : 'will_not_fix',
    Layer: { DiffID: layer },
    SeveritySource: a.class === 'os-pkgs' ? 'nvd' : 'ghsa',
    PrimaryURL: `https://avd.aquasec.com/nvd/${a.id.toLowerCase()}`,
    DataSource:
      a.class === 'os-pkgs'
        ? {
            ID: 'alpine',
            Name: 'Alpine Secdb',
            URL: 'https://secdb.alpinelinux.org/',
          }
        : {
            ID: 'ghsa',
            Name: 'GitHub Security Advisory npm',
            URL: 'https://github.com/advisories?query=type%3Areviewed+ecosystem%3Anpm',
          },
    Title: a.title,
    Description: `${a.title}.`,
    Severity: a.severity,
    CweIDs: [],
    VendorSeverity: { nvd: severityNumber(a.severity) },
    CVSS: { nvd: { V3Vector: a.vector, V3Score: a.score } },
    References: [`https://nvd.nist.gov/vuln/detail/${a.id}`],
    PublishedDate: a.published,
    LastModifiedDate: a.published,
  });
  const os = picked.filter(a => a.class === 'os-pkgs');
  const lang = picked.filter(a => a.class === 'lang-pkgs');
  const report = {
    SchemaVersion: 2,
    CreatedAt: new Date(options.createdAt).toISOString(),
    ArtifactName: options.imageRef,
    ArtifactType: 'container_image',
    Metadata: {
      OS: { Family: 'alpine', Name: '3.19.1' },
      ImageID: `sha256:${sha256Hex(`config:${options.key}`)}`,
      DiffIDs: [layer],
      RepoTags: [options.imageRef],
      RepoDigests: [`${options.imageRef.split(':')[0]}@${options.imageDigest}`],
      ImageConfig: {
        architecture: 'amd64',
        os: 'linux',
        config: { User: '10001' },
      },
    },
    Results: [
      {
        Target: `${options.imageRef} (alpine 3.19.1)`,
        Class: 'os-pkgs',
        Type: 'alpine',
        ...(os.length ? { Vulnerabilities: os.map(vuln) } : {}),
      },
      {
        Target: 'app/package-lock.json',
        Class: 'lang-pkgs',
        Type: 'npm',
        ...(lang.length ? { Vulnerabilities: lang.map(vuln) } : {}),
      },
    ],
  };
  const counts: Record<Severity, number> = {
    CRITICAL: 0,
    HIGH: 0,
    MEDIUM: 0,
    LOW: 0,
  };
  for (const a of picked) counts[a.severity]++;
  // ECR basic scanning reports OS packages only.
  const ecrFindings: EcrFinding[] = os.map(a => ({
    name: a.id,
    description: `${a.title}.`,
    uri: `https://nvd.nist.gov/vuln/detail/${a.id}`,
    severity: a.severity,
    attributes: [
      { key: 'package_version', value: a.installed },
      { key: 'package_name', value: a.pkg },
      { key: 'CVSS3_VECTOR', value: a.vector },
      { key: 'CVSS3_SCORE', value: String(a.score) },
    ],
  }));
  return { report, counts, ecrFindings };
}

function severityNumber(s: Severity) {
  return { LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 }[s];
}

/** Parses `.trivyignore`: one ID a line, optional `exp:YYYY-MM-DD`. */
export function parseTrivyIgnore(
  text: string | undefined,
  now: number,
): Set<string> {
  const ids = new Set<string>();
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [id, ...rest] = line.split(/\s+/);
    const exp = rest.find(r => r.startsWith('exp:'));
    if (exp && Date.parse(exp.slice(4)) < now) continue;
    ids.add(id);
  }
  return ids;
}
