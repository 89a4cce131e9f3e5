import type PDFKit from 'pdfkit';
import { loadOnUse } from '../core/load-on-use.js';
import type { CustomerReport } from './report.js';
import type { AuditRow } from './schemas.js';

export interface CustomerReportPdf extends CustomerReport {
  /** The customer's audits, newest first (at most the caller's page). */
  audits: AuditRow[];
}

const MARGIN = 50;
const GREY = '#52525b';
const LABEL: Record<string, string> = {
  compliant: 'Compliant',
  at_risk: 'At risk',
  non_compliant: 'Non-compliant',
};

/**
 * A violation's evidence as short "key: value" lines (nested values as compact JSON, long ones cut),
 * for a reader rather than a parser: the CSV keeps the full JSON.
 */
export function evidenceLines(evidence: Record<string, unknown>, max = 8): string[] {
  const lines = Object.entries(evidence).map(([key, value]) => {
    const text =
      value === null || value === undefined
        ? '—'
        : Array.isArray(value)
          ? value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')
          : typeof value === 'object'
            ? JSON.stringify(value)
            : String(value);
    return `${key.replace(/_/g, ' ')}: ${text.length > 160 ? `${text.slice(0, 157)}…` : text}`;
  });
  return lines.length > max ? [...lines.slice(0, max), `… ${lines.length - max} more`] : lines;
}

const day = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : '—');

/**
 * The compliance report of a customer as a PDF (A4, standard Helvetica): the customer, their score and
 * status, every violation with a summary of its evidence and its status history, then their audits
 * (docs/compliance.md#report). Content streams are left uncompressed so the text stays searchable by
 * plain tools; the file is small either way.
 */
export function customerReportPdf(r: CustomerReportPdf): Promise<Buffer> {
  const PDFDocument = loadOnUse('pdfkit') as typeof PDFKit;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: false,
    info: {
      Title: `Compliance report — ${r.customer.name}`,
      Subject: `Compliance report of ${r.customer.email}`,
      Creator: 'Keyward',
      CreationDate: r.generatedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const heading = (text: string) => {
    doc.moveDown(1).font('Helvetica-Bold').fontSize(13).fillColor('black').text(text, MARGIN, undefined, {
      width,
    });
    doc.moveDown(0.3);
  };
  const fact = (label: string, value: string) => {
    doc.font('Helvetica-Bold').fontSize(10).fillColor(GREY).text(`${label}: `, { continued: true });
    doc.font('Helvetica').fillColor('black').text(value);
  };

  doc.font('Helvetica-Bold').fontSize(18).text('Compliance report');
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor(GREY)
    .text(`Generated ${day(r.generatedAt)} UTC`);
  doc.moveDown(0.8);
  fact('Customer', r.customer.name);
  fact('Email', r.customer.email);
  fact('Customer id', r.customer.id);
  fact('Compliance score', `${r.score} / 100`);
  fact('Status', LABEL[r.status] ?? r.status);
  const open = r.violations.filter((v) => v.status === 'open' || v.status === 'acknowledged').length;
  fact('Violations', `${r.violations.length} in total, ${open} open or acknowledged`);

  heading('Violations');
  if (r.violations.length === 0) {
    doc.font('Helvetica').fontSize(10).fillColor(GREY).text('No violation has been found.');
  }
  for (const v of r.violations) {
    if (doc.y > doc.page.height - 160) doc.addPage();
    doc
      .font('Helvetica-Bold')
      .fontSize(10.5)
      .fillColor('black')
      .text(`${v.type.replace(/_/g, ' ')} · ${v.severity} · ${v.status.replace(/_/g, ' ')}`, { width });
    doc.font('Helvetica').fontSize(10).text(v.summary, { width });
    doc
      .fontSize(8.5)
      .fillColor(GREY)
      .text(
        [
          `Detected ${day(v.detected_at)}`,
          v.key_last4 ? `license ••••${v.key_last4}` : null,
          v.device_id ? `device ${v.device_id}` : null,
          `id ${v.id}`,
        ]
          .filter(Boolean)
          .join(' · '),
        { width },
      );
    if (v.status_changed_at) {
      doc.text(
        `Status set to ${v.status.replace(/_/g, ' ')} ${day(v.status_changed_at)}${
          v.status_changed_by ? ` by ${v.status_changed_by}` : ''
        }${v.status_note ? ` — ${v.status_note}` : ''}`,
        { width },
      );
    }
    const evidence = evidenceLines(v.evidence);
    if (evidence.length > 0) {
      doc.fillColor('black').text('Evidence:', { width });
      for (const line of evidence) doc.fillColor(GREY).text(`  ${line}`, { width, indent: 8 });
    }
    doc.moveDown(0.6);
  }

  heading('Audits');
  if (r.audits.length === 0) {
    doc.font('Helvetica').fontSize(10).fillColor(GREY).text('No audit has covered this customer yet.');
  }
  for (const a of r.audits) {
    if (doc.y > doc.page.height - 100) doc.addPage();
    const s = a.summary as { findings?: number; raised?: number };
    doc
      .font('Helvetica-Bold')
      .fontSize(10)
      .fillColor('black')
      .text(`${day(a.created_at)} · ${a.scope} audit (${a.trigger.replace(/_/g, ' ')}) · score ${a.score}`, {
        width,
      });
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor(GREY)
      .text(`${s.findings ?? 0} findings, ${s.raised ?? 0} newly raised${a.notes ? ` — ${a.notes}` : ''}`, {
        width,
      });
    for (const rec of a.recommendations) doc.text(`• ${rec}`, { width, indent: 8 });
    doc.moveDown(0.4);
  }

  doc.end();
  return done;
}
