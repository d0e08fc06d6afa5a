import { compatWrapper } from '@backstage/core-compat-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

/**
 * The Delivery tab of every component: the cards of the road, with Roadie's
 * Argo CD cards. Components without the annotations show what to add.
 *
 * @public
 */
export const entityDeliveryContent = EntityContentBlueprint.make({
  params: {
    path: 'delivery',
    title: 'Delivery',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/DeliveryContent').then(m =>
        // Roadie's Argo CD cards are legacy component extensions.
        compatWrapper(<m.DeliveryContent />),
      ),
  },
});
