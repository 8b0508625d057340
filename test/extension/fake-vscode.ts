/**
 * A small stand-in for the `vscode` module, enough for the extension's controller logic: output
 * items and outputs as plain data, events, and a notebook controller that records what it was
 * asked. Tests install it with `vi.mock("vscode", () => import("./fake-vscode.js"))`.
 */

export class NotebookCellOutputItem {
  constructor(
    readonly data: Uint8Array,
    readonly mime: string,
  ) {}

  static text(value: string, mime = "text/plain"): NotebookCellOutputItem {
    return new NotebookCellOutputItem(new TextEncoder().encode(value), mime);
  }
  static json(value: unknown, mime = "text/x-json"): NotebookCellOutputItem {
    return NotebookCellOutputItem.text(JSON.stringify(value), mime);
  }
  static stdout(value: string): NotebookCellOutputItem {
    return NotebookCellOutputItem.text(value, "application/vnd.code.notebook.stdout");
  }
  static stderr(value: string): NotebookCellOutputItem {
    return NotebookCellOutputItem.text(value, "application/vnd.code.notebook.stderr");
  }
  static error(value: { name: string; message: string; stack?: string }): NotebookCellOutputItem {
    const { name, message, stack } = value;
    return NotebookCellOutputItem.text(
      JSON.stringify({ name, message, stack }),
      "application/vnd.code.notebook.error",
    );
  }
}

export class NotebookCellOutput {
  items: NotebookCellOutputItem[];
  constructor(
    items: NotebookCellOutputItem[],
    readonly metadata?: Record<string, unknown>,
  ) {
    this.items = [...items];
  }
}

export class EventEmitter<T> {
  private listeners: ((value: T) => void)[] = [];
  readonly event = (listener: (value: T) => void): { dispose(): void } => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class CancellationTokenSource {
  private readonly cancelled = new EventEmitter<void>();
  readonly token = {
    isCancellationRequested: false,
    onCancellationRequested: this.cancelled.event,
  };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.cancelled.fire();
  }
  dispose(): void {
    this.cancelled.dispose();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(path: string): Uri {
    return new Uri("file", path);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

export const NotebookControllerAffinity = { Default: 1, Preferred: 2 } as const;

/** What the fake controller recorded. */
export interface FakeController {
  id: string;
  notebookType: string;
  label: string;
  supportedLanguages?: string[];
  supportsExecutionOrder?: boolean;
  description?: string;
  executeHandler?: (cells: unknown[], notebook: unknown, controller: unknown) => unknown;
  interruptHandler?: (notebook: unknown) => unknown;
  affinity: Map<unknown, number>;
  executions: unknown[];
  createNotebookCellExecution(cell: unknown): unknown;
  updateNotebookAffinity(notebook: unknown, affinity: number): void;
  onDidChangeSelectedNotebooks(listener: unknown): { dispose(): void };
  dispose(): void;
}

export const created: {
  controllers: FakeController[];
  executionFactory: (cell: unknown) => unknown;
} = {
  controllers: [],
  executionFactory: () => {
    throw new Error("set created.executionFactory in the test");
  },
};

const noEvent = (): { dispose(): void } => ({ dispose: () => undefined });

export const notebooks = {
  createNotebookController(id: string, notebookType: string, label: string): FakeController {
    const controller: FakeController = {
      id,
      notebookType,
      label,
      affinity: new Map(),
      executions: [],
      createNotebookCellExecution(cell) {
        const execution = created.executionFactory(cell);
        this.executions.push(execution);
        return execution;
      },
      updateNotebookAffinity(notebook, affinity) {
        this.affinity.set(notebook, affinity);
      },
      onDidChangeSelectedNotebooks: noEvent,
      dispose: () => undefined,
    };
    created.controllers.push(controller);
    return controller;
  },
};

export const workspace = {
  notebookDocuments: [] as unknown[],
  isTrusted: true,
  onDidOpenNotebookDocument: noEvent,
  onDidCloseNotebookDocument: noEvent,
};
