import fs from 'node:fs/promises';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateExample,
} from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const DEFAULT_FILE_PATH = 'catalog-info.yaml';

/**
 * Annotations the catalog sets itself when it reads a location; written into
 * a repository's file they would pin the entity to where it was read from.
 */
const CATALOG_OWNED_ANNOTATIONS = [
  'backstage.io/managed-by-location',
  'backstage.io/managed-by-origin-location',
  'backstage.io/orphan',
];

const examples: TemplateExample[] = [
  {
    description:
      'Add the delivery annotations to the component of an existing catalog-info.yaml',
    example: yaml.stringify({
      steps: [
        {
          id: 'catalog-info',
          action: 'slipway:catalog-info:merge',
          name: 'Add the delivery annotations',
          input: {
            entityRef: 'component:default/legacy-billing',
            filePath: 'repository/catalog-info.yaml',
            annotations: {
              'jenkins.io/job-full-name': 'services/legacy-billing',
              'sonarqube.org/project-key': 'legacy-billing',
              'argocd/app-selector': 'backstage-name=legacy-billing',
            },
          },
        },
      ],
    }),
  },
];

/**
 * Creates the `slipway:catalog-info:merge` action: sets annotations on one
 * entity of a `catalog-info.yaml` in the workspace and keeps everything else
 * in the file as it was (other documents, fields, links, tags, comments and
 * order). When the file does not exist, it is written from the catalog entity
 * given as `entity`. Only the workspace is touched, so it also runs in a dry
 * run.
 *
 * @public
 */
export function createCatalogInfoMergeAction() {
  return createTemplateAction({
    id: 'slipway:catalog-info:merge',
    description:
      'Merges annotations into an entity of a catalog-info.yaml in the workspace, keeping everything else the file holds; writes the file from the catalog entity when it is missing.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z.string({
            description:
              'The entity to update, e.g. `component:default/legacy-billing`; picks the document in a multi-document file.',
          }),
        annotations: z =>
          z.record(z.string(), z.string(), {
            description:
              'The annotations to set. Existing keys with another value are replaced; all other annotations stay.',
          }),
        filePath: z =>
          z
            .string({
              description: `Path of the file in the workspace. Default \`${DEFAULT_FILE_PATH}\`.`,
            })
            .optional(),
        entity: z =>
          z
            .record(z.string(), z.unknown(), {
              description:
                'The entity as the catalog holds it (e.g. the `entity` output of `catalog:fetch`): written as the file when the file does not exist.',
            })
            .optional(),
      },
      output: {
        entityRef: z =>
          z.string({ description: 'The entity that was updated.' }),
        created: z =>
          z.boolean({
            description:
              'True when the file did not exist and was written from `entity`.',
          }),
        added: z =>
          z.array(z.string(), {
            description: 'Annotation keys the entity did not have.',
          }),
        updated: z =>
          z.array(z.string(), {
            description: 'Annotation keys whose value changed.',
          }),
      },
    },
    async handler(ctx) {
      const target = parseRef(ctx.input.entityRef);
      const annotations = checkAnnotations(ctx.input.annotations);
      const filePath = ctx.input.filePath || DEFAULT_FILE_PATH;
      const absolute = resolveSafeChildPath(ctx.workspacePath, filePath);

      const existing = await readIfExists(absolute);
      let created = false;
      let documents: yaml.Document[];
      if (existing === undefined) {
        if (!ctx.input.entity) {
          throw new InputError(
            `The workspace has no ${filePath}; fetch the repository into the workspace first, or pass the catalog entity as \`entity\` to write a new file.`,
          );
        }
        documents = [new yaml.Document(entityForFile(ctx.input.entity))];
        created = true;
      } else {
        documents = yaml.parseAllDocuments(existing) as yaml.Document[];
        const broken = documents.find(d => d.errors.length > 0);
        if (broken) {
          throw new InputError(
            `${filePath} is not valid YAML: ${broken.errors[0].message}. Fix the file in the repository and run the template again.`,
          );
        }
      }

      const document = documents.find(d => matches(d.toJS(), target));
      if (!document) {
        const found = documents
          .map(d => refOf(d.toJS()))
          .filter(Boolean)
          .join(', ');
        throw new InputError(
          `${filePath} has no entity ${formatRef(target)} (it holds ${
            found || 'no entities'
          }); check \`entityRef\` or the repository's catalog file.`,
        );
      }

      const added: string[] = [];
      const updated: string[] = [];
      for (const [key, value] of Object.entries(annotations)) {
        const current = document.getIn(['metadata', 'annotations', key]);
        if (current === undefined) {
          added.push(key);
        } else if (String(current) === value) {
          continue;
        } else {
          updated.push(key);
        }
        document.setIn(['metadata', 'annotations', key], value);
      }

      await fs.writeFile(absolute, documents.map(serialize).join(''), 'utf8');
      ctx.logger.info(
        `${created ? 'Wrote' : 'Updated'} ${filePath} for ${formatRef(
          target,
        )}: ${added.length} annotation(s) added, ${
          updated.length
        } changed, everything else kept.`,
      );
      ctx.output('entityRef', formatRef(target));
      ctx.output('created', created);
      ctx.output('added', added);
      ctx.output('updated', updated);
    },
  });
}

interface Ref {
  kind: string;
  namespace: string;
  name: string;
}

function parseRef(value: string): Ref {
  const match = /^([^:/\s]+):(?:([^:/\s]+)\/)?([^:/\s]+)$/.exec(
    value?.trim() ?? '',
  );
  if (!match) {
    throw new InputError(
      `entityRef "${value}" is not an entity reference; use kind:namespace/name, e.g. component:default/legacy-billing.`,
    );
  }
  return {
    kind: match[1].toLocaleLowerCase('en-US'),
    namespace: (match[2] ?? 'default').toLocaleLowerCase('en-US'),
    name: match[3].toLocaleLowerCase('en-US'),
  };
}

function formatRef(ref: Ref) {
  return `${ref.kind}:${ref.namespace}/${ref.name}`;
}

function refOf(value: unknown): string | undefined {
  const entity = value as
    | { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }
    | undefined;
  if (
    typeof entity?.kind !== 'string' ||
    typeof entity.metadata?.name !== 'string'
  ) {
    return undefined;
  }
  const namespace =
    typeof entity.metadata.namespace === 'string'
      ? entity.metadata.namespace
      : 'default';
  return `${entity.kind}:${namespace}/${entity.metadata.name}`.toLocaleLowerCase(
    'en-US',
  );
}

function matches(value: unknown, target: Ref) {
  return refOf(value) === formatRef(target);
}

function checkAnnotations(annotations: Record<string, string>) {
  const entries = Object.entries(annotations ?? {});
  if (entries.length === 0) {
    throw new InputError(
      'annotations is empty; give at least one annotation to set.',
    );
  }
  for (const [key, value] of entries) {
    if (
      !/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(
        key,
      )
    ) {
      throw new InputError(
        `annotations has an invalid key "${key}"; use [prefix/]name, e.g. jenkins.io/job-full-name.`,
      );
    }
    if (typeof value !== 'string' || !value.trim()) {
      throw new InputError(
        `annotations["${key}"] is empty; give the value or leave the annotation out.`,
      );
    }
  }
  return annotations;
}

/** A document as text; every document after the first starts with its own `---`. */
function serialize(document: yaml.Document, index: number) {
  const text = document.toString({ lineWidth: 0 });
  return index === 0 || text.startsWith('---') ? text : `---\n${text}`;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

/** The entity as a file would hold it: without what the catalog adds when it reads one. */
function entityForFile(entity: Record<string, unknown>) {
  const { apiVersion, kind, metadata, spec } = entity as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: Record<string, unknown>;
    spec?: unknown;
  };
  if (typeof kind !== 'string' || typeof metadata?.name !== 'string') {
    throw new InputError(
      'entity has no kind or metadata.name; pass the entity as catalog:fetch returns it.',
    );
  }
  const { uid, etag, generation, annotations, ...rest } = metadata as Record<
    string,
    unknown
  >;
  const kept = Object.fromEntries(
    Object.entries((annotations ?? {}) as Record<string, string>).filter(
      ([key]) => !CATALOG_OWNED_ANNOTATIONS.includes(key),
    ),
  );
  return {
    apiVersion,
    kind,
    metadata: { ...rest, annotations: kept },
    ...(spec === undefined ? {} : { spec }),
  };
}
