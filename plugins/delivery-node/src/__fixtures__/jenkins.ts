/**
 * Jenkins responses shaped as the JSON API (`/api/json?tree=`) and the
 * Pipeline REST API (`wfapi/describe`) return them.
 */

export const JENKINS_BASE_URL = 'https://jenkins.example.com';

const SHA = '3f2c1ab9d0e4c5b6a7f8e9d0c1b2a3f4e5d6c7b8';
const PREVIOUS_SHA = '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b';

export const pipelineBuilds = {
  _class: 'org.jenkinsci.plugins.workflow.job.WorkflowJob',
  builds: [
    {
      _class: 'org.jenkinsci.plugins.workflow.job.WorkflowRun',
      actions: [
        { _class: 'hudson.model.CauseAction' },
        {
          _class: 'hudson.plugins.git.util.BuildData',
          lastBuiltRevision: {
            SHA1: SHA,
            branch: [{ SHA1: SHA, name: 'refs/remotes/origin/main' }],
          },
        },
        { _class: 'org.jenkinsci.plugins.workflow.libs.LibrariesAction' },
        {},
      ],
      artifacts: [
        { fileName: 'trivy-report.json', relativePath: 'trivy-report.json' },
      ],
      building: false,
      displayName: '#42',
      duration: 254123,
      number: 42,
      result: 'SUCCESS',
      timestamp: 1718000000000,
      url: `${JENKINS_BASE_URL}/job/services/job/payments-api/42/`,
      changeSets: [
        {
          _class: 'hudson.plugins.git.GitChangeSetList',
          items: [
            {
              _class: 'hudson.plugins.git.GitChangeSet',
              commitId: SHA,
              msg: 'Add refunds endpoint',
              author: { fullName: 'Ada Lovelace' },
            },
          ],
        },
      ],
    },
    {
      _class: 'org.jenkinsci.plugins.workflow.job.WorkflowRun',
      actions: [
        {
          _class: 'hudson.plugins.git.util.BuildData',
          lastBuiltRevision: {
            SHA1: PREVIOUS_SHA,
            branch: [{ SHA1: PREVIOUS_SHA, name: 'main' }],
          },
        },
      ],
      artifacts: [],
      building: false,
      displayName: '#41',
      duration: 98000,
      number: 41,
      result: 'FAILURE',
      timestamp: 1717990000000,
      url: `${JENKINS_BASE_URL}/job/services/job/payments-api/41/`,
      changeSets: [],
    },
    {
      _class: 'org.jenkinsci.plugins.workflow.job.WorkflowRun',
      actions: [],
      artifacts: [],
      building: true,
      displayName: '#43',
      duration: 0,
      number: 43,
      result: null,
      timestamp: 1718000500000,
      url: `${JENKINS_BASE_URL}/job/services/job/payments-api/43/`,
      changeSets: [],
    },
  ],
};

export const multibranchJob = {
  _class:
    'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject',
  jobs: [
    {
      _class: 'org.jenkinsci.plugins.workflow.job.WorkflowJob',
      name: 'feature%2Frefunds',
    },
    { _class: 'org.jenkinsci.plugins.workflow.job.WorkflowJob', name: 'main' },
  ],
};

export const pipelineJob = {
  _class: 'org.jenkinsci.plugins.workflow.job.WorkflowJob',
  name: 'payments-api',
  fullName: 'services/payments-api',
  url: `${JENKINS_BASE_URL}/job/services/job/payments-api/`,
};

export const folderJob = {
  _class: 'com.cloudbees.hudson.plugins.folder.Folder',
  name: 'services',
  fullName: 'services',
  url: `${JENKINS_BASE_URL}/job/services/`,
  jobs: [
    {
      _class:
        'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject',
      name: 'payments-api',
    },
    { _class: 'hudson.model.FreeStyleProject', name: 'legacy' },
  ],
};

export const wfapiDescribe = {
  _links: {
    self: { href: '/job/services/job/payments-api/42/wfapi/describe' },
  },
  id: '42',
  name: '#42',
  status: 'SUCCESS',
  startTimeMillis: 1718000000000,
  endTimeMillis: 1718000254123,
  durationMillis: 254123,
  queueDurationMillis: 12,
  pauseDurationMillis: 0,
  stages: [
    ['6', 'Checkout', 'SUCCESS', 3200],
    ['13', 'Unit tests', 'SUCCESS', 42100],
    ['24', 'SonarQube analysis', 'SUCCESS', 61000],
    ['35', 'Quality gate', 'SUCCESS', 9000],
    ['41', 'Build image', 'SUCCESS', 72000],
    ['52', 'Trivy scan', 'UNSTABLE', 30500],
    ['60', 'Push to ECR', 'SUCCESS', 14000],
    ['71', 'Update Helm values', 'SUCCESS', 6000],
    ['80', 'Push to GitLab', 'NOT_EXECUTED', 0],
    ['88', 'Smoke test', 'IN_PROGRESS', 1000],
  ].map(([id, name, status, durationMillis], i) => ({
    _links: {
      self: {
        href: `/job/services/job/payments-api/42/execution/node/${id}/wfapi/describe`,
      },
    },
    id,
    name,
    execNode: '',
    status,
    startTimeMillis: status === 'NOT_EXECUTED' ? 0 : 1718000000100 + i * 1000,
    durationMillis,
    pauseDurationMillis: 0,
  })),
};

export const crumb = {
  _class: 'hudson.security.csrf.DefaultCrumbIssuer',
  crumb: 'f3b2c1d0e9a8b7c6d5e4f3a2b1c0d9e8',
  crumbRequestField: 'Jenkins-Crumb',
};

export const noValidCrumbPage = `<html><head><title>Error 403 No valid crumb was included in the request</title></head>
<body><h2>HTTP ERROR 403 No valid crumb was included in the request</h2></body></html>`;

export const jobConfigXml = `<?xml version='1.1' encoding='UTF-8'?>
<flow-definition plugin="workflow-job">
  <description>payments-api</description>
  <definition class="org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition" plugin="workflow-cps">
    <scriptPath>Jenkinsfile</scriptPath>
  </definition>
</flow-definition>
`;
