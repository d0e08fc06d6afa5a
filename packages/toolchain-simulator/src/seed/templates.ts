/*
 * The software templates repository: in production, platform teams keep their
 * Backstage templates in GitLab and register them as `url` locations. The
 * simulator serves this repository's `templates/` folder the same way, as
 * the default branch of one GitLab project, re-committed whenever a file
 * under the folder changes (so editing a template needs no restart).
 */
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { GitLabProject, GitLabSimulator } from '../gitlab/GitLabSimulator';
import { git, type FileChange } from '../gitlab/gitRepos';

/** GitLab project that holds the templates unless told otherwise. */
export const DEFAULT_TEMPLATES_PROJECT = 'platform/software-templates';

/** Options of the templates repository (`startSimulator({ templates })`). */
export interface TemplatesRepositoryOptions {
  /**
   * Folder whose files the project's default branch holds. Defaults to the
   * `templates/` folder of the repository this package lives in.
   */
  dir?: string;
  /** `group/project` path of the GitLab project. */
  project?: string;
  /** Re-commit when files under `dir` change. Defaults to true. */
  watch?: boolean;
  /** Quiet period after the last change before committing, in ms. */
  debounceMs?: number;
}

const AUTHOR = { name: 'Platform Team', email: 'platform@slipway.example' };
/** Folders never copied into the repository. */
const SKIPPED = new Set(['.git', 'node_modules']);

/** The repository's own `templates/` folder (this file is src/seed/templates.ts). */
export function defaultTemplatesDir(): string {
  // The simulator runs from source, never from a build.
  // eslint-disable-next-line no-restricted-syntax
  return path.resolve(__dirname, '../../../../templates');
}

/**
 * Files under `dir` that git would commit (tracked or untracked, not
 * ignored), when `dir` is inside a git work tree; else undefined.
 */
async function gitListedFiles(dir: string): Promise<Set<string> | undefined> {
  try {
    const out = await git(dir, [
      'ls-files',
      '-z',
      '--cached',
      '--others',
      '--exclude-standard',
      '.',
    ]);
    return new Set(out.split('\0').filter(Boolean));
  } catch {
    return undefined;
  }
}

/**
 * Every file under `dir`, with paths relative to it (posix separators),
 * leaving out what the surrounding git work tree ignores.
 */
export async function readFolder(dir: string): Promise<FileChange[]> {
  const result: FileChange[] = [];
  const listed = await gitListedFiles(dir);
  async function walk(relative: string) {
    const entries = await fs.readdir(path.join(dir, relative), {
      withFileTypes: true,
    });
    for (const entry of entries) {
      if (SKIPPED.has(entry.name)) continue;
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await walk(rel);
      } else if (entry.isFile() && (!listed || listed.has(rel))) {
        const file = path.join(dir, rel);
        const [content, stat] = await Promise.all([
          fs.readFile(file),
          fs.stat(file),
        ]);
        result.push({
          path: rel,
          content,
          executable: (stat.mode & 0o111) !== 0,
        });
      }
    }
  }
  await walk('');
  return result.sort((a, b) => a.path.localeCompare(b.path));
}

export interface TemplatesRepository {
  project: GitLabProject;
  dir: string;
  /** Commits the folder's current contents if they differ from the branch. */
  sync(): Promise<{ sha: string; changed: boolean }>;
  /** Stops watching the folder. */
  close(): void;
}

/**
 * Creates the templates project from `dir` and, unless `watch` is false,
 * keeps its default branch in step with the folder.
 */
export async function createTemplatesRepository(
  gitlab: GitLabSimulator,
  options: TemplatesRepositoryOptions,
  log: (message: string) => void,
): Promise<TemplatesRepository> {
  const dir = path.resolve(options.dir ?? defaultTemplatesDir());
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new Error(
      `templates.dir '${dir}' is not a folder; pass the folder holding the software templates, or templates: false`,
    );
  }
  const fullPath = options.project ?? DEFAULT_TEMPLATES_PROJECT;
  const parts = fullPath.split('/');
  if (parts.length < 2 || parts.some(p => !/^[a-zA-Z0-9_][\w.-]*$/.test(p))) {
    throw new Error(
      `templates.project '${fullPath}' must be a GitLab path like 'platform/software-templates'`,
    );
  }
  const name = parts[parts.length - 1];
  const project =
    gitlab.findProject(fullPath) ??
    (await gitlab.createProject({
      namespace: gitlab.ensureGroup(parts.slice(0, -1).join('/')),
      name,
      path: name,
      description: `Software templates of the developer portal (copied from ${dir})`,
      visibility: 'internal',
      topics: ['backstage', 'software-templates'],
    }));

  let syncing: Promise<unknown> = Promise.resolve();
  const sync = () => {
    const run = syncing.then(async () => {
      const files = await readFolder(dir);
      const result = await gitlab.repos.commitFiles(
        fullPath,
        project.defaultBranch,
        async () => files,
        {
          message: `Sync software templates from ${path.basename(dir)}/`,
          author: AUTHOR,
          replaceTree: true,
          skipUnchanged: true,
        },
      );
      if (!result.unchanged) {
        log(
          `gitlab: ${fullPath} ${project.defaultBranch} at ${result.sha.slice(
            0,
            8,
          )} (${files.length} files from ${dir})`,
        );
        gitlab.announcePush({
          project,
          before: result.parent ?? '0'.repeat(40),
          after: result.sha,
          ref: `refs/heads/${project.defaultBranch}`,
          user: gitlab.users[0],
        });
      }
      return { sha: result.sha, changed: !result.unchanged };
    });
    syncing = run.catch(() => {});
    return run;
  };

  await sync();

  let watcher: fsSync.FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (options.watch !== false) {
    const debounceMs = options.debounceMs ?? 300;
    watcher = fsSync.watch(dir, { recursive: true }, (_event, file) => {
      if (
        file &&
        String(file)
          .split(path.sep)
          .some(p => SKIPPED.has(p))
      ) {
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(() => {
        sync().catch(error =>
          log(`gitlab: could not sync ${fullPath} from ${dir}: ${error}`),
        );
      }, debounceMs);
    });
    watcher.on('error', error =>
      log(`gitlab: stopped watching ${dir}: ${error}`),
    );
  }

  return {
    project,
    dir,
    sync,
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
