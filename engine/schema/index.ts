/** The formats Tessera reads and writes, one zod schema each. */
export * from './common';
export * from './block-type';
export * from './design';
export * from './model';
export * from './number-format';
export * from './preset';
export * from './runtime';
export * from './tech';
export * from './workload';
export * from './error-bands';
export * from './serving';
