export * from './http.js';
export * from './receiver.js';
