import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { errorResponses } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { jobsOverview } from './overview.js';
import type { JobRunner } from './runner.js';
import { JobNameParams, JobRunParams, JobRunSchema, JobsOverviewSchema, QueuedRunSchema } from './schemas.js';

const tags = ['jobs'];
const security = [{ bearer: [] }];

/**
 * The job queue for operators: what runs by itself and when, how it went, run one now, run a failed one
 * again. Jobs work across every account of the deployment, so this is the owner's and admins' only; on a
 * multi-account server, staff of an account other than the operator's see its runs and the schedule's.
 */
export async function jobRoutes(
  app: App,
  {
    ctx,
    jobs,
    seesEveryAccount,
  }: {
    ctx: AppContext;
    jobs: JobRunner;
    /** Whether staff of this account see every account's runs (one account, or the operator's). */
    seesEveryAccount: (accountId: string) => Promise<boolean>;
  },
) {
  app.addSchema(JobRunSchema);
  app.addSchema(JobsOverviewSchema);
  const known = (name: string) => {
    if (!jobs.jobs.some((j) => j.name === name)) throw notFound(`Job ${name}`);
  };
  // A run asked for another account is that account's: not found here. The schedule's runs are everyone's.
  const runOf = async (name: string, id: string, accountId: string) => {
    known(name);
    const run = await jobs.run(name, id);
    if (!run || (run.account_id !== null && run.account_id !== accountId)) throw notFound('Run');
    return run;
  };

  app.get(
    '/api/v1/jobs',
    {
      schema: {
        tags,
        security,
        summary: 'Every job: schedule, last and next run, runs waiting and failed, recent failures',
        response: { 200: Type.Ref('JobsOverview'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'jobs:manage'),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      return jobsOverview(request.ctx, jobs, (await seesEveryAccount(accountId)) ? null : accountId);
    },
  );

  app.post(
    '/api/v1/jobs/:name/runs',
    {
      schema: {
        tags,
        security,
        summary: "Run a job now for the caller's account (its schedule is unchanged)",
        params: JobNameParams,
        response: { 202: QueuedRunSchema, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'jobs:manage'),
    },
    async (request, reply) => {
      known(request.params.name);
      // Staff act on their own account: a run asked for here covers it alone (the schedule covers all).
      const id = await jobs.enqueue(request.params.name, { account_id: principalOf(request).accountId });
      return reply.status(202).send({
        queued: id !== null,
        id,
        message: id
          ? `A run of ${request.params.name} is queued`
          : `A run of ${request.params.name} is already waiting; it does the same work`,
      });
    },
  );

  app.get(
    '/api/v1/jobs/:name/runs/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One run of a job',
        params: JobRunParams,
        response: { 200: Type.Ref('JobRun'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'jobs:manage'),
    },
    async (request) => runOf(request.params.name, request.params.id, principalOf(request).accountId),
  );

  app.post(
    '/api/v1/jobs/:name/runs/:id/retry',
    {
      schema: {
        tags,
        security,
        summary: 'Run a failed run again',
        params: JobRunParams,
        response: { 202: QueuedRunSchema, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'jobs:manage'),
    },
    async (request, reply) => {
      const { name, id } = request.params;
      const run = await runOf(name, id, principalOf(request).accountId);
      if (!(await jobs.retry(name, id)))
        throw new AppError(
          'INVALID_STATE_TRANSITION',
          `Only a failed run can be retried; this one is ${run.state}`,
          {
            state: run.state,
          },
        );
      return reply.status(202).send({ queued: true, id, message: `The run of ${name} is queued again` });
    },
  );
}
