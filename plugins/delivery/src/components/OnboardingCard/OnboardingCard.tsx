import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { InfoCard, LinkButton } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { missingRoadAnnotations, onboardingLink } from '../common';

/**
 * The invitation on a component that is not on the road yet: what is
 * missing, and the onboarding template with this entity filled in.
 *
 * @public
 */
export function OnboardingCard() {
  const { entity } = useEntity();
  const missing = missingRoadAnnotations(entity);
  return (
    <InfoCard title="Not on the road yet" subheader="Delivery">
      <Typography variant="body1" gutterBottom>
        {entity.metadata.title ?? entity.metadata.name} is not built, checked
        and deployed by the paved road yet. One merge request on its repository
        adds the Jenkins pipeline (SonarQube, Trivy, ECR), the Helm chart Argo
        CD deploys and these annotations to its catalog-info.yaml; its own code
        stays as it is.
      </Typography>
      <List dense aria-label="Missing annotations">
        {missing.map(({ annotation, what }) => (
          <ListItem key={annotation} disableGutters>
            <ListItemText
              primary={<code>{annotation}</code>}
              secondary={what}
            />
          </ListItem>
        ))}
      </List>
      <Box mt={2}>
        <LinkButton
          variant="contained"
          color="primary"
          to={onboardingLink(entity)}
        >
          Put it on the road
        </LinkButton>
      </Box>
    </InfoCard>
  );
}
