/* Helpers for this package's tests (not exported from the package). */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, RunningSimulator } from './startSimulator';
import type { SimulatorOptions } from './types';

export async function startTestSimulator(
  options: SimulatorOptions = {},
): Promise<RunningSimulator> {
  return startSimulator({
    ports: { gitlab: 0, jenkins: 0, sonarqube: 0, argocd: 0, ecr: 0 },
    timeScale: 0.002,
    seed: false,
    now: new Date('2025-06-01T12:00:00Z'),
    ...options,
  });
}

/** Runs the real git CLI with an isolated configuration. */
export function runGit(
  cwd: string,
  args: string[],
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise(resolve => {
    execFile(
      'git',
      [
        '-c',
        'user.name=Test Developer',
        '-c',
        'user.email=dev@example.com',
        '-c',
        'init.defaultBranch=main',
        ...args,
      ],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: os.tmpdir(),
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_TERMINAL_PROMPT: '0',
        },
      },
      (error, stdout, stderr) =>
        resolve({
          stdout: String(stdout),
          stderr: String(stderr),
          code: error ? Number((error as any).code ?? 1) : 0,
        }),
    );
  });
}

export async function tempDir(prefix = 'sim-test-') {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** `http://oauth2:<token>@host/group/project.git`, as publish:gitlab pushes. */
export function authedGitUrl(
  sim: RunningSimulator,
  fullPath: string,
  token = sim.credentials.gitlab.token,
) {
  const url = new URL(`${sim.urls.gitlab}/${fullPath}.git`);
  url.username = 'oauth2';
  url.password = token;
  return url.toString();
}

export function basic(user: string, password: string) {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Polls until `check` returns a value (or throws after `timeoutMs`). */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && (value as any) !== false)
      return value as T;
    if (Date.now() > end) throw new Error('waitFor timed out');
    await new Promise(r => setTimeout(r, 25));
  }
}
