import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { createService } from './server.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `${JSON.stringify({ level: 'error', message: error.message })}\n`,
      );
      process.exit(1);
    }
    throw error;
  }

  const logger = createLogger({
    service: config.serviceName,
    level: config.logLevel,
  });
  const service = createService(config, logger);

  // Kubernetes sends SIGTERM and waits terminationGracePeriodSeconds before
  // SIGKILL; Ctrl-C sends SIGINT locally.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info('signal received', { signal });
      service.stop().then(
        () => process.exit(0),
        error => {
          logger.error('shutdown failed', { error });
          process.exit(1);
        },
      );
    });
  }
  process.on('unhandledRejection', reason => {
    logger.error('unhandled promise rejection', { error: reason });
  });

  await service.start();
}

main().catch(error => {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', message: 'start-up failed', error: String(error) })}\n`,
  );
  process.exit(1);
});
