#!/usr/bin/env node
/* Starts the toolchain simulator from source (development only). */
require('@backstage/cli/config/nodeTransform.cjs');
require('../src/cli.ts')
  .main(process.argv.slice(2))
  .catch(error => {
    console.error(`[simulator] ${error.message}`);
    process.exit(1);
  });
