/** The one error class of chart loading and rendering; its message reads like Helm's. */
export class HelmError extends Error {
  override name = 'HelmError';
  /** `render` when the failure came from rendering the templates (helm then suggests --debug). */
  phase: 'load' | 'values' | 'render';
  constructor(message: string, options?: { cause?: unknown; phase?: 'load' | 'values' | 'render' }) {
    super(message, options);
    this.phase = options?.phase ?? 'load';
  }
}
