import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { errorResponses, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const EventSchema = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    actor_type: Type.String(),
    actor_id: Nullable(Type.String()),
    subject_type: Nullable(Type.String()),
    subject_id: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    request_id: Nullable(Type.String()),
    data: Type.Record(Type.String(), Type.Unknown()),
    created_at: Type.String({ format: 'date-time' }),
    sealed: Type.Boolean(),
  },
  { $id: 'Event' },
);
const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
    type: Type.Optional(
      Type.String({ maxLength: 100, description: 'exact type, or a prefix ending in * (license.*)' }),
    ),
    subject_id: Type.Optional(Type.String({ maxLength: 100 })),
    actor_id: Type.Optional(Type.String({ maxLength: 100 })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
const COLUMNS =
  'id::text as id, type, actor_type, actor_id, subject_type, subject_id, ip, request_id, data, created_at, chain_seq is not null as sealed';
const tags = ['events'];
const security = [{ bearer: [] }];

/** The audit log, read-only: there is no write path (and the database refuses one). */
export async function eventRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(EventSchema);
  const sql = ctx.db.sql;

  app.get(
    '/api/v1/events',
    {
      schema: {
        tags,
        security,
        summary: 'Search the audit log, newest first',
        querystring: ListQuery,
        response: { 200: listOf(Type.Ref('Event')), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const { limit, offset, type, subject_id, actor_id, since, until } = request.query;
      const typeFilter = !type
        ? sql``
        : type.endsWith('*')
          ? sql`and type like ${`${type.slice(0, -1).replace(/[%_]/g, '\\$&')}%`}`
          : sql`and type = ${type}`;
      const rows =
        await sql`select ${sql.unsafe(COLUMNS)} from events where account_id = ${principalOf(request).accountId}
      ${typeFilter} ${subject_id ? sql`and subject_id = ${subject_id}` : sql``} ${actor_id ? sql`and actor_id = ${actor_id}` : sql``}
      ${since ? sql`and created_at >= ${since}` : sql``} ${until ? sql`and created_at < ${until}` : sql``}
      order by id desc limit ${limit + 1} offset ${offset}`;
      return page(rows, limit, offset);
    },
  );

  app.get(
    '/api/v1/events/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get an event',
        params: Type.Object(
          { id: Type.String({ pattern: '^[0-9]{1,18}$' }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Event'), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const [row] =
        await sql`select ${sql.unsafe(COLUMNS)} from events where account_id = ${principalOf(request).accountId} and id = ${request.params.id}`;
      if (!row) throw notFound('Event');
      return row;
    },
  );
}
