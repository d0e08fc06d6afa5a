/** ECR API outputs (AWS JSON 1.1), as the SDK hands them back. */

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const REPOSITORY_URI = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/payments-api`;

export const repository = {
  repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/payments-api`,
  registryId: ACCOUNT,
  repositoryName: 'payments-api',
  repositoryUri: REPOSITORY_URI,
  createdAt: new Date('2024-05-01T08:00:00Z'),
  imageTagMutability: 'IMMUTABLE' as const,
  imageScanningConfiguration: { scanOnPush: true },
  encryptionConfiguration: { encryptionType: 'AES256' as const },
};

export const imageDetail = {
  registryId: ACCOUNT,
  repositoryName: 'payments-api',
  imageDigest:
    'sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
  imageTags: ['3f2c1ab'],
  imageSizeInBytes: 58720256,
  imagePushedAt: new Date('2024-06-10T09:17:02Z'),
  imageScanStatus: {
    status: 'COMPLETE' as const,
    description: 'The scan was completed successfully.',
  },
  imageScanFindingsSummary: {
    imageScanCompletedAt: new Date('2024-06-10T09:17:40Z'),
    vulnerabilitySourceUpdatedAt: new Date('2024-06-10T00:12:00Z'),
    findingSeverityCounts: { HIGH: 1, MEDIUM: 1, INFORMATIONAL: 1 },
  },
  imageManifestMediaType:
    'application/vnd.docker.distribution.manifest.v2+json',
  artifactMediaType: 'application/vnd.docker.container.image.v1+json',
};

/**
 * `DescribeImages` with `filter: { tagStatus: 'TAGGED' }` and no image IDs:
 * every tagged image, in no particular order, in pages.
 */
export const taggedImagesPage1 = {
  imageDetails: [
    {
      ...imageDetail,
      imageDigest:
        'sha256:1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809',
      imageTags: ['0c9d8e7f'],
      imagePushedAt: new Date('2024-06-08T15:02:11Z'),
    },
    imageDetail,
  ],
  nextToken: 'images-page-2-token',
};

export const taggedImagesPage2 = {
  imageDetails: [
    {
      ...imageDetail,
      imageDigest:
        'sha256:7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f',
      imageTags: ['5b4a3c2d', 'release-1.4.0'],
      imagePushedAt: new Date('2024-06-11T07:45:30Z'),
      imageScanStatus: {
        status: 'IN_PROGRESS' as const,
        description: 'The scan is in progress.',
      },
      imageScanFindingsSummary: undefined,
    },
  ],
};

/** Basic scanning returns findings in pages. */
export const basicScanPage1 = {
  registryId: ACCOUNT,
  repositoryName: 'payments-api',
  imageId: { imageDigest: imageDetail.imageDigest, imageTag: '3f2c1ab' },
  imageScanStatus: {
    status: 'COMPLETE' as const,
    description: 'The scan was completed successfully.',
  },
  imageScanFindings: {
    imageScanCompletedAt: new Date('2024-06-10T09:17:40Z'),
    vulnerabilitySourceUpdatedAt: new Date('2024-06-10T00:12:00Z'),
    findingSeverityCounts: { HIGH: 1, MEDIUM: 1, INFORMATIONAL: 1 },
    findings: [
      {
        name: 'CVE-2024-6119',
        description:
          'Applications performing certificate name checks might attempt to read an invalid memory address.',
        uri: 'https://security-tracker.debian.org/tracker/CVE-2024-6119',
        severity: 'HIGH' as const,
        attributes: [
          { key: 'package_version', value: '3.0.13-1~deb12u1' },
          { key: 'package_name', value: 'openssl' },
          { key: 'CVSS2_VECTOR', value: 'AV:N/AC:L/Au:N/C:N/I:N/A:P' },
          { key: 'CVSS2_SCORE', value: '5' },
        ],
      },
    ],
  },
  nextToken: 'page-2-token',
};

export const basicScanPage2 = {
  ...basicScanPage1,
  imageScanFindings: {
    ...basicScanPage1.imageScanFindings,
    findings: [
      {
        name: 'CVE-2023-50495',
        uri: 'https://security-tracker.debian.org/tracker/CVE-2023-50495',
        severity: 'MEDIUM' as const,
        attributes: [
          { key: 'package_version', value: '6.4-4' },
          { key: 'package_name', value: 'ncurses' },
        ],
      },
      {
        name: 'CVE-2011-3374',
        severity: 'INFORMATIONAL' as const,
        attributes: [
          { key: 'package_version', value: '2.6.1' },
          { key: 'package_name', value: 'apt' },
        ],
      },
    ],
  },
  nextToken: undefined,
};

/** Enhanced scanning (Amazon Inspector) findings. */
export const enhancedScan = {
  registryId: ACCOUNT,
  repositoryName: 'payments-api',
  imageId: { imageDigest: imageDetail.imageDigest, imageTag: '3f2c1ab' },
  imageScanStatus: {
    status: 'ACTIVE' as const,
    description: 'Continuous scan is selected for image.',
  },
  imageScanFindings: {
    imageScanCompletedAt: new Date('2024-06-10T09:18:00Z'),
    enhancedFindings: [
      {
        awsAccountId: ACCOUNT,
        description: 'path-to-regexp outputs backtracking regular expressions.',
        findingArn: `arn:aws:inspector2:${REGION}:${ACCOUNT}:finding/0a1b2c3d`,
        packageVulnerabilityDetails: {
          source: 'NVD',
          sourceUrl: 'https://nvd.nist.gov/vuln/detail/CVE-2024-45296',
          vulnerabilityId: 'CVE-2024-45296',
          vulnerablePackages: [
            {
              name: 'path-to-regexp',
              version: '0.1.7',
              fixedInVersion: '0.1.10',
              packageManager: 'NODEPKG',
              filePath: 'app/node_modules/path-to-regexp/package.json',
            },
          ],
        },
        severity: 'HIGH',
        status: 'ACTIVE',
        title: 'CVE-2024-45296 - path-to-regexp',
        type: 'PACKAGE_VULNERABILITY',
        fixAvailable: 'YES',
      },
      {
        awsAccountId: ACCOUNT,
        packageVulnerabilityDetails: {
          vulnerabilityId: 'CVE-2024-5535',
          vulnerablePackages: [
            {
              name: 'libssl3',
              version: '3.3.1-r3',
              fixedInVersion: 'NotAvailable',
              packageManager: 'OS',
            },
          ],
        },
        severity: 'UNTRIAGED',
        title: 'CVE-2024-5535 - libssl3',
        type: 'PACKAGE_VULNERABILITY',
        fixAvailable: 'NO',
      },
    ],
  },
};
