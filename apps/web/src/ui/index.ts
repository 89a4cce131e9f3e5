/** The in-house component kit: Tailwind classes, no runtime dependencies beyond React. */
export { Badge, type BadgeTone } from './Badge';
export { Button, type ButtonProps, buttonClass } from './Button';
export { Card, CardBody } from './Card';
export { CopyButton } from './CopyButton';
export { cx, focusRing } from './cx';
export { ConfirmDialog, Dialog } from './Dialog';
export { EmptyState } from './EmptyState';
export { ErrorState } from './ErrorState';
export { Icon, type IconName } from './Icon';
export { Input } from './Input';
export { MetricCard } from './MetricCard';
export { PageHeader } from './PageHeader';
export { Select, type SelectOption } from './Select';
export { Skeleton, Spinner } from './Spinner';
export { StatusBadge, statusLabel, statusOptions } from './StatusBadge';
export { type Column, DataTable, Pagination } from './Table';
export { Textarea } from './Textarea';
export { ToastProvider, useToast } from './Toast';
