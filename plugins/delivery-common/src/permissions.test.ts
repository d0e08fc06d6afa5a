import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  deliveryEntityReadPermission,
  deliveryPermissions,
} from './permissions';

describe('deliveryEntityReadPermission', () => {
  it('is a read permission on catalog entities', () => {
    expect(
      isResourcePermission(deliveryEntityReadPermission, 'catalog-entity'),
    ).toBe(true);
    expect(deliveryEntityReadPermission.attributes.action).toBe('read');
    expect(deliveryPermissions).toContain(deliveryEntityReadPermission);
  });
});
