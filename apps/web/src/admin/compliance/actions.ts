import type { Role } from '../../api/session';
import { can } from '../permissions';
import type { Violation, ViolationStatus } from './labels';

/** Where a violation's status may go (the server's compliance/state.ts). */
const NEXT: Record<ViolationStatus, readonly ViolationStatus[]> = {
  open: ['acknowledged', 'resolved', 'false_positive'],
  acknowledged: ['open', 'resolved', 'false_positive'],
  resolved: ['open'],
  false_positive: ['open'],
};

export interface StatusChange {
  kind: 'status';
  to: ViolationStatus;
  label: string;
  title: string;
  description: string;
  confirm: string;
}

export interface ViolationAction {
  kind: 'action';
  path: 'suspend-license' | 'block-device' | 'notify-customer';
  label: string;
  title: string;
  description: string;
  confirm: string;
  /** The field of the body the text box fills. */
  field: 'reason' | 'message';
  fieldLabel: string;
  tone: 'primary' | 'danger';
}

const STATUS_CHANGES: Record<ViolationStatus, Omit<StatusChange, 'kind' | 'to'>> = {
  acknowledged: {
    label: 'Acknowledge',
    title: 'Acknowledge this violation?',
    description: 'It stays open in the score while you handle it; the note is kept with it.',
    confirm: 'Acknowledge',
  },
  resolved: {
    label: 'Resolve',
    title: 'Resolve this violation?',
    description: 'It leaves the score. The same evidence is never raised again; new evidence is.',
    confirm: 'Resolve',
  },
  false_positive: {
    label: 'False positive',
    title: 'Mark as a false positive?',
    description: 'It leaves the score and its evidence is not raised again. Say why in the note.',
    confirm: 'Mark false positive',
  },
  open: {
    label: 'Reopen',
    title: 'Reopen this violation?',
    description: 'It counts in the score again.',
    confirm: 'Reopen',
  },
};

/** The status changes the role may make from where the violation stands. */
export function statusChanges(v: Violation, role: Role | undefined): StatusChange[] {
  if (!can(role, 'compliance:write')) return [];
  return NEXT[v.status].map((to) => ({ kind: 'status', to, ...STATUS_CHANGES[to] }));
}

/** The actions the role may take on this violation (each also needs what it acts on). */
export function violationActions(v: Violation, role: Role | undefined): ViolationAction[] {
  if (!can(role, 'compliance:write')) return [];
  const out: ViolationAction[] = [];
  if (v.license_id && can(role, 'licenses:write'))
    out.push({
      kind: 'action',
      path: 'suspend-license',
      label: 'Suspend license',
      title: 'Suspend the license?',
      description: 'Its devices stop validating until the license is reinstated.',
      confirm: 'Suspend license',
      field: 'reason',
      fieldLabel: 'Reason (optional)',
      tone: 'danger',
    });
  if (v.device_id && can(role, 'devices:block'))
    out.push({
      kind: 'action',
      path: 'block-device',
      label: 'Block device',
      title: `Block device ${v.device_id}?`,
      description: 'Its seat on the license ends and it cannot activate the license again.',
      confirm: 'Block device',
      field: 'reason',
      fieldLabel: 'Reason (optional)',
      tone: 'danger',
    });
  if (v.customer_id)
    out.push({
      kind: 'action',
      path: 'notify-customer',
      label: 'Notify customer',
      title: 'Email the customer a notice?',
      description: 'They receive what was found and are asked to get in touch.',
      confirm: 'Send notice',
      field: 'message',
      fieldLabel: 'A paragraph of your own (optional)',
      tone: 'primary',
    });
  return out;
}
