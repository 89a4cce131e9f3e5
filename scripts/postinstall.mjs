// Builds what `npm start` serves (the web app, the SDK and the server bundle) right after install,
// so a fresh clone needs only `npm install` then `npm start`.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.env.KEYWARD_SKIP_POSTINSTALL) process.exit(0);
for (const ws of ['packages/sdk', 'packages/enforce', 'apps/web', 'apps/server']) {
  if (!existsSync(`${ws}/package.json`)) continue;
  execSync(`npm run build --if-present -w ${ws}`, { stdio: 'inherit' });
}
