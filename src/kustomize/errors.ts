/** Typed failure of a kustomize build; always names the file involved when one is known. */
export class KustomizeError extends Error {
  override readonly name = 'KustomizeError';
  constructor(
    message: string,
    /** Path (relative to the build root when possible) the error is about. */
    readonly file?: string,
    /** 1-based line, when the YAML parser reported one. */
    readonly line?: number,
    options?: { cause?: unknown },
  ) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message, options);
  }
}
