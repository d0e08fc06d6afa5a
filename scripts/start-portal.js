#!/usr/bin/env node
/*
 * `yarn start`: the portal on its embedded default, with the toolchain
 * simulator standing in for GitLab, Jenkins, SonarQube, Argo CD and ECR
 * (packages/toolchain-simulator, loopback only). app-config.yaml points the
 * portal at it. Set SLIPWAY_SIMULATOR=false to start the portal alone, e.g.
 * when an app-config.local.yaml points it at real tools, and
 * SLIPWAY_SIMULATOR_TIME_SCALE to make its simulated builds faster or slower.
 *
 * Extra arguments go to `backstage-cli repo start`.
 */
const { spawn } = require('node:child_process');
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
        `[start] ${name} exited (${signal ?? `code ${code}`}); stopping the portal`,
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

if (process.env.SLIPWAY_SIMULATOR !== 'false') {
  // A build walks its nine stages in about 10 s at this scale (40 s at 1)
  const timeScale = process.env.SLIPWAY_SIMULATOR_TIME_SCALE ?? '0.25';
  run('toolchain simulator', process.execPath, [
    path.join(root, 'packages/toolchain-simulator/bin/toolchain-simulator.js'),
    `--time-scale=${timeScale}`,
  ]);
}
run('portal', process.execPath, [
  require.resolve('@backstage/cli/bin/backstage-cli', { paths: [root] }),
  'repo',
  'start',
  ...process.argv.slice(2),
]);
