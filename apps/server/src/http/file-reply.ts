import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';

/** The OpenAPI 200 of a route that answers with a CSV file. */
export const csvResponse = {
  content: { 'text/csv': { schema: Type.String({ description: 'RFC 4180, CRLF, a header row' }) } },
};

/** Sends a file to save (CSV, PDF …) under its name: its type and a `content-disposition: attachment`. */
export function sendFile(
  reply: FastifyReply,
  type: string,
  file: { filename: string; body: string | Buffer },
) {
  return reply
    .type(type)
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .send(file.body);
}
