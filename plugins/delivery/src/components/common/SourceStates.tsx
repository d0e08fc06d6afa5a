import { ReactNode } from 'react';
import { SourceResult } from '@slipway/plugin-delivery-common';
import {
  ErrorState,
  LoadingState,
  MissingAnnotationState,
  NotConfiguredState,
  messageOf,
} from './CardStates';

/**
 * Everything a delivery card shows before it has its data, in the order a
 * card goes through it: the entity lacks the annotation; the request is
 * loading; the request failed (with a retry); the backend says the card's
 * source is not configured; the source itself failed (with a retry). Once
 * the source has data, `children` renders it.
 */
export function SourceStates<T>(props: {
  /** Whether the entity has the annotation the card reads. */
  available: boolean;
  /** What to tell the user when `available` is false. */
  missing: { annotation: string; example: string; what: string };
  /** The state of the card's request to the delivery backend. */
  request: { loading: boolean; error?: unknown; retry: () => void };
  /** The title over a failed request, e.g. "Could not load the runs". */
  loadErrorTitle: string;
  /** The card's part of the loaded response; `undefined` until loaded. */
  source: SourceResult<T> | undefined;
  /**
   * The title over a source's own error, e.g. "Jenkins did not answer";
   * `loadErrorTitle` when not given.
   */
  sourceErrorTitle?: string;
  children: (data: T) => ReactNode;
}) {
  const { available, missing, request, source } = props;
  if (!available) {
    return (
      <MissingAnnotationState
        annotation={missing.annotation}
        example={missing.example}
        what={missing.what}
      />
    );
  }
  if (request.loading) {
    return <LoadingState />;
  }
  if (request.error) {
    return (
      <ErrorState
        title={props.loadErrorTitle}
        message={messageOf(request.error)}
        onRetry={request.retry}
      />
    );
  }
  if (!source) {
    return null;
  }
  if (source.status === 'not-configured') {
    return <NotConfiguredState reason={source.reason} />;
  }
  if (source.status === 'error') {
    return (
      <ErrorState
        title={props.sourceErrorTitle ?? props.loadErrorTitle}
        message={source.error.message}
        onRetry={request.retry}
      />
    );
  }
  return <>{props.children(source.data)}</>;
}
