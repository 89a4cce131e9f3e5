import { type ReactNode, type Ref, type SelectHTMLAttributes, useId } from 'react';
import { cx } from './cx';
import { controlClass, describedBy, Field } from './Field';

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'size'> {
  label: ReactNode;
  options: readonly SelectOption[];
  hideLabel?: boolean;
  hint?: ReactNode;
  error?: ReactNode;
  /** First, empty option (e.g. "Any status"). */
  placeholder?: string;
  ref?: Ref<HTMLSelectElement>;
  fieldClassName?: string;
}

/** Native select (keyboard and mobile pickers for free) with the same label/hint/error layout as Input. */
export function Select({
  label,
  options,
  hideLabel,
  hint,
  error,
  placeholder,
  id,
  className,
  fieldClassName,
  required,
  ...props
}: SelectProps) {
  const autoId = useId();
  const selectId = id ?? autoId;
  return (
    <Field
      id={selectId}
      label={label}
      hideLabel={hideLabel}
      hint={hint}
      error={error}
      required={required}
      className={fieldClassName}
    >
      <select
        id={selectId}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(selectId, hint, error)}
        className={cx(controlClass(Boolean(error)), 'h-10 pr-8', className)}
        {...props}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );
}
