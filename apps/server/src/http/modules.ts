import type { AppContext } from '../core/context.js';
import type { App } from './types.js';

/**
 * Domain modules register their routes here (customers, plans, licenses, …), in one list,
 * so app.ts stays about plumbing.
 */
export async function registerModules(_app: App, _ctx: AppContext): Promise<void> {}
