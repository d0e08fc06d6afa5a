import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { DeliveryService } from './service/DeliveryService';

/** The runs a page shows when `limit` is absent, and the most it may ask for. */
export const DEFAULT_RUNS_LIMIT = 10;
export const MAX_RUNS_LIMIT = 50;

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  delivery: DeliveryService;
}): Promise<express.Router> {
  const { httpAuth, catalog, delivery } = options;
  const router = Router();

  // The entity is read with the caller's credentials: one they cannot see is
  // as absent as one that does not exist.
  async function loadEntity(req: express.Request) {
    const credentials = await httpAuth.credentials(req);
    const { namespace, kind, name } = req.params;
    const entity = await catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity) {
      throw new NotFoundError(
        `No entity ${kind}:${namespace}/${name} found; check the kind, namespace and name`,
      );
    }
    return entity;
  }

  router.get(
    '/v1/entities/:namespace/:kind/:name/summary',
    async (req, res) => {
      const entity = await loadEntity(req);
      const { body, etag } = await delivery.getSummaryBody(entity);
      // Express answers 304 itself when If-None-Match matches the ETag.
      res.set('ETag', etag).type('json').send(body);
    },
  );

  router.get('/v1/entities/:namespace/:kind/:name/runs', async (req, res) => {
    const limit = parseLimit(req.query.limit);
    const entity = await loadEntity(req);
    res.json(await delivery.getRuns(entity, limit));
  });

  router.get(
    '/v1/entities/:namespace/:kind/:name/vulnerabilities',
    async (req, res) => {
      const run = parseRun(req.query.run);
      const entity = await loadEntity(req);
      res.json(await delivery.getVulnerabilities(entity, run));
    },
  );

  return router;
}

function parseLimit(value: unknown): number {
  if (value === undefined) {
    return DEFAULT_RUNS_LIMIT;
  }
  if (typeof value !== 'string' || !/^\d{1,3}$/.test(value)) {
    throw new InputError(
      `Invalid query parameter limit: expected one integer from 1 to ${MAX_RUNS_LIMIT}, got ${describe(
        value,
      )}`,
    );
  }
  const limit = Number(value);
  if (limit < 1 || limit > MAX_RUNS_LIMIT) {
    throw new InputError(
      `Invalid query parameter limit: expected an integer from 1 to ${MAX_RUNS_LIMIT}, got ${limit}`,
    );
  }
  return limit;
}

function parseRun(value: unknown): number {
  if (value === undefined || value === '') {
    throw new InputError(
      'Missing query parameter run: pass the Jenkins build number of the run, e.g. ?run=42',
    );
  }
  if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value)) {
    throw new InputError(
      `Invalid query parameter run: expected a Jenkins build number (a positive integer), got ${describe(
        value,
      )}`,
    );
  }
  return Number(value);
}

/** A short, single-line rendering of a query value for an error message. */
function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
