/*
 * Real bare git repositories on disk, driven through the git CLI. Commits made
 * by the simulator itself (seed history, the pipeline's image tag bump) use
 * plumbing on a private index and a compare-and-swap ref update, so they are
 * safe against concurrent pushes exactly like a `git push` would be.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface GitIdentity {
  name: string;
  email: string;
}

export interface CommitInfo {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authoredDate: Date;
  committerName: string;
  committerEmail: string;
  committedDate: Date;
  message: string;
}

export interface FileChange {
  path: string;
  /** New content; `null` deletes the file. */
  content: string | Buffer | null;
  /** Marks the file executable (git mode 100755). */
  executable?: boolean;
}

export interface FileDiff {
  path: string;
  /** A added, M modified, D deleted, T type changed. */
  status: 'A' | 'M' | 'D' | 'T';
  /** Git modes, `000000` for a side where the file does not exist. */
  oldMode: string;
  newMode: string;
  diff: string;
}

export class GitRepos {
  constructor(readonly root: string) {}

  repoPath(fullPath: string): string {
    return path.join(this.root, `${fullPath}.git`);
  }

  async create(fullPath: string, defaultBranch: string): Promise<void> {
    const dir = this.repoPath(fullPath);
    await fs.mkdir(dir, { recursive: true });
    await git(dir, ['init', '--bare', '--quiet']);
    await git(dir, ['symbolic-ref', 'HEAD', `refs/heads/${defaultBranch}`]);
    // Capture every accepted ref update so the HTTP layer can fire webhooks.
    const hook = path.join(dir, 'hooks', 'post-receive');
    await fs.writeFile(
      hook,
      '#!/bin/sh\nif [ -n "$SIMULATOR_PUSH_FILE" ]; then cat > "$SIMULATOR_PUSH_FILE"; fi\n',
      { mode: 0o755 },
    );
    await git(dir, ['config', 'http.receivepack', 'true']);
    await git(dir, ['config', 'receive.denyDeleteCurrent', 'warn']);
  }

  async resolve(fullPath: string, ref: string): Promise<string | undefined> {
    try {
      const out = await git(this.repoPath(fullPath), [
        'rev-parse',
        '--verify',
        '--quiet',
        `${ref}^{commit}`,
      ]);
      return out.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  async readFile(
    fullPath: string,
    ref: string,
    file: string,
  ): Promise<string | undefined> {
    try {
      return await git(this.repoPath(fullPath), ['show', `${ref}:${file}`]);
    } catch {
      return undefined;
    }
  }

  async isFolder(fullPath: string, ref: string, folder: string) {
    try {
      const type = await git(this.repoPath(fullPath), [
        'cat-file',
        '-t',
        `${ref}:${folder}`,
      ]);
      return type.trim() === 'tree';
    } catch {
      return false;
    }
  }

  async listFiles(fullPath: string, ref: string): Promise<string[]> {
    try {
      const out = await git(this.repoPath(fullPath), [
        'ls-tree',
        '-r',
        '--name-only',
        ref,
      ]);
      return out.split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  async changedFiles(
    fullPath: string,
    before: string,
    after: string,
  ): Promise<string[]> {
    const args = /^0+$/.test(before)
      ? ['ls-tree', '-r', '--name-only', after]
      : ['diff', '--name-only', before, after];
    try {
      const out = await git(this.repoPath(fullPath), args);
      return out.split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  async commit(fullPath: string, sha: string): Promise<CommitInfo | undefined> {
    const list = await this.log(fullPath, sha, 1);
    return list[0];
  }

  /**
   * Commits reachable from `ref`, newest first; `range` may be `a..b`.
   * With `paths`, only the commits that touched them.
   */
  async log(
    fullPath: string,
    ref: string,
    limit: number,
    paths: string[] = [],
  ): Promise<CommitInfo[]> {
    const sep = '\x1e';
    const fmt = [
      '%H',
      '%P',
      '%an',
      '%ae',
      '%aI',
      '%cn',
      '%ce',
      '%cI',
      '%B',
    ].join('\x1f');
    try {
      const out = await git(this.repoPath(fullPath), [
        'log',
        `--max-count=${limit}`,
        `--format=${fmt}${sep}`,
        ref,
        '--',
        ...paths,
      ]);
      return out
        .split(sep)
        .map(chunk => chunk.replace(/^\n/, ''))
        .filter(Boolean)
        .map(chunk => {
          const [sha, parents, an, ae, ad, cn, ce, cd, message] =
            chunk.split('\x1f');
          return {
            sha,
            parents: parents ? parents.split(' ') : [],
            authorName: an,
            authorEmail: ae,
            authoredDate: new Date(ad),
            committerName: cn,
            committerEmail: ce,
            committedDate: new Date(cd),
            message: (message ?? '').trimEnd(),
          };
        });
    } catch {
      return [];
    }
  }

  /**
   * Commits `changes` on top of `branch` and moves the branch with a
   * compare-and-swap. Retries when someone else moved the branch meanwhile
   * (`transform` is re-run against the new tip).
   */
  async commitFiles(
    fullPath: string,
    branch: string,
    transform: (
      read: (file: string) => Promise<string | undefined>,
    ) => Promise<FileChange[]>,
    options: {
      message: string;
      author: GitIdentity;
      date?: Date;
      retries?: number;
      /**
       * The changes are the whole tree: files of the parent that are not
       * among them are removed.
       */
      replaceTree?: boolean;
      /** When the tree would not change, make no commit. */
      skipUnchanged?: boolean;
    },
  ): Promise<{
    sha: string;
    parent?: string;
    attempts: number;
    unchanged?: boolean;
  }> {
    const dir = this.repoPath(fullPath);
    const ref = `refs/heads/${branch}`;
    const retries = options.retries ?? 10;
    for (let attempt = 1; ; attempt++) {
      const parent = await this.resolve(fullPath, ref);
      const read = (file: string) =>
        parent
          ? this.readFile(fullPath, parent, file)
          : Promise.resolve(undefined);
      const changes = await transform(read);
      const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sim-index-'));
      const env = {
        GIT_INDEX_FILE: path.join(tmp, 'index'),
        GIT_AUTHOR_NAME: options.author.name,
        GIT_AUTHOR_EMAIL: options.author.email,
        GIT_COMMITTER_NAME: options.author.name,
        GIT_COMMITTER_EMAIL: options.author.email,
        ...(options.date
          ? {
              GIT_AUTHOR_DATE: options.date.toISOString(),
              GIT_COMMITTER_DATE: options.date.toISOString(),
            }
          : {}),
      };
      try {
        if (parent && !options.replaceTree)
          await git(dir, ['read-tree', parent], { env });
        const entries: string[] = [];
        for (const change of changes) {
          if (change.content === null) {
            entries.push(`0 ${'0'.repeat(40)}\t${change.path}`);
            continue;
          }
          const blob = (
            await git(dir, ['hash-object', '-w', '--stdin'], {
              env,
              input: change.content,
            })
          ).trim();
          entries.push(
            `${change.executable ? '100755' : '100644'} ${blob}\t${
              change.path
            }`,
          );
        }
        if (entries.length) {
          await git(dir, ['update-index', '--index-info'], {
            env,
            input: `${entries.join('\n')}\n`,
          });
        }
        const tree = (await git(dir, ['write-tree'], { env })).trim();
        if (options.skipUnchanged && parent) {
          const parentTree = (
            await git(dir, ['rev-parse', `${parent}^{tree}`])
          ).trim();
          if (parentTree === tree) {
            return { sha: parent, parent, attempts: attempt, unchanged: true };
          }
        }
        const sha = (
          await git(
            dir,
            ['commit-tree', tree, ...(parent ? ['-p', parent] : [])],
            { env, input: `${options.message}\n` },
          )
        ).trim();
        try {
          await git(dir, [
            'update-ref',
            ref,
            sha,
            parent ?? ''.padEnd(40, '0'),
          ]);
          return { sha, parent, attempts: attempt };
        } catch (error) {
          if (attempt > retries) throw error;
        }
      } finally {
        await fs.rm(tmp, { recursive: true, force: true });
      }
    }
  }
  /**
   * Merges `source` into `branch` with a merge commit (`--no-ff`, as GitLab's
   * default merge method does) and moves the branch with a compare-and-swap.
   * `conflict` when the two cannot be merged without a person;
   * `moved` when the branch is not at `expectedTip` any more.
   */
  async mergeCommit(
    fullPath: string,
    branch: string,
    source: string,
    options: { message: string; author: GitIdentity; expectedTip?: string },
  ): Promise<
    | { status: 'merged'; sha: string; before: string }
    | { status: 'conflict' | 'moved' | 'missing' }
  > {
    const dir = this.repoPath(fullPath);
    const ref = `refs/heads/${branch}`;
    const tip = await this.resolve(fullPath, ref);
    if (!tip) return { status: 'missing' };
    if (options.expectedTip && options.expectedTip !== tip)
      return { status: 'moved' };
    let tree: string;
    try {
      tree = (
        await git(dir, ['merge-tree', '--write-tree', tip, source])
      ).split('\n')[0];
    } catch {
      return { status: 'conflict' };
    }
    const env = {
      GIT_AUTHOR_NAME: options.author.name,
      GIT_AUTHOR_EMAIL: options.author.email,
      GIT_COMMITTER_NAME: options.author.name,
      GIT_COMMITTER_EMAIL: options.author.email,
    };
    const sha = (
      await git(dir, ['commit-tree', tree, '-p', tip, '-p', source], {
        env,
        input: `${options.message}\n`,
      })
    ).trim();
    try {
      await git(dir, ['update-ref', ref, sha, tip]);
    } catch {
      return { status: 'moved' };
    }
    return { status: 'merged', sha, before: tip };
  }

  /** Deletes a branch; resolves with the commit it pointed at. */
  async deleteBranch(
    fullPath: string,
    branch: string,
  ): Promise<string | undefined> {
    const ref = `refs/heads/${branch}`;
    const tip = await this.resolve(fullPath, ref);
    if (!tip) return undefined;
    await git(this.repoPath(fullPath), ['update-ref', '-d', ref, tip]);
    return tip;
  }

  /** The best common ancestor of two commits. */
  async mergeBase(
    fullPath: string,
    a: string,
    b: string,
  ): Promise<string | undefined> {
    try {
      return (
        (await git(this.repoPath(fullPath), ['merge-base', a, b])).trim() ||
        undefined
      );
    } catch {
      return undefined;
    }
  }

  /**
   * The changes from `base` to `head`, one entry a file, each with its
   * unified diff from the first hunk on (as GitLab's diff APIs give it).
   */
  async diff(
    fullPath: string,
    base: string,
    head: string,
  ): Promise<FileDiff[]> {
    const dir = this.repoPath(fullPath);
    const raw = await git(dir, [
      'diff-tree',
      '-r',
      '-z',
      '--no-renames',
      base,
      head,
    ]);
    const fields = raw.split('\0').filter(Boolean);
    const result: FileDiff[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const [oldMode, newMode, , , status] = fields[i]
        .replace(/^:/, '')
        .split(' ');
      const file = fields[i + 1];
      const patch = await git(dir, [
        'diff',
        '--no-color',
        '--no-ext-diff',
        base,
        head,
        '--',
        file,
      ]);
      const hunk = patch.indexOf('\n@@');
      result.push({
        path: file,
        status: status.charAt(0) as FileDiff['status'],
        oldMode,
        newMode,
        diff: hunk < 0 ? '' : patch.slice(hunk + 1),
      });
    }
    return result;
  }

  /**
   * `git archive` of `sha` (limited to `subpath` when given) under the
   * top folder `prefix`, as GitLab's repository archive endpoint builds it.
   * Undefined when the commit or the path does not exist.
   */
  async archive(
    fullPath: string,
    sha: string,
    options: {
      prefix: string;
      subpath?: string;
      format: 'tar.gz' | 'tar' | 'zip';
    },
  ): Promise<Buffer | undefined> {
    const args = [
      'archive',
      `--format=${options.format}`,
      `--prefix=${options.prefix}/`,
      sha,
      ...(options.subpath ? ['--', options.subpath] : []),
    ];
    try {
      return await gitBuffer(this.repoPath(fullPath), args);
    } catch {
      return undefined;
    }
  }
}

function gitBuffer(cwd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        env: gitEnv(),
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`git ${args[0]} failed: ${String(stderr).trim()}`));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

export function git(
  cwd: string,
  args: string[],
  options: { env?: Record<string, string>; input?: string | Buffer } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    if (options.input === undefined) {
      execFile(
        'git',
        args,
        {
          cwd,
          env: { ...gitEnv(), ...options.env },
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          if (error) {
            reject(
              new Error(`git ${args[0]} failed: ${String(stderr).trim()}`),
            );
          } else {
            resolve(stdout);
          }
        },
      );
      return;
    }
    const child = spawn('git', args, {
      cwd,
      env: { ...gitEnv(), ...options.env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', c => out.push(c));
    child.stderr.on('data', c => err.push(c));
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else
        reject(
          new Error(
            `git ${args[0]} failed: ${Buffer.concat(err)
              .toString('utf8')
              .trim()}`,
          ),
        );
    });
    child.stdin.end(options.input);
  });
}

/** Environment for git child processes, isolated from the user's config. */
export function gitEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: os.tmpdir(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C',
  };
}
