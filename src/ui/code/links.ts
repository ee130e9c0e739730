import type { SourceTree } from '../../engine/step';

/** Elixir's identifier search finds a function's definition in either tree, static functions included. */
export function functionUrl(fn: string, source: SourceTree): string {
  const project = source === 'linux' ? 'linux' : 'qemu';
  return `https://elixir.bootlin.com/${project}/latest/A/ident/${encodeURIComponent(fn)}`;
}

/** The whole file the function lives in: Linux on Elixir, QEMU on its own GitLab. */
export function fileUrl(file: string, source: SourceTree): string {
  return source === 'linux'
    ? `https://elixir.bootlin.com/linux/latest/source/${file}`
    : `https://gitlab.com/qemu-project/qemu/-/blob/master/${file}`;
}
