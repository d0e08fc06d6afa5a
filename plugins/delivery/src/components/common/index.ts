export * from './annotations';
export * from './CardStates';
export * from './SourceStates';
export * from './status';
export * from './useDelivery';
