import { ServiceUnavailableError } from '@backstage/errors';
import { GitLabCallSubject, GitLabRestClient } from './GitLabRestClient';

/** A merge request as the GitLab API returns it (the fields we read). */
export type GitLabMergeRequest = {
  id: number;
  iid: number;
  project_id: number;
  source_project_id: number;
  target_project_id: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed' | 'locked' | 'merged';
  source_branch: string;
  target_branch: string;
  labels: string[];
  web_url: string;
};

/** What the merge request should say. */
export type GitLabMergeRequestFields = {
  target_branch: string;
  title: string;
  description: string;
  labels?: string[];
  remove_source_branch?: boolean;
};

/** The project and merge-request calls of the GitLab REST API v4. */
export class GitLabMergeRequestsClient extends GitLabRestClient {
  /** `GET /projects/:id`: the branch merge requests target by default. */
  async getDefaultBranch(projectPath: string): Promise<string> {
    const subject = projectOf(projectPath);
    const response = await this.send(
      'GET',
      this.projectApiPath(projectPath),
      subject,
    );
    const project = (await this.json(response, subject)) as {
      default_branch?: string | null;
    };
    if (!project?.default_branch) {
      throw new ServiceUnavailableError(
        `GitLab ${this.options.config.host}: the project "${projectPath}" has no default branch; give targetBranch, or push a first commit`,
      );
    }
    return project.default_branch;
  }

  /**
   * `GET /projects/:id/merge_requests?state=opened&source_branch=…`: the open
   * merge requests from a branch of this project (not from forks, whose
   * branches may have the same name).
   */
  async listOpenFromBranch(
    projectPath: string,
    sourceBranch: string,
  ): Promise<GitLabMergeRequest[]> {
    const subject = mergeRequestsOf(projectPath);
    const query = new URLSearchParams({
      state: 'opened',
      source_branch: sourceBranch,
      per_page: '100',
    });
    const response = await this.send(
      'GET',
      `${this.mergeRequestsPath(projectPath)}?${query}`,
      subject,
    );
    const body = await this.json(response, subject);
    if (!Array.isArray(body)) {
      throw new ServiceUnavailableError(
        `GitLab ${this.options.config.host}: the merge requests of "${projectPath}" are not a list`,
      );
    }
    return (body as GitLabMergeRequest[]).filter(
      mr =>
        mr.state === 'opened' &&
        mr.source_branch === sourceBranch &&
        mr.source_project_id === mr.target_project_id,
    );
  }

  /** `POST /projects/:id/merge_requests`. */
  async create(
    projectPath: string,
    sourceBranch: string,
    fields: GitLabMergeRequestFields,
  ): Promise<GitLabMergeRequest> {
    const subject = mergeRequestsOf(projectPath);
    const response = await this.send(
      'POST',
      this.mergeRequestsPath(projectPath),
      subject,
      JSON.stringify({
        source_branch: sourceBranch,
        ...requestBody(fields, 'labels'),
      }),
    );
    return (await this.json(response, subject)) as GitLabMergeRequest;
  }

  /** `PUT /projects/:id/merge_requests/:iid`. */
  async update(
    projectPath: string,
    iid: number,
    fields: GitLabMergeRequestFields,
  ): Promise<GitLabMergeRequest> {
    const subject = mergeRequestsOf(projectPath);
    const response = await this.send(
      'PUT',
      `${this.mergeRequestsPath(projectPath)}/${iid}`,
      subject,
      // add_labels keeps the labels reviewers have put on it since.
      JSON.stringify(requestBody(fields, 'add_labels')),
    );
    return (await this.json(response, subject)) as GitLabMergeRequest;
  }

  private mergeRequestsPath(projectPath: string) {
    return `${this.projectApiPath(projectPath)}/merge_requests`;
  }
}

function requestBody(
  fields: GitLabMergeRequestFields,
  labelsField: 'labels' | 'add_labels',
) {
  return {
    target_branch: fields.target_branch,
    title: fields.title,
    description: fields.description,
    ...(fields.labels?.length
      ? { [labelsField]: fields.labels.join(',') }
      : {}),
    ...(fields.remove_source_branch !== undefined
      ? { remove_source_branch: fields.remove_source_branch }
      : {}),
  };
}

function projectOf(projectPath: string): GitLabCallSubject {
  return {
    about: `the project "${projectPath}"`,
    projectPath,
    forbidden: `read the project "${projectPath}"`,
    needs: 'it needs the Reporter role and the api or read_api scope',
    refused: 'the request',
  };
}

function mergeRequestsOf(projectPath: string): GitLabCallSubject {
  return {
    about: `the merge requests of "${projectPath}"`,
    projectPath,
    forbidden: `open or edit merge requests on "${projectPath}"`,
    needs: 'it needs the Developer role and the api scope',
    refused: 'the merge request',
  };
}
