import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  CodeSnippet,
  EmptyState,
  LinkButton,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { TEMPLATE_PATH } from './annotations';

/** The entity lacks the annotation a card reads. */
export function MissingAnnotationState(props: {
  annotation: string;
  example: string;
  what: string;
}) {
  const { annotation, example, what } = props;
  return (
    <EmptyState
      missing="field"
      title={`Add the annotation ${annotation}`}
      description={`This card shows ${what} once the entity's catalog-info.yaml has the annotation ${annotation}. Services created from the microservice template have it from the start.`}
      action={
        <>
          <Box mb={2}>
            <CodeSnippet
              language="yaml"
              text={`metadata:\n  annotations:\n    ${annotation}: ${example}`}
              showCopyCodeButton
            />
          </Box>
          <LinkButton variant="contained" color="primary" to={TEMPLATE_PATH}>
            Create a service from the template
          </LinkButton>
        </>
      }
    />
  );
}

/** The backend says a source is not set up for this entity (annotation or config). */
export function NotConfiguredState(props: { reason: string }) {
  return (
    <EmptyState
      missing="info"
      title="Not configured"
      description={props.reason}
      action={
        <LinkButton variant="outlined" to={TEMPLATE_PATH}>
          See the microservice template
        </LinkButton>
      }
    />
  );
}

/** A request or an upstream tool failed: the backend's message, and a way to try again. */
export function ErrorState(props: {
  title: string;
  message: string;
  onRetry: () => void;
}) {
  return (
    <WarningPanel severity="error" title={props.title} defaultExpanded>
      <Typography variant="body2" gutterBottom>
        {props.message}
      </Typography>
      <Button variant="outlined" size="small" onClick={props.onRetry}>
        Retry
      </Button>
    </WarningPanel>
  );
}

/** Nothing to show yet, said plainly. */
export function EmptyDataState(props: {
  title: string;
  description: string | JSX.Element;
}) {
  return (
    <EmptyState
      missing="data"
      title={props.title}
      description={props.description}
    />
  );
}

export function LoadingState() {
  return <Progress />;
}

/**
 * The message of anything thrown, for display. For a failed backend call
 * this is the backend's own message (the `ResponseError`'s cause), which
 * says what went wrong and what to do; the status alone says neither.
 */
export function messageOf(error: unknown): string {
  if (error instanceof ResponseError) {
    const cause = error.cause?.message;
    return cause && cause !== error.message
      ? `${cause} (HTTP ${error.statusCode})`
      : error.message;
  }
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
