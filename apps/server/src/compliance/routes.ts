import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import { csvResponse, sendFile } from '../http/file-reply.js';
import type { App } from '../http/types.js';
import { blockDeviceFor, notifyCustomerFor, suspendLicenseFor } from './actions.js';
import {
  ActionReasonBody,
  ActionResultSchema,
  AuditSchema,
  CreateAuditBody,
  CustomerComplianceSchema,
  CustomerStatusRowSchema,
  LicenseComplianceSchema,
  ListAuditsQuery,
  ListCustomerStatusQuery,
  ListViolationsQuery,
  NotifyCustomerBody,
  OverviewSchema,
  UpdateViolationBody,
  ViolationSchema,
} from './schemas.js';
import {
  complianceOverview,
  createAudit,
  customerCompliance,
  customerReport,
  customerReportAsPdf,
  getAudit,
  getViolation,
  licenseCompliance,
  listAudits,
  listCustomerCompliance,
  listViolations,
  updateViolationStatus,
} from './service.js';

const tags = ['compliance'];
const security = [{ bearer: [] }];
const Violation = Type.Ref('ComplianceViolation');
const Audit = Type.Ref('ComplianceAudit');
const meta = (request: { ip: string; id: string }) => ({ ip: request.ip, requestId: request.id });

/** Compliance (docs/compliance.md): violations and what to do about them, audits, scores and reports. */
export async function complianceRoutes(app: App, { ctx }: { ctx: AppContext }) {
  for (const schema of [
    ViolationSchema,
    AuditSchema,
    LicenseComplianceSchema,
    CustomerComplianceSchema,
    CustomerStatusRowSchema,
    OverviewSchema,
    ActionResultSchema,
  ])
    app.addSchema(schema);

  app.get(
    '/api/v1/compliance/overview',
    {
      schema: {
        tags,
        security,
        summary: 'Open violations by severity and type, customers by compliance status, the last daily scan',
        response: { 200: Type.Ref('ComplianceOverview'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => complianceOverview(request.ctx, principalOf(request).accountId),
  );

  app.get(
    '/api/v1/compliance/violations',
    {
      schema: {
        tags,
        security,
        summary:
          'List violations, newest first (filters: status, severity, type, license, customer; q searches the summary or a device id)',
        querystring: ListViolationsQuery,
        response: { 200: listOf(Violation), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      page(
        await listViolations(request.ctx, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      ),
  );

  app.get(
    '/api/v1/compliance/violations/:id',
    {
      schema: {
        tags,
        security,
        summary: 'A violation with its evidence',
        params: IdParams,
        response: { 200: Violation, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getViolation(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.patch(
    '/api/v1/compliance/violations/:id',
    {
      schema: {
        tags,
        security,
        summary:
          'Acknowledge, resolve, mark a false positive or reopen a violation, with a note; its evidence is never raised again',
        params: IdParams,
        body: UpdateViolationBody,
        response: { 200: Violation, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'compliance:write'),
    },
    async (request) =>
      updateViolationStatus(
        request.ctx,
        principalOf(request),
        request.params.id,
        request.body,
        meta(request),
      ),
  );

  /** An action from a violation: path, summary, body and its text field, what it does. */
  const ACTIONS = [
    [
      'suspend-license',
      "Suspend the violation's license (also needs licenses:write)",
      ActionReasonBody,
      'reason',
      suspendLicenseFor,
    ],
    [
      'block-device',
      "Block the violation's device, ending its seat on the license (also needs devices:block)",
      ActionReasonBody,
      'reason',
      blockDeviceFor,
    ],
    [
      'notify-customer',
      "Email the violation's customer a notice, with an optional message of your own",
      NotifyCustomerBody,
      'message',
      notifyCustomerFor,
    ],
  ] as const;
  for (const [path, summary, body, field, run] of ACTIONS) {
    app.post(
      `/api/v1/compliance/violations/:id/${path}`,
      {
        schema: {
          tags,
          security,
          summary,
          params: IdParams,
          body: Type.Optional(body),
          response: { 200: Type.Ref('ComplianceActionResult'), ...errorResponses },
        },
        preValidation: requireAction(ctx, 'compliance:write'),
      },
      async (request) =>
        run(
          request.ctx,
          principalOf(request),
          request.params.id,
          (request.body as Record<string, string | undefined> | undefined)?.[field],
          meta(request),
        ),
    );
  }

  app.post(
    '/api/v1/compliance/audits',
    {
      schema: {
        tags,
        security,
        summary:
          'Run an audit now (the whole account, a customer or a license): the detectors run, new violations are raised, the findings are kept',
        body: CreateAuditBody,
        response: { 201: Audit, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'compliance:write'),
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createAudit(request.ctx, principalOf(request), request.body, meta(request))),
  );

  app.get(
    '/api/v1/compliance/audits',
    {
      schema: {
        tags,
        security,
        summary: 'List audits, newest first (the daily scan is trigger scheduled)',
        querystring: ListAuditsQuery,
        response: { 200: listOf(Audit), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      page(
        await listAudits(request.ctx, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      ),
  );

  app.get(
    '/api/v1/compliance/audits/:id',
    {
      schema: {
        tags,
        security,
        summary: 'An audit with its findings, recommendations and score',
        params: IdParams,
        response: { 200: Audit, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getAudit(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.get(
    '/api/v1/compliance/customers',
    {
      schema: {
        tags,
        security,
        summary: 'Customers with open violations, the lowest score first, with their status',
        querystring: ListCustomerStatusQuery,
        response: { 200: listOf(Type.Ref('CustomerComplianceRow')), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      page(
        await listCustomerCompliance(request.ctx, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      ),
  );

  app.get(
    '/api/v1/compliance/customers/:id',
    {
      schema: {
        tags,
        security,
        summary:
          "A customer's compliance: score, status, open violations, their licenses' scores, last audit",
        params: IdParams,
        response: { 200: Type.Ref('CustomerCompliance'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => customerCompliance(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.get(
    '/api/v1/compliance/customers/:id/report.csv',
    {
      schema: {
        tags,
        security,
        summary:
          "A customer's compliance report as CSV: their score and status, then every violation with its evidence",
        params: IdParams,
        response: { 200: csvResponse, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request, reply) =>
      sendFile(
        reply,
        'text/csv; charset=utf-8',
        await customerReport(request.ctx, principalOf(request).accountId, request.params.id),
      ),
  );

  app.get(
    '/api/v1/compliance/customers/:id/report.pdf',
    {
      schema: {
        tags,
        security,
        summary:
          "A customer's compliance report as PDF: their score and status, every violation with a summary of its evidence, their audits",
        params: IdParams,
        response: {
          200: {
            content: {
              'application/pdf': { schema: Type.String({ format: 'binary', description: 'A4, PDF 1.3' }) },
            },
          },
          ...errorResponses,
        },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request, reply) =>
      sendFile(
        reply,
        'application/pdf',
        await customerReportAsPdf(request.ctx, principalOf(request).accountId, request.params.id),
      ),
  );

  app.get(
    '/api/v1/compliance/licenses/:id',
    {
      schema: {
        tags,
        security,
        summary: "A license's compliance score and open violations",
        params: IdParams,
        response: { 200: Type.Ref('LicenseCompliance'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => licenseCompliance(request.ctx, principalOf(request).accountId, request.params.id),
  );
}
