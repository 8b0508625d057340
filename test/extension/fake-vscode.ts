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

export const NotebookCellKind = { Markup: 1, Code: 2 } as const;

export const CompletionItemKind = {
  Text: 0,
  Method: 1,
  Function: 2,
  Variable: 5,
  Class: 6,
  Interface: 7,
  Module: 8,
  Property: 9,
  Keyword: 13,
  Constant: 20,
  TypeParameter: 24,
} as const;

export class Range {
  constructor(
    readonly start: unknown,
    readonly end: unknown,
  ) {}
}

export class CompletionItem {
  range?: Range;
  detail?: string;
  sortText?: string;
  constructor(
    readonly label: string,
    readonly kind?: number,
  ) {}
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
  /** Fire to select or deselect the controller for a notebook. */
  selection: EventEmitter<{ notebook: unknown; selected: boolean }>;
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
      selection: new EventEmitter<{ notebook: unknown; selected: boolean }>(),
      onDidChangeSelectedNotebooks(listener) {
        return this.selection.event(
          listener as (change: { notebook: unknown; selected: boolean }) => void,
        );
      },
      dispose: () => undefined,
    };
    created.controllers.push(controller);
    return controller;
  },
};

/** The settings `workspace.getConfiguration` reads and updates, by full key. */
export const settings = new Map<string, unknown>();

export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 } as const;

export const workspace = {
  notebookDocuments: [] as unknown[],
  isTrusted: true,
  onDidOpenNotebookDocument: noEvent,
  onDidCloseNotebookDocument: noEvent,
  getConfiguration(section: string) {
    return {
      get<T>(key: string, fallback: T): T {
        const full = `${section}.${key}`;
        return settings.has(full) ? (settings.get(full) as T) : fallback;
      },
      update(key: string, value: unknown): Promise<void> {
        settings.set(`${section}.${key}`, value);
        return Promise.resolve();
      },
    };
  },
};

/** A warning or information message the extension showed, and how it was answered. */
export interface ShownMessage {
  level: "warning" | "information";
  message: string;
  options: { modal?: boolean; detail?: string } | undefined;
  buttons: string[];
}

export const shown: {
  messages: ShownMessage[];
  /** The button the fake user picks (undefined: the message is dismissed). */
  answer: (message: ShownMessage) => string | undefined;
} = { messages: [], answer: () => undefined };

function showMessage(level: ShownMessage["level"], message: string, rest: unknown[]) {
  const [first, ...others] = rest;
  const options =
    typeof first === "object" && first !== null ? (first as ShownMessage["options"]) : undefined;
  const buttons = [...(options ? others : rest)] as string[];
  const entry: ShownMessage = { level, message, options, buttons };
  shown.messages.push(entry);
  return Promise.resolve(shown.answer(entry));
}

export const ProgressLocation = { Window: 10, Notification: 15 } as const;

export const window = {
  activeNotebookEditor: undefined as unknown,
  showWarningMessage: (message: string, ...rest: unknown[]) =>
    showMessage("warning", message, rest),
  showInformationMessage: (message: string, ...rest: unknown[]) =>
    showMessage("information", message, rest),
  withProgress: <T>(_options: unknown, task: () => Promise<T>): Promise<T> => task(),
};

/** The commands the extension registered, by id. */
export const registered = new Map<string, (...args: unknown[]) => unknown>();

export const commands = {
  registerCommand(id: string, run: (...args: unknown[]) => unknown): { dispose(): void } {
    registered.set(id, run);
    return { dispose: () => registered.delete(id) };
  },
  executeCommand: (): Promise<undefined> => Promise.resolve(undefined),
};

export const Disposable = {
  from: (...items: { dispose(): unknown }[]) => ({
    dispose: () => items.forEach((item) => item.dispose()),
  }),
};
