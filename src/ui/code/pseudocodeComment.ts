/**
 * A pseudocode line is code, which stays as written in every language, and maybe a comment (`code   # comment`),
 * which is UI text: it is translated through the 'pseudocode' namespace, whose keys are the English comments.
 */
export interface SplitLine {
  /** The line up to and including the comment's `# ` (the whole line when it has no comment). */
  code: string;
  /** The comment's text after `# `, or null. */
  comment: string | null;
}

/** A comment starts at a `# ` at the line's start or after a space (no pseudocode line has `#` in its code). */
export function splitComment(line: string): SplitLine {
  const m = /(^|\s)# /.exec(line);
  if (!m) return { code: line, comment: null };
  const end = m.index + m[1]!.length + 2;
  return { code: line.slice(0, end), comment: line.slice(end) };
}

/**
 * i18next options for looking a comment up: its key is its English text, which has `.` and `:` in it, so neither
 * separates anything; a comment not translated yet shows in English.
 */
export const commentLookup = (comment: string) =>
  ({ keySeparator: false, nsSeparator: false, defaultValue: comment }) as const;
