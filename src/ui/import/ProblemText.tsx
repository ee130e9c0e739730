import { useTranslation } from 'react-i18next';
import type { ImportProblem } from '../../import/types';

/** Where the problem is (file and line, or byte; the archive it came out of) and what it is. */
export function ProblemText({ problem }: { problem: ImportProblem }) {
  const { t } = useTranslation('import');
  const place =
    problem.line !== undefined
      ? t('problem.line', { file: problem.file, line: problem.line })
      : problem.byte !== undefined
        ? t('problem.byte', { file: problem.file, byte: problem.byte })
        : problem.file;
  const located = problem.archive !== undefined ? t('problem.inArchive', { place, archive: problem.archive }) : place;
  return (
    <span className="imp-problem">
      <code data-testid="import-problem-place">{located}</code>: {problem.message}
    </span>
  );
}
