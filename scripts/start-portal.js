#!/usr/bin/env node
/*
 * `yarn start`: the portal on its embedded default, with the toolchain
 * simulator standing in for GitLab, Jenkins, SonarQube, Argo CD and ECR
 * (packages/toolchain-simulator, loopback only). app-config.yaml points the
 * portal at it. Set SLIPWAY_SIMULATOR=false to start the portal alone, e.g.
 * when an app-config.local.yaml points it at real tools, and
 * SLIPWAY_SIMULATOR_TIME_SCALE to make its simulated builds faster or slower.
 *
 * The catalog reads the software templates from the simulated GitLab (url
 * locations in app-config.yaml), so the backend starts only once the
 * simulator answers its health check, i.e. has seeded its tools and the
 * templates project.
 *
 * Extra arguments go to `backstage-cli repo start`.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const children = [];
let stopping = false;

function run(name, command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(
        `[start] ${name} exited (${
          signal ?? `code ${code}`
        }); stopping the portal`,
      );
      stop(code ?? 1);
    }
  });
  return child;
}

function stop(code) {
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  setTimeout(() => process.exit(code), 500).unref();
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// Every simulated tool answers 200 here once the simulator is seeded
const SIMULATOR_HEALTH = 'http://127.0.0.1:7100/_simulator/health';
const SIMULATOR_TIMEOUT_MS = 120_000;

async function waitForSimulator(simulator) {
  const deadline = Date.now() + SIMULATOR_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (simulator.exitCode !== null || stopping) return false;
    try {
      const response = await fetch(SIMULATOR_HEALTH, {
        signal: AbortSignal.timeout(2000),
      });
      if (response.ok) return true;
      last = `${response.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  console.error(
    `[start] the toolchain simulator did not answer ${SIMULATOR_HEALTH} within ${
      SIMULATOR_TIMEOUT_MS / 1000
    } s (last: ${last}); stopping. Is another process using ports 7100-7104?`,
  );
  stop(1);
  return false;
}

function startPortal() {
  run('portal', process.execPath, [
    require.resolve('@backstage/cli/bin/backstage-cli', { paths: [root] }),
    'repo',
    'start',
    ...process.argv.slice(2),
  ]);
}

if (process.env.SLIPWAY_SIMULATOR !== 'false') {
  // A build walks its nine stages in about 10 s at this scale (40 s at 1)
  const timeScale = process.env.SLIPWAY_SIMULATOR_TIME_SCALE ?? '0.25';
  const simulator = run('toolchain simulator', process.execPath, [
    path.join(root, 'packages/toolchain-simulator/bin/toolchain-simulator.js'),
    `--time-scale=${timeScale}`,
  ]);
  waitForSimulator(simulator).then(ready => {
    if (ready) startPortal();
  });
} else {
  if (!fs.existsSync(path.join(root, 'app-config.local.yaml'))) {
    console.warn(
      '[start] SLIPWAY_SIMULATOR=false: app-config.yaml reads the software templates from the simulated GitLab (127.0.0.1:7100). ' +
        'Register them from your GitLab, or from disk, in app-config.local.yaml (see packages/toolchain-simulator/README.md).',
    );
  }
  startPortal();
}
