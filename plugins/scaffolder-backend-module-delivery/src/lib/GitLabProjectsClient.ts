import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { GitLabCallSubject, GitLabRestClient } from './GitLabRestClient';

/** The fields of a GitLab project (`GET /projects/:id`) the preflight uses. */
export type GitLabProject = {
  id: number;
  path_with_namespace: string;
  web_url: string;
};

/** The project lookup of the GitLab REST API v4. */
export class GitLabProjectsClient extends GitLabRestClient {
  /**
   * `GET /projects/:id`: the project, or undefined when GitLab answers 404
   * (no such project, or one the token cannot see).
   */
  async findProject(projectPath: string): Promise<GitLabProject | undefined> {
    const subject: GitLabCallSubject = {
      about: `the project "${projectPath}"`,
      projectPath,
      forbidden: `read the project "${projectPath}"`,
      needs: 'give the token the read_api (or api) scope',
      refused: 'the project lookup',
    };
    let response: Response;
    try {
      response = await this.send(
        'GET',
        this.projectApiPath(projectPath),
        subject,
      );
    } catch (error) {
      if (error instanceof NotFoundError) {
        return undefined;
      }
      throw error;
    }
    const body = await this.json(response, subject);
    if (!body || typeof body.path_with_namespace !== 'string') {
      throw new ServiceUnavailableError(
        `GitLab ${this.options.config.host}: the answer about the project "${projectPath}" is not a project`,
      );
    }
    return body as GitLabProject;
  }
}
