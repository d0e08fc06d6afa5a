import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading an entity's delivery data (runs, quality, vulnerabilities,
 * deployments). A resource permission on catalog entities, so policies can
 * use the catalog's conditions (for example, owners only).
 *
 * @public
 */
export const deliveryEntityReadPermission = createPermission({
  name: 'delivery.entity.read',
  attributes: { action: 'read' },
  // The catalog's resource type (RESOURCE_TYPE_CATALOG_ENTITY in
  // @backstage/plugin-catalog-common), spelled out to keep this package light.
  resourceType: 'catalog-entity',
});

/**
 * Every permission of the delivery plugin.
 *
 * @public
 */
export const deliveryPermissions = [deliveryEntityReadPermission];
