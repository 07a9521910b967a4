/**
 * Multi-step input with a Back button, step counter and validation as you type: the pattern of
 * VS Code's own multi-step samples, written once for the connect and start flows.
 */
import * as vscode from 'vscode';

/** Thrown inside a step when the user pressed Back; the flow goes to the previous step. */
class BackSignal extends Error {}
/** The user closed the input: the flow ends without a result. */
class CancelSignal extends Error {}

export interface InputStepOptions {
  readonly title: string;
  readonly prompt: string;
  readonly value?: string;
  readonly placeholder?: string;
  readonly password?: boolean;
  /** Returns an error message (refused), a warning-severity message, or undefined (fine). */
  readonly validate?: (value: string) => string | vscode.InputBoxValidationMessage | undefined;
  readonly buttons?: readonly vscode.QuickInputButton[];
  readonly onButton?: (button: vscode.QuickInputButton, input: vscode.InputBox) => void | Promise<void>;
}

export interface PickStepOptions<T extends vscode.QuickPickItem> {
  readonly title: string;
  readonly placeholder: string;
  readonly items: readonly T[];
  readonly canPickMany?: boolean;
  readonly selected?: readonly T[];
  readonly active?: T;
  readonly matchOnDescription?: boolean;
}

export class InputFlow {
  private step = 0;
  private total = 0;

  /**
   * Runs steps in order. Each step gets the flow and returns the index of the next step
   * (or undefined to finish). Back returns to the step that led here.
   */
  static async run(steps: readonly ((flow: InputFlow) => Promise<number | undefined>)[]): Promise<boolean> {
    const flow = new InputFlow();
    flow.total = steps.length;
    const trail: number[] = [];
    let index: number | undefined = 0;
    while (index !== undefined && index < steps.length) {
      flow.step = index + 1;
      try {
        const next: number | undefined = await steps[index]!(flow);
        trail.push(index);
        index = next;
      } catch (e) {
        if (e instanceof BackSignal) {
          index = trail.pop() ?? 0;
        } else if (e instanceof CancelSignal) {
          return false;
        } else {
          throw e;
        }
      }
    }
    return true;
  }

  async input(options: InputStepOptions): Promise<string> {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.step = this.step;
    box.totalSteps = this.total;
    box.prompt = options.prompt;
    box.value = options.value ?? '';
    box.placeholder = options.placeholder;
    box.password = options.password ?? false;
    box.ignoreFocusOut = true;
    box.buttons = [...(this.step > 1 ? [vscode.QuickInputButtons.Back] : []), ...(options.buttons ?? [])];
    const validate = (value: string): boolean => {
      const result = options.validate?.(value);
      box.validationMessage = result;
      return result === undefined || (typeof result !== 'string' && result.severity !== vscode.InputBoxValidationSeverity.Error);
    };
    validate(box.value);
    try {
      return await new Promise<string>((resolve, reject) => {
        box.onDidChangeValue(validate);
        box.onDidAccept(() => {
          if (validate(box.value)) resolve(box.value);
        });
        // A button may open another quick input (recent paths, folder browser), which hides this box:
        // that is no cancellation, and the box comes back with the value it picked.
        let inButton = false;
        box.onDidTriggerButton((button) => {
          if (button === vscode.QuickInputButtons.Back) {
            reject(new BackSignal());
            return;
          }
          if (!options.onButton) return;
          inButton = true;
          void Promise.resolve(options.onButton(button, box))
            .catch((e: unknown) => void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e)))
            .finally(() => {
              inButton = false;
              validate(box.value);
              box.show();
            });
        });
        box.onDidHide(() => {
          if (!inButton) reject(new CancelSignal());
        });
        box.show();
      });
    } finally {
      box.dispose();
    }
  }

  async pick<T extends vscode.QuickPickItem>(options: PickStepOptions<T>): Promise<readonly T[]> {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = options.title;
    qp.step = this.step;
    qp.totalSteps = this.total;
    qp.placeholder = options.placeholder;
    qp.items = options.items;
    qp.canSelectMany = options.canPickMany ?? false;
    qp.matchOnDescription = options.matchOnDescription ?? false;
    qp.ignoreFocusOut = true;
    if (options.selected) qp.selectedItems = options.selected;
    if (options.active) qp.activeItems = [options.active];
    qp.buttons = this.step > 1 ? [vscode.QuickInputButtons.Back] : [];
    try {
      return await new Promise<readonly T[]>((resolve, reject) => {
        qp.onDidAccept(() => {
          const chosen = qp.canSelectMany ? qp.selectedItems : qp.activeItems.slice(0, 1);
          if (qp.canSelectMany || chosen.length > 0) resolve(chosen);
        });
        qp.onDidTriggerButton((button) => {
          if (button === vscode.QuickInputButtons.Back) reject(new BackSignal());
        });
        qp.onDidHide(() => reject(new CancelSignal()));
        qp.show();
      });
    } finally {
      qp.dispose();
    }
  }
}
