/**
 * `await input(prompt, { password })` in cells: the running cell asks the front end for a line of
 * text (an `input` event, through the I/O thread) and gets the answer (`inputReply`). A front end
 * that cannot ask (no stdin, the user cancelled) answers with a reason, and `input` throws an
 * `InputError` that says it.
 */
import type { ExecutorEvent, InputReply } from "../protocol.js";

export class InputError extends Error {
  override name = "InputError";
}

export interface InputOptions {
  /** Hide what is typed. */
  password?: boolean;
}

export interface CellInput {
  /** The global cells call. */
  input: (prompt?: string, options?: InputOptions) => Promise<string>;
  /** The front end's answer to the running cell's question. */
  answer(reply: InputReply): void;
  /** The cell ended or was abandoned: a question it left open is dropped. */
  drop(id: string): void;
}

interface Question {
  id: string;
  resolve(value: string): void;
  reject(error: Error): void;
}

export function createCellInput(
  currentId: () => string | undefined,
  emit: (event: ExecutorEvent) => void,
): CellInput {
  let open: Question | undefined;
  return {
    input: (prompt = "", options = {}) => {
      const id = currentId();
      if (id === undefined) {
        return Promise.reject(new InputError("input(): only a running cell can ask for input"));
      }
      if (open) {
        return Promise.reject(
          new InputError("input(): the cell already waits for an answer (await each input())"),
        );
      }
      return new Promise<string>((resolve, reject) => {
        open = { id, resolve, reject };
        emit({ type: "input", id, prompt: String(prompt), password: options.password === true });
      });
    },
    answer(reply) {
      const question = open;
      if (!question || question.id !== reply.id) return;
      open = undefined;
      if (typeof reply.value === "string") question.resolve(reply.value);
      else question.reject(new InputError(`input(): ${reply.reason ?? "no answer came"}`));
    },
    drop(id) {
      if (open?.id === id) open = undefined;
    },
  };
}
