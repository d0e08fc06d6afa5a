import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigSources } from '@backstage/config-loader';
import { checkRequiredConfig } from './checkRequiredConfig';

/**
 * The default root config service, plus a check that fails startup with the
 * missing keys named (see {@link checkRequiredConfig}).
 */
export const rootConfigServiceFactory = createServiceFactory({
  service: coreServices.rootConfig,
  deps: {},
  async factory() {
    const source = ConfigSources.default({});
    const config = await ConfigSources.toConfig(source);
    checkRequiredConfig(config);
    return config;
  },
});
