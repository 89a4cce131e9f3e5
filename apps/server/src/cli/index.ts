import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';

// Command modules load on use: `export`/`import` need only the database layer, and loading the whole
// HTTP application first would add seconds to every run.
const admin = () => import('./admin-commands.js');
const backup = () => import('./backup-commands.js');

const program = new Command('keyward')
  .description('Keyward: licensing, subscription and entitlement server')
  .version('0.1.0')
  .showHelpAfterError();

program
  .command('serve')
  .description('Start the API, dashboard (/admin) and portal (/portal)')
  .option('--demo', 'load the demo catalogue (a product, plans free to enterprise) into the default account')
  .option(
    '--workers <n>',
    'processes sharing the port (default: one per core with DATABASE_URL, 1 on the embedded database); SIGHUP restarts them one at a time',
  )
  .action((opts) => run(async (config) => (await import('./serve.js')).serveCommand(config, opts)));
program
  .command('worker')
  .description(
    'Do the background work only (jobs, webhooks, email, Stripe events), beside servers run with KEYWARD_JOBS=off (PostgreSQL)',
  )
  .action(() => run(async (config) => (await import('./worker.js')).workerCommand(config)));
program
  .command('migrate')
  .description('Apply pending database migrations (safe to run from several processes)')
  .action(() => run(async (config) => (await admin()).migrateCommand(config)));
program
  .command('create-admin')
  .description('Create a staff user with the owner role (or another role) in an account')
  .requiredOption('--email <email>', 'email address of the new user')
  .option('--password <password>', 'password (at least 12 characters); generated and printed when omitted')
  .option('--role <role>', 'owner, admin, developer, sales, support or read_only', 'owner')
  .option('--account <slug>', 'account slug', 'default')
  .action((opts) => run(async (config) => (await admin()).createAdminCommand(config, opts)));
program
  .command('events')
  .description('Audit log tools')
  .command('verify')
  .description('Recompute the hash chain of the event log and report any edited or missing row')
  .option('--account <id>', 'only this account id')
  .action((opts) => run(async (config) => (await admin()).eventsVerifyCommand(config, opts)));

program
  .command('keys')
  .description('Signing keys')
  .command('rotate')
  .description('Make a new active signing key; the previous one keeps verifying during the overlap')
  .option('--account <slug>', 'account slug', 'default')
  .option('--alg <alg>', 'EdDSA or RS256', 'EdDSA')
  .option('--overlap-hours <hours>', 'how long tokens of the previous key stay valid', '168')
  .action((opts) =>
    run(async (config) => (await import('./keys-rotate.js')).keysRotateCommand(config, opts)),
  );
const jobs = program.command('jobs').description('The job queue: what Keyward runs by itself');
const jobCommands = () => import('./jobs-commands.js');
jobs
  .command('list')
  .description('Every job: schedule, last and next run, runs waiting/running/failed, recent failures')
  .action(() => run(async (config) => (await jobCommands()).jobsListCommand(config)));
jobs
  .command('run <job>')
  .description('Run a job now (and wait for it here, unless --no-wait)')
  .option('--no-wait', 'only queue the run; a server works it')
  .action((name, opts) => run(async (config) => (await jobCommands()).jobsRunCommand(config, name, opts)));
jobs
  .command('retry <job> <id>')
  .description('Run a failed run again')
  .action((name, id) => run(async (config) => (await jobCommands()).jobsRetryCommand(config, name, id)));

const accounts = program
  .command('accounts')
  .description(
    "The server's accounts (needs KEYWARD_MULTI_ACCOUNT=true): each its own catalogue, keys and staff",
  );
const accountCommands = () => import('./accounts-commands.js');
accounts
  .command('create')
  .description('Create an account and its owner')
  .requiredOption(
    '--slug <slug>',
    'lower-case letters, digits and dashes; used at sign-in and in the JWKS URL',
  )
  .requiredOption('--owner-email <email>', "the account owner's email")
  .option('--name <name>', 'display name (default: the slug)')
  .option('--owner-password <password>', 'at least 12 characters; generated and printed when omitted')
  .option(
    '--invite',
    'email the owner a link to choose their password instead (needs SMTP_URL on the servers)',
  )
  .action((opts) => run(async (config) => (await accountCommands()).accountsCreateCommand(config, opts)));
accounts
  .command('list')
  .description('Every account: slug, id, status, staff users, licenses')
  .action(() => run(async (config) => (await accountCommands()).accountsListCommand(config)));
accounts
  .command('disable <account>')
  .description("Refuse an account's staff and API keys (its customers' licenses keep working); slug or id")
  .action((a) => run(async (config) => (await accountCommands()).accountsEnableCommand(config, a, false)));
accounts
  .command('enable <account>')
  .description('Enable a disabled account again; slug or id')
  .action((a) => run(async (config) => (await accountCommands()).accountsEnableCommand(config, a, true)));

program
  .command('export')
  .description('Write every table (all accounts) to one gzip-compressed file; secrets stay encrypted')
  .option('--out <file>', 'where to write the export; - for standard output', '-')
  .action((opts) => run(async (config) => (await backup()).exportCommand(config, opts)));
program
  .command('import')
  .description('Load an export into an empty database (needs the master key of the exporting server)')
  .requiredOption('--in <file>', 'the export file; - for standard input')
  .action((opts) => run(async (config) => (await backup()).importCommand(config, opts)));

async function run(fn: (config: ReturnType<typeof loadConfig>) => Promise<void>) {
  try {
    await fn(loadConfig());
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DataDirLockedError) {
      console.error(`keyward: ${err.message}`);
      process.exit(2);
    }
    console.error(`keyward: ${(err as Error).message}`);
    process.exit(1);
  }
}

await program.parseAsync(process.argv);
