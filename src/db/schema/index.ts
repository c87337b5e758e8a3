export * from './reference.js';
export * from './cycles.js';
export * from './audit.js';
