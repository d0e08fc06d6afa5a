import { screen } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { legacyBilling } from '../../__fixtures__/entities';
import {
  mockDeliveryApi,
  renderWithEntity,
} from '../../__testUtils__/renderWithEntity';
import { OnboardingCard } from './OnboardingCard';

function formDataOf(href: string | null) {
  const url = new URL(href!, 'http://localhost');
  expect(url.pathname).toBe('/create/templates/default/onboard-service');
  return JSON.parse(url.searchParams.get('formData')!);
}

describe('OnboardingCard', () => {
  it('says the service is not on the road, lists every missing annotation and links to the template with the entity', async () => {
    await renderWithEntity(<OnboardingCard />, {
      entity: legacyBilling,
      api: mockDeliveryApi(),
    });

    expect(screen.getByText('Not on the road yet')).toBeInTheDocument();
    const missing = screen.getByRole('list', { name: 'Missing annotations' });
    expect(
      Array.from(missing.querySelectorAll('code')).map(c => c.textContent),
    ).toEqual([
      'gitlab.com/project-slug',
      'jenkins.io/job-full-name',
      'sonarqube.org/project-key',
      'argocd/app-selector',
      'aws.amazon.com/aws-ecr-repository-arn',
      'backstage.io/kubernetes-id',
    ]);
    const link = screen.getByRole('button', { name: 'Put it on the road' });
    expect(formDataOf(link.getAttribute('href'))).toEqual({
      entity: 'component:default/legacy-billing',
    });
  });

  it('prefills the GitLab repository from the project slug and the source location host', async () => {
    const entity: Entity = {
      ...legacyBilling,
      metadata: {
        ...legacyBilling.metadata,
        annotations: {
          'gitlab.com/project-slug': 'billing/batch/legacy-billing',
          'backstage.io/source-location':
            'url:https://gitlab.example.com/billing/batch/legacy-billing/-/tree/main/',
        },
      },
    };
    await renderWithEntity(<OnboardingCard />, {
      entity,
      api: mockDeliveryApi(),
    });

    const link = screen.getByRole('button', { name: 'Put it on the road' });
    expect(formDataOf(link.getAttribute('href'))).toEqual({
      entity: 'component:default/legacy-billing',
      repoUrl: 'gitlab.example.com?owner=billing%2Fbatch&repo=legacy-billing',
    });
    // What the entity already has is not listed as missing.
    expect(screen.queryByText('gitlab.com/project-slug')).toBeNull();
  });

  it('reads the project from the source location when there is no slug', async () => {
    const entity: Entity = {
      ...legacyBilling,
      metadata: {
        ...legacyBilling.metadata,
        annotations: {
          'backstage.io/source-location':
            'url:https://gitlab.example.com/billing/legacy-billing/-/tree/main/',
        },
      },
    };
    await renderWithEntity(<OnboardingCard />, {
      entity,
      api: mockDeliveryApi(),
    });

    const link = screen.getByRole('button', { name: 'Put it on the road' });
    expect(formDataOf(link.getAttribute('href')).repoUrl).toBe(
      'gitlab.example.com?owner=billing&repo=legacy-billing',
    );
  });
});
