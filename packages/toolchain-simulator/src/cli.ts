/* Command line entry: `yarn workspace @slipway/toolchain-simulator start`. */
import { startSimulator } from './startSimulator';
import { DEFAULT_PORTS, ToolName } from './types';

export async function main(argv: string[]) {
  const args = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(arg);
    if (!m)
      throw new Error(
        `Unknown argument '${arg}'. Use --port-base=7100 --time-scale=1 --seed=slipway|false --data-dir=DIR --templates-dir=DIR|false --quiet`,
      );
    args.set(m[1], m[2] ?? 'true');
  }
  const base = args.has('port-base')
    ? Number(args.get('port-base'))
    : undefined;
  if (base !== undefined && !(base > 0 && base < 65531)) {
    throw new Error(
      `--port-base must be a port number, got '${args.get('port-base')}'`,
    );
  }
  const ports = base
    ? Object.fromEntries(
        (Object.keys(DEFAULT_PORTS) as ToolName[]).map((t, i) => [t, base + i]),
      )
    : undefined;
  const timeScale = args.has('time-scale')
    ? Number(args.get('time-scale'))
    : undefined;
  const seedArg = args.get('seed');
  const sim = await startSimulator({
    ports,
    timeScale,
    dataDir: args.get('data-dir'),
    seed: seedArg === 'false' ? false : seedArg,
    templates: templatesOption(args.get('templates-dir')),
    log:
      args.get('quiet') === 'true'
        ? undefined
        : line => console.log(`[simulator] ${line}`),
  });
  console.log('[simulator] toolchain simulator is up (development only):');
  for (const [tool, url] of Object.entries(sim.urls))
    console.log(`[simulator]   ${tool.padEnd(9)} ${url}`);
  const shutdown = () => {
    sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

function templatesOption(dir: string | undefined) {
  if (dir === 'false') return false;
  return dir === undefined ? undefined : { dir };
}
