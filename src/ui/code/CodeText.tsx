import { useTranslation } from 'react-i18next';
import { commentLookup, splitComment } from './pseudocodeComment';

/** One pseudocode line: its code as written, its comment (if any) in the page's language. */
export function CodeText({ text }: { text: string }) {
  // Not suspended while the translations load: the comments show in English until they are in.
  const { t } = useTranslation('pseudocode', { useSuspense: false });
  const { code, comment } = splitComment(text);
  return (
    <>
      {code}
      {comment !== null && t(comment, commentLookup(comment))}
    </>
  );
}
