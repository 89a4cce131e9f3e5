export * from './denials.js';
export { Enforcer, type EnforcerOptions, type LicenseSummary } from './enforcer.js';
export { expressGuards, expressWebhookHandler } from './express.js';
export { fastifyGuards, fastifyWebhookRoute } from './fastify.js';
export { honoGuards } from './hono.js';
export { ConcurrencyLimit, HourlyQuota, type QuotaOptions } from './quota.js';
