import type { ReactNode } from 'react';
import { FieldName } from './FieldName';

export interface FieldProps {
  /** The real field name, shown as code. */
  name: string;
  value: ReactNode;
  /** One line on what it means. */
  note?: string;
  /** The value's aria-label, for values the tests and screen readers look up by name. */
  label?: string;
  big?: boolean;
  /** The value differs from what a reader would expect (e.g. unpublished work): drawn with emphasis. */
  attention?: boolean;
}

/** One struct field: its real name, its live value, and a short note. Use inside a <dl>. */
export function Field({ name, value, note, label, big = true, attention = false }: FieldProps) {
  return (
    <div className={`vr-field ${attention ? 'vr-attention' : ''}`}>
      <dt>
        <FieldName name={name} />
      </dt>
      <dd className={big ? 'vr-bignum' : 'vr-value'} aria-label={label}>
        {value}
      </dd>
      {note && <dd className="vr-note">{note}</dd>}
    </div>
  );
}
