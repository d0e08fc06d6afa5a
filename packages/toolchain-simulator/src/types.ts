/** The five tools the simulator stands in for. */
export type ToolName = 'gitlab' | 'jenkins' | 'sonarqube' | 'argocd' | 'ecr';

/** Credentials each simulated tool accepts. */
export interface SimulatorCredentials {
  gitlab: { username: string; token: string };
  jenkins: { username: string; apiToken: string };
  sonarqube: { token: string };
  argocd: { username: string; password: string; token: string };
  aws: {
    accessKeyId: string;
    secretAccessKey: string;
    accountId: string;
    region: string;
  };
}

import type { TemplatesRepositoryOptions } from './seed/templates';

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** Interface to bind; loopback only. Defaults to 127.0.0.1. */
  host?: string;
  /**
   * Port per tool. 0 picks a free port. Defaults: gitlab 7100, jenkins 7101,
   * sonarqube 7102, argocd 7103, ecr 7104.
   */
  ports?: Partial<Record<ToolName, number>>;
  /** Where the bare git repositories live. Defaults to a fresh temp folder. */
  dataDir?: string;
  /** Multiplies every simulated duration (1 = a build takes ~40s). */
  timeScale?: number;
  /** Seed for deterministic outcomes, or `false` to start with empty tools. */
  seed?: string | false;
  /**
   * The software templates repository: a GitLab project (default
   * `platform/software-templates`) whose default branch holds a folder's
   * files (default: this repository's `templates/`), re-committed when they
   * change. Created by default when `seed` is not false; `false` skips it.
   */
  templates?: TemplatesRepositoryOptions | false;
  /** Reference time for the seeded history. Defaults to now. */
  now?: Date;
  /** Overrides of the accepted credentials. */
  credentials?: Partial<SimulatorCredentials>;
  /** Receives one line per notable event. Defaults to silence. */
  log?: (message: string) => void;
}

export const DEFAULT_PORTS: Record<ToolName, number> = {
  gitlab: 7100,
  jenkins: 7101,
  sonarqube: 7102,
  argocd: 7103,
  ecr: 7104,
};

export const DEFAULT_CREDENTIALS: SimulatorCredentials = {
  gitlab: { username: 'root', token: 'glpat-simulator-0000000000' },
  jenkins: {
    username: 'admin',
    apiToken: '11aa0000000000000000000000000000aa',
  },
  sonarqube: { token: 'squ_simulator00000000000000000000000000000' },
  argocd: {
    username: 'admin',
    password: 'simulator-password',
    token: 'argocd-simulator-token',
  },
  aws: {
    accessKeyId: 'AKIASIMULATOR0000000',
    secretAccessKey: 'simulator/secret/access/key/0000000000',
    accountId: '123456789012',
    region: 'eu-west-1',
  },
};

/** Controls time for simulated work; the seed uses a virtual clock. */
export interface Clock {
  now(): number;
  /** Waits `ms` of simulated time (already multiplied by the time scale). */
  sleep(ms: number): Promise<void>;
}

export class RealClock implements Clock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly timeScale: number) {}

  now() {
    return Date.now();
  }

  sleep(ms: number) {
    if (this.stopped) return new Promise<void>(() => {});
    return new Promise<void>(resolve => {
      const timer: NodeJS.Timeout = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, Math.max(0, ms * this.timeScale));
      this.timers.add(timer);
    });
  }

  /** Cancels pending sleeps; simulated work in flight never resumes. */
  stop() {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

export class VirtualClock implements Clock {
  constructor(private time: number) {}
  now() {
    return this.time;
  }
  async sleep(ms: number) {
    this.time += ms;
  }
  set(time: number) {
    this.time = time;
  }
}
