/*
 * The Slipway portal backend (new backend system).
 *
 * Only plugins that work without outside services on the embedded default
 * are installed here: TechDocs (needs mkdocs or Docker) and Kubernetes (needs
 * a cluster) are left out; add them in your own backend when you have those.
 */

import { createBackend } from '@backstage/backend-defaults';
import { rootConfigServiceFactory } from './config/rootConfigServiceFactory';

const backend = createBackend();

// Fails startup with the key named when a required production value is missing
backend.add(rootConfigServiceFactory);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder, with the GitLab actions (publish:gitlab and friends)
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-gitlab'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(import('@slipway/plugin-scaffolder-backend-module-delivery'));

// auth: guest sign-in for local use; production config turns it off
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog, with the scaffolder's Template kind
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission framework
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// search: PostgreSQL engine when the database is PostgreSQL, Lunr otherwise
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// Slipway
backend.add(import('@slipway/plugin-delivery-backend'));

// Roadie's Argo CD backend, for its overview and history cards on the
// Delivery tab; it reads the same `argocd` config block as Slipway
backend.add(import('@roadiehq/backstage-plugin-argo-cd-backend'));

backend.start();
