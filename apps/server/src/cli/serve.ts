import { startServer } from '../app/server.js';
import type { Config } from '../config/config.js';

/** `keyward serve`: starts everything and prints where to find it. */
export async function serveCommand(config: Config, opts: { demo?: boolean } = {}): Promise<void> {
  const server = await startServer(config, { installSignalHandlers: true, demo: opts.demo === true });
  const base = config.publicUrl;
  const lines = [
    '',
    `  Keyward is running (${server.ctx.db.kind === 'embedded' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`,
    `  API docs   ${base}/docs`,
    `  Dashboard  ${base}/admin`,
    `  Portal     ${base}/portal`,
    `  Health     ${base}/health`,
  ];
  if (server.demoData) lines.push(`  Demo data  ${server.demoData}`);
  if (server.generatedAdmin) {
    lines.push(
      '',
      '  First start: an owner was created. This password is shown once; change it after signing in.',
      `  Email      ${server.generatedAdmin.email}`,
      `  Password   ${server.generatedAdmin.password}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
