/**
 * The first-run checklist's integration snippets, filled in with this server's URL and a real license
 * of the account. They follow packages/sdk/README.md and packages/enforce/README.md: change one of those
 * APIs and change these with it.
 */

/** What the snippets are filled in with. */
export interface SnippetFacts {
  serverUrl: string;
  /** A license key of the account; undefined when there is none yet or the role may not see keys. */
  licenseKey: string | undefined;
  /** The plan code of that license, for `requireTier`. */
  planCode: string | undefined;
}

export const KEY_PLACEHOLDER = 'YOUR-LICENSE-KEY';

export type GuardFramework = 'fastify' | 'express';

/** `@keyward/sdk` in a Node or Electron app: activate once, validate on every start. */
export function sdkSnippet({ serverUrl, licenseKey }: SnippetFacts): string {
  return `// npm install @keyward/sdk
import { FileStorage, KeywardClient, KeywardError, machineFingerprint } from '@keyward/sdk/node';

const client = new KeywardClient({
  serverUrl: '${serverUrl}',
  storage: new FileStorage('~/.config/my-app/license.json'),
  fingerprint: () => machineFingerprint('com.example.my-app'),
});

try {
  // A test license of your account; in your app, ask the user for theirs.
  if (!(await client.isActivated())) await client.activate('${licenseKey ?? KEY_PLACEHOLDER}');
  const license = await client.validate(); // online, or offline from the cached token
  console.log(\`Licensed: \${license.tier} (\${license.source})\`);
} catch (err) {
  if (err instanceof KeywardError) console.error(err.code, err.message);
  else throw err;
}
`;
}

/** `@keyward/enforce` in the vendor's own API: a route only licenses of the plan (or above) may call. */
export function enforceSnippet(
  { serverUrl, licenseKey, planCode }: SnippetFacts,
  framework: GuardFramework,
): string {
  const tier = planCode ?? 'your-plan-code';
  const setup = `// npm install @keyward/enforce
import { Enforcer, ${framework === 'fastify' ? 'fastifyGuards' : 'expressGuards'} } from '@keyward/enforce';
${framework === 'fastify' ? "import Fastify from 'fastify';" : "import express from 'express';"}

const enforcer = new Enforcer({
  baseUrl: '${serverUrl}',
  apiKey: process.env.KEYWARD_API_KEY!, // an API key from Settings → API keys
  failMode: 'closed', // refuse while Keyward cannot be reached
});
`;
  const app =
    framework === 'fastify'
      ? `const guard = fastifyGuards(enforcer, { licenseKey: (req) => req.headers['x-license-key'] as string });
const app = Fastify();
app.get('/reports', { preHandler: guard.requireTier('${tier}') }, async () => ({ ok: true }));
await app.listen({ port: 3000 });`
      : `const guard = expressGuards(enforcer, { licenseKey: (req) => req.get('x-license-key') });
const app = express();
app.get('/reports', guard.requireTier('${tier}'), (req, res) => res.json({ ok: true }));
app.listen(3000);`;
  return `${setup}
${app}

// curl -H 'x-license-key: ${licenseKey ?? KEY_PLACEHOLDER}' http://localhost:3000/reports
`;
}
