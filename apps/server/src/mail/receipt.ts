import type { ReceiptFacts, SubscriptionMailFacts } from './repository.js';
import { type Branding, escapeHtml, longDate, type RenderedMail, renderLayout } from './templates.js';

/** An amount in minor units as the currency writes it ($1,200.00, ¥1,200, 1.200,000 KWD …). */
export function money(minor: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() });
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

const day = (d: Date | null) => longDate(d ?? new Date());

function summary(f: ReceiptFacts) {
  const c = f.order.currency;
  return [
    ...f.lines.map((l) => `${l.description}: ${money(l.amount_cents, c)}`),
    ...(f.order.discount_cents ? [`Discount: −${money(f.order.discount_cents, c)}`] : []),
    ...(f.order.tax_cents ? [`Tax: ${money(f.order.tax_cents, c)}`] : []),
    `Total paid: ${money(f.order.total_cents, c)}`,
  ];
}

/** The receipt email of a paid order, in the account's branding, with a link to the receipt page. */
export function renderReceiptMail(f: ReceiptFacts, branding: Branding, receiptUrl: string): RenderedMail {
  return renderLayout(branding, {
    subject: `Your ${branding.product_name} receipt for order #${f.order.number}`,
    greeting: `Hello ${f.customer_name || 'there'},`,
    paragraphs: [
      `Thank you for your payment of ${money(f.order.total_cents, f.order.currency)} on ${day(f.order.paid_at)}.`,
      ...summary(f),
      'Your license keys are sent in separate emails as soon as the order is fulfilled.',
    ],
    action: { label: 'View your receipt', url: receiptUrl },
  });
}

/** The receipt as a page of its own (printable), for staff and, through the portal, the customer. */
export function renderReceiptPage(f: ReceiptFacts, branding: Branding): string {
  const c = f.order.currency;
  const row = (label: string, amount: string, strong = false) =>
    `<tr${strong ? ' class="total"' : ''}><td colspan="3">${escapeHtml(label)}</td><td class="n">${escapeHtml(amount)}</td></tr>`;
  const lines = f.lines
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.description)}</td><td class="n">${l.quantity}</td><td class="n">${escapeHtml(money(l.unit_amount_cents, c))}</td><td class="n">${escapeHtml(money(l.amount_cents, c))}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Receipt #${f.order.number} · ${escapeHtml(branding.product_name)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;color:#18181b;max-width:44rem;margin:2rem auto;padding:0 1rem}
table{width:100%;border-collapse:collapse;margin:1.5rem 0}th,td{padding:.5rem;border-bottom:1px solid #e4e4e7;text-align:left}
.n{text-align:right;font-variant-numeric:tabular-nums}.total td{font-weight:600;border-bottom:none}.muted{color:#71717a}</style></head>
<body>
<h1>${escapeHtml(branding.product_name)} — receipt #${f.order.number}</h1>
<p class="muted">${f.order.status === 'refunded' ? 'Refunded. ' : ''}Paid ${escapeHtml(day(f.order.paid_at))}${f.order.payment_reference ? ` · reference ${escapeHtml(f.order.payment_reference)}` : ''}</p>
<p>Billed to ${escapeHtml(f.customer_name ?? '')}${f.customer_email ? ` &lt;${escapeHtml(f.customer_email)}&gt;` : ''}</p>
<table><thead><tr><th>Item</th><th class="n">Qty</th><th class="n">Unit</th><th class="n">Amount</th></tr></thead>
<tbody>
${lines}
${row('Subtotal', money(f.order.subtotal_cents, c))}
${f.order.discount_cents ? row('Discount', `−${money(f.order.discount_cents, c)}`) : ''}
${f.order.tax_cents ? row('Tax', money(f.order.tax_cents, c)) : ''}
${row('Total', money(f.order.total_cents, c), true)}
</tbody></table>
${branding.support_email ? `<p class="muted">Questions? <a href="mailto:${escapeHtml(branding.support_email)}">${escapeHtml(branding.support_email)}</a></p>` : ''}
</body></html>`;
}

/** A payment failed: how long the licenses keep working, and what to do. */
export function renderPaymentFailedMail(
  f: SubscriptionMailFacts,
  branding: Branding,
  billingUrl: string,
): RenderedMail {
  return renderLayout(branding, {
    subject: `Your ${branding.product_name} payment did not go through`,
    greeting: `Hello ${f.customer_name || 'there'},`,
    paragraphs: [
      `We could not take the payment for your ${branding.product_name} subscription (${f.plan_name}).`,
      f.dunning_ends_at
        ? `Your licenses keep working until ${day(f.dunning_ends_at)}; after that they are suspended until the payment goes through.`
        : 'Your licenses keep working for now.',
      'Please update your payment method; we will try again automatically.',
    ],
    action: { label: 'Update your payment method', url: billingUrl },
  });
}
