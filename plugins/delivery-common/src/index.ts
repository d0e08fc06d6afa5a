/**
 * Isomorphic types, annotation keys, entity reference parsers and permissions
 * of the Slipway delivery plugins.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './api';
export * from './argocdStatus';
export * from './errors';
export * from './model';
export * from './permissions';
export * from './references';
