/** Progress lines of the runners, set apart from the output of the processes they start. */

export function step(message: string): void {
  process.stdout.write(`[aem-guides] ${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`[aem-guides] warning: ${message}\n`);
}

/** An error the runner explains itself: printed without a stack trace. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}
