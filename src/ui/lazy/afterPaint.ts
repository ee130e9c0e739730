/** How long to wait at most for a frame (a page opened in a background tab gets none until it is shown). */
const MAX_WAIT_MS = 100;

/**
 * Resolves once the browser has painted the page as it stands: a task queued from an animation frame runs after
 * that frame. Lets the first screen appear before work that does not draw it (starting the engine's workers).
 */
export function afterPaint(): Promise<void> {
  if (typeof requestAnimationFrame !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, MAX_WAIT_MS);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(timer);
        resolve();
      }, 0),
    );
  });
}
