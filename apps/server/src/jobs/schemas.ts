import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const RunState = Type.Union(
  ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'].map((s) => Type.Literal(s)),
);

const runFields = {
  id: Type.String(),
  account_id: Nullable(Type.String({ description: 'the account a run was asked for; null: every account' })),
  state: RunState,
  retries: Type.Integer(),
  queued_at: Type.String({ format: 'date-time' }),
  started_at: Nullable(Type.String({ format: 'date-time' })),
  finished_at: Nullable(Type.String({ format: 'date-time' })),
  output: Nullable(
    Type.Record(Type.String(), Type.Unknown(), { description: 'summary, or the error of a failed run' }),
  ),
};

export const JobRunSchema = Type.Object(runFields, { $id: 'JobRun' });

export const JobsOverviewSchema = Type.Object(
  {
    jobs: Type.Array(
      Type.Object({
        name: Type.String(),
        description: Type.String(),
        schedule: Nullable(Type.String({ description: 'cron, UTC' })),
        next_run_at: Nullable(Type.String({ format: 'date-time' })),
        last_run: Nullable(Type.Ref('JobRun')),
        waiting: Type.Integer(),
        running: Type.Integer(),
        failed: Type.Integer(),
      }),
    ),
    failures: Type.Array(Type.Object({ name: Type.String(), ...runFields })),
  },
  { $id: 'JobsOverview' },
);

// Any name reaches the handler, which says "no such job" (404) for one it does not run.
const JobName = Type.String({ minLength: 1, maxLength: 100 });
export const JobNameParams = Type.Object({ name: JobName }, { additionalProperties: false });
export const JobRunParams = Type.Object(
  { name: JobName, id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const QueuedRunSchema = Type.Object({
  queued: Type.Boolean(),
  id: Nullable(Type.String()),
  message: Type.String(),
});
