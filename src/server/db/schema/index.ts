export * from './tenants';
export * from './users';
export * from './calendar';
export * from './connections';
