import { create } from 'xmlbuilder2';

/**
 * What a job created by `jenkins:job:create` is: the settings it is built
 * from, and what an existing job is compared on.
 */
export type JenkinsJobSpec =
  | {
      kind: 'multibranch';
      /** The GitLab server's name in Jenkins (GitLab Branch Source plugin). */
      serverName: string;
      /** `group/subgroup/project`. */
      projectPath: string;
      credentialsId: string;
      scriptPath: string;
      description?: string;
    }
  | {
      kind: 'pipeline';
      /** The GitLab connection's name in Jenkins (GitLab plugin). */
      connectionName: string;
      /** The clone URL. */
      cloneUrl: string;
      credentialsId: string;
      branch: string;
      scriptPath: string;
      description?: string;
    };

const MULTIBRANCH =
  'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject';
const PIPELINE = 'flow-definition';
const GITLAB_SOURCE = 'io.jenkins.plugins.gitlabbranchsource.GitLabSCMSource';
const OWNER_REFERENCE = { '@class': MULTIBRANCH, '@reference': '../..' };

/**
 * The `config.xml` of a job, built with an XML library so that user values
 * are always escaped text, never markup.
 */
export function buildJobConfigXml(spec: JenkinsJobSpec): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  if (spec.kind === 'multibranch') {
    const root = doc.ele(MULTIBRANCH, { plugin: 'workflow-multibranch' });
    root.ele('description').txt(spec.description ?? '');
    root.ele('properties');
    root
      .ele('folderViews', {
        class: 'jenkins.branch.MultiBranchProjectViewHolder',
        plugin: 'branch-api',
      })
      .ele('owner', ownerAttributes());
    root.ele('healthMetrics');
    root
      .ele('icon', {
        class: 'jenkins.branch.MetadataActionFolderIcon',
        plugin: 'branch-api',
      })
      .ele('owner', ownerAttributes());
    const orphans = root.ele('orphanedItemStrategy', {
      class:
        'com.cloudbees.hudson.plugins.folder.computed.DefaultOrphanedItemStrategy',
      plugin: 'cloudbees-folder',
    });
    orphans.ele('pruneDeadBranches').txt('true');
    orphans.ele('daysToKeep').txt('-1');
    orphans.ele('numToKeep').txt('-1');
    orphans.ele('abortBuilds').txt('false');
    // Webhooks trigger branch scans; a daily scan catches missed events.
    const periodic = root
      .ele('triggers')
      .ele(
        'com.cloudbees.hudson.plugins.folder.computed.PeriodicFolderTrigger',
        {
          plugin: 'cloudbees-folder',
        },
      );
    periodic.ele('spec').txt('H H * * *');
    periodic.ele('interval').txt('86400000');
    root.ele('disabled').txt('false');
    const sources = root.ele('sources', {
      class: 'jenkins.branch.MultiBranchProject$BranchSourceList',
      plugin: 'branch-api',
    });
    const branchSource = sources.ele('data').ele('jenkins.branch.BranchSource');
    const source = branchSource.ele('source', {
      class: GITLAB_SOURCE,
      plugin: 'gitlab-branch-source',
    });
    source.ele('id').txt(`gitlab-${spec.projectPath}`);
    source.ele('serverName').txt(spec.serverName);
    source.ele('projectOwner').txt(projectOwner(spec.projectPath));
    source.ele('projectPath').txt(spec.projectPath);
    source.ele('credentialsId').txt(spec.credentialsId);
    const traits = source.ele('traits');
    // Branches, merge requests from the project itself, and tags.
    traits
      .ele('io.jenkins.plugins.gitlabbranchsource.BranchDiscoveryTrait')
      .ele('strategyId')
      .txt('1');
    traits
      .ele(
        'io.jenkins.plugins.gitlabbranchsource.OriginMergeRequestDiscoveryTrait',
      )
      .ele('strategyId')
      .txt('1');
    traits.ele('io.jenkins.plugins.gitlabbranchsource.TagDiscoveryTrait');
    branchSource
      .ele('strategy', {
        class: 'jenkins.branch.DefaultBranchPropertyStrategy',
      })
      .ele('properties', { class: 'empty-list' });
    sources.ele('owner', ownerAttributes());
    const factory = root.ele('factory', {
      class:
        'org.jenkinsci.plugins.workflow.multibranch.WorkflowBranchProjectFactory',
    });
    factory.ele('owner', ownerAttributes());
    factory.ele('scriptPath').txt(spec.scriptPath);
    return doc.end({ prettyPrint: true });
  }

  const root = doc.ele(PIPELINE, { plugin: 'workflow-job' });
  root.ele('description').txt(spec.description ?? '');
  root.ele('keepDependencies').txt('false');
  const properties = root.ele('properties');
  properties
    .ele('com.dabsquared.gitlabjenkins.connection.GitLabConnectionProperty', {
      plugin: 'gitlab-plugin',
    })
    .ele('gitLabConnection')
    .txt(spec.connectionName);
  const trigger = properties
    .ele(
      'org.jenkinsci.plugins.workflow.job.properties.PipelineTriggersJobProperty',
    )
    .ele('triggers')
    .ele('com.dabsquared.gitlabjenkins.GitLabPushTrigger', {
      plugin: 'gitlab-plugin',
    });
  trigger.ele('spec');
  trigger.ele('triggerOnPush').txt('true');
  trigger.ele('triggerOnMergeRequest').txt('true');
  trigger.ele('triggerOnAcceptedMergeRequest').txt('false');
  trigger.ele('triggerOnClosedMergeRequest').txt('false');
  trigger.ele('triggerOpenMergeRequestOnPush').txt('never');
  trigger.ele('triggerOnNoteRequest').txt('false');
  trigger.ele('ciSkip').txt('true');
  trigger.ele('setBuildDescription').txt('true');
  trigger.ele('branchFilterType').txt('NameBasedFilter');
  trigger.ele('includeBranchesSpec').txt(spec.branch);
  trigger.ele('excludeBranchesSpec');
  const definition = root.ele('definition', {
    class: 'org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition',
    plugin: 'workflow-cps',
  });
  const scm = definition.ele('scm', {
    class: 'hudson.plugins.git.GitSCM',
    plugin: 'git',
  });
  scm.ele('configVersion').txt('2');
  const remote = scm
    .ele('userRemoteConfigs')
    .ele('hudson.plugins.git.UserRemoteConfig');
  remote.ele('url').txt(spec.cloneUrl);
  remote.ele('credentialsId').txt(spec.credentialsId);
  scm
    .ele('branches')
    .ele('hudson.plugins.git.BranchSpec')
    .ele('name')
    .txt(`*/${spec.branch}`);
  scm.ele('doGenerateSubmoduleConfigurations').txt('false');
  scm.ele('submoduleCfg', { class: 'empty-list' });
  scm.ele('extensions');
  definition.ele('scriptPath').txt(spec.scriptPath);
  definition.ele('lightweight').txt('true');
  root.ele('triggers');
  root.ele('disabled').txt('false');
  return doc.end({ prettyPrint: true });
}

/**
 * Reads back the settings of an existing job's `config.xml`, as Jenkins
 * re-serialises it (attribute order, whitespace and extra defaults differ
 * from what we sent, so only the settings are compared). Undefined when the
 * job is of another kind than these two.
 */
export function readJobSpec(xml: string): JenkinsJobSpec | undefined {
  let root: Element;
  try {
    // Jenkins writes XML 1.1 declarations, which the parser refuses; the
    // documents themselves are plain XML 1.0.
    root = create(xml.replace(/^\s*<\?xml[^>]*\?>/, '')).root()
      .node as unknown as Element;
  } catch {
    return undefined;
  }
  if (root.nodeName === MULTIBRANCH) {
    const source = children(
      child(child(root, 'sources'), 'data'),
      'jenkins.branch.BranchSource',
    )
      .map(branchSource => child(branchSource, 'source'))
      .find(s => s?.getAttribute('class') === GITLAB_SOURCE);
    if (!source) {
      return undefined;
    }
    return {
      kind: 'multibranch',
      serverName: text(child(source, 'serverName')),
      projectPath: text(child(source, 'projectPath')),
      credentialsId: text(child(source, 'credentialsId')),
      scriptPath:
        text(child(child(root, 'factory'), 'scriptPath')) || 'Jenkinsfile',
    };
  }
  if (root.nodeName === PIPELINE) {
    const definition = child(root, 'definition');
    const scm = child(definition, 'scm');
    const remote = child(
      child(scm, 'userRemoteConfigs'),
      'hudson.plugins.git.UserRemoteConfig',
    );
    if (!remote) {
      return undefined;
    }
    const branch = child(
      child(child(scm, 'branches'), 'hudson.plugins.git.BranchSpec'),
      'name',
    );
    const connection = child(
      child(
        child(root, 'properties'),
        'com.dabsquared.gitlabjenkins.connection.GitLabConnectionProperty',
      ),
      'gitLabConnection',
    );
    return {
      kind: 'pipeline',
      connectionName: text(connection),
      cloneUrl: text(child(remote, 'url')),
      credentialsId: text(child(remote, 'credentialsId')),
      branch: text(branch).replace(/^\*\//, ''),
      scriptPath: text(child(definition, 'scriptPath')) || 'Jenkinsfile',
    };
  }
  return undefined;
}

/** The settings in which an existing job differs from the wanted one. */
export function differences(
  existing: JenkinsJobSpec | undefined,
  wanted: JenkinsJobSpec,
): string[] {
  if (!existing) {
    return [
      `it is not a ${
        wanted.kind === 'multibranch'
          ? 'multibranch pipeline with a GitLab branch source'
          : 'pipeline job reading its Jenkinsfile from Git'
      }`,
    ];
  }
  if (existing.kind !== wanted.kind) {
    return [`it is a ${existing.kind} job, not a ${wanted.kind} job`];
  }
  const result: string[] = [];
  for (const key of Object.keys(wanted) as Array<keyof JenkinsJobSpec>) {
    if (key === 'kind' || key === 'description') {
      continue;
    }
    const have = (existing as Record<string, unknown>)[key];
    const want = (wanted as Record<string, unknown>)[key];
    if (have !== want) {
      result.push(`${key} is "${have ?? ''}" (requested "${want}")`);
    }
  }
  return result;
}

function ownerAttributes() {
  return {
    class: OWNER_REFERENCE['@class'],
    reference: OWNER_REFERENCE['@reference'],
  };
}

function projectOwner(projectPath: string): string {
  const slash = projectPath.lastIndexOf('/');
  return slash > 0 ? projectPath.slice(0, slash) : projectPath;
}

function children(parent: Element | undefined, name: string): Element[] {
  if (!parent) {
    return [];
  }
  return Array.from(parent.childNodes).filter(
    (node): node is Element => node.nodeType === 1 && node.nodeName === name,
  );
}

function child(parent: Element | undefined, name: string): Element | undefined {
  return children(parent, name)[0];
}

function text(element: Element | undefined): string {
  return element?.textContent?.trim() ?? '';
}
