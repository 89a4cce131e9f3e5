import { type ReactNode, type Ref, type TextareaHTMLAttributes, useId } from 'react';
import { cx } from './cx';
import { controlClass, describedBy, Field } from './Field';

export interface TextareaProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: ReactNode;
  hideLabel?: boolean;
  hint?: ReactNode;
  error?: ReactNode;
  ref?: Ref<HTMLTextAreaElement>;
  fieldClassName?: string;
}

/** Labelled multi-line text input with hint and error wired to aria-describedby / aria-invalid. */
export function Textarea({
  label,
  hideLabel,
  hint,
  error,
  id,
  className,
  fieldClassName,
  required,
  rows = 4,
  ...props
}: TextareaProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  return (
    <Field
      id={inputId}
      label={label}
      hideLabel={hideLabel}
      hint={hint}
      error={error}
      required={required}
      className={fieldClassName}
    >
      <textarea
        id={inputId}
        rows={rows}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(inputId, hint, error)}
        className={cx(controlClass(Boolean(error)), 'py-2', className)}
        {...props}
      />
    </Field>
  );
}
