import { Fragment } from 'react';

/**
 * A real field name (`split.avail_idx_shadow`) that may wrap only after a '.' or '_', never inside a word: in
 * presenter type a narrow box showed `split.avail_idx_shado` / `w`. The text stays the same (<wbr> adds none).
 */
export function FieldName({ name }: { name: string }) {
  const parts = name.split(/(?<=[._])/);
  return (
    <code className="vr-field-name">
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </code>
  );
}
