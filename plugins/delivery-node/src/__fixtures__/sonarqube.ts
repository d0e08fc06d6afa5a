/** SonarQube Web API responses, as its documentation shows them. */

export const SONARQUBE_BASE_URL = 'https://sonar.example.com';

export const projectStatusError = {
  projectStatus: {
    status: 'ERROR',
    conditions: [
      {
        status: 'ERROR',
        metricKey: 'new_coverage',
        comparator: 'LT',
        errorThreshold: '80',
        actualValue: '71.4',
      },
      {
        status: 'OK',
        metricKey: 'new_reliability_rating',
        comparator: 'GT',
        errorThreshold: '1',
        actualValue: '1',
      },
      {
        status: 'OK',
        metricKey: 'new_duplicated_lines_density',
        comparator: 'GT',
        errorThreshold: '3',
        actualValue: '0.0',
      },
    ],
    ignoredConditions: false,
    period: { mode: 'PREVIOUS_VERSION', date: '2024-06-01T10:00:00+0000' },
    caycStatus: 'compliant',
  },
};

export const measuresComponent = {
  component: {
    key: 'payments-api',
    name: 'payments-api',
    qualifier: 'TRK',
    measures: [
      { metric: 'bugs', value: '2', bestValue: false },
      { metric: 'vulnerabilities', value: '0', bestValue: true },
      { metric: 'security_hotspots', value: '3', bestValue: false },
      { metric: 'code_smells', value: '17', bestValue: false },
      { metric: 'coverage', value: '81.3' },
      { metric: 'duplicated_lines_density', value: '1.2', bestValue: false },
      { metric: 'reliability_rating', value: '3.0', bestValue: false },
      { metric: 'security_rating', value: '1.0', bestValue: true },
      { metric: 'sqale_rating', value: '1.0', bestValue: true },
      // security_review_rating absent: the project has no hotspot review yet
    ],
  },
};

export const projectsSearch = {
  paging: { pageIndex: 1, pageSize: 100, total: 1 },
  components: [
    {
      key: 'payments-api',
      name: 'Payments API',
      qualifier: 'TRK',
      visibility: 'private',
      lastAnalysisDate: '2024-06-10T09:14:02+0000',
      revision: '3f2c1ab9d0e4c5b6a7f8e9d0c1b2a3f4e5d6c7b8',
    },
  ],
};

export const projectsSearchEmpty = {
  paging: { pageIndex: 1, pageSize: 100, total: 0 },
  components: [],
};

export const projectsCreate = {
  project: {
    key: 'payments-api',
    name: 'Payments API',
    qualifier: 'TRK',
    visibility: 'private',
  },
};

export const projectAlreadyExists = {
  errors: [
    {
      msg: 'Could not create Project with key: "payments-api". A similar key already exists: "payments-api"',
    },
  ],
};

export const qualityGateByProject = {
  qualityGate: { name: 'Slipway way', default: false },
};

export const webhooksList = {
  webhooks: [
    {
      key: 'AYx3vJ6cNbWhC1h3lJ5e',
      name: 'Jenkins',
      url: 'https://jenkins.example.com/sonarqube-webhook/',
      hasSecret: true,
    },
  ],
};

export const webhooksCreate = {
  webhook: {
    key: 'AYx3vJ6cNbWhC1h3lJ5f',
    name: 'Jenkins',
    url: 'https://jenkins.example.com/sonarqube-webhook/',
    hasSecret: true,
  },
};

export const componentNotFound = {
  errors: [{ msg: "Component key 'payments-api' not found" }],
};
