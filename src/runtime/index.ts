export * from './limiter.js';
export * from './router.js';
export * from './supervisor.js';
export { ManualClock, systemClock, settle } from '../api/clock.js';
export type { Clock } from '../api/clock.js';
