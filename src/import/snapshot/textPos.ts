/** 1-based line of a character offset in a text. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** 1-based line of the first `"key"` in a JSON text, or undefined. */
export function lineOfKey(text: string, key: string, from = 0): number | undefined {
  const at = text.indexOf(`"${key}"`, from);
  return at < 0 ? undefined : lineAt(text, at);
}

export const decodeText = (bytes: Uint8Array): string => new TextDecoder('utf-8').decode(bytes);
