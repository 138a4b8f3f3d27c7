import { createCellOutput } from '../cell-output';
import type { Handler } from '../handler';
import type { ExecuteOutcome, UserExpressionResult } from '../interpreter';
import type { ErrorContent, JsonObject } from '../messages';

interface ExecuteContent {
  code: string;
  silent: boolean;
  storeHistory: boolean;
  userExpressions: Record<string, string>;
  allowStdin: boolean;
  stopOnError: boolean;
}

/** The spec's defaults for the fields a minimal client leaves out (P2); `silent` forces no history. */
export function readExecuteContent(content: JsonObject): ExecuteContent {
  const silent = content.silent === true;
  const expressions = content.user_expressions;
  return {
    code: typeof content.code === 'string' ? content.code : '',
    silent,
    storeHistory: !silent && content.store_history !== false,
    userExpressions:
      typeof expressions === 'object' && expressions !== null && !Array.isArray(expressions)
        ? Object.fromEntries(Object.entries(expressions).filter((e): e is [string, string] => typeof e[1] === 'string'))
        : {},
    allowStdin: content.allow_stdin !== false,
    stopOnError: content.stop_on_error !== false,
  };
}

export const executeRequest: Handler = async (request, channel, kernel) => {
  const content = readExecuteContent(request.content);
  const { messenger, executions } = kernel;
  if (content.storeHistory) executions.count += 1;
  const executionCount = executions.count;
  if (!content.silent) {
    messenger.publish(request.header, 'execute_input', { code: content.code, execution_count: executionCount });
  }
  const output = createCellOutput(request, content, messenger, kernel.stdin);
  const cellId = (request.metadata as { cellId?: unknown }).cellId;
  const code: unknown = request.content.code;
  const outcome = code !== undefined && typeof code !== 'string' ? badCode(code) : await runGuarded(() =>
    kernel.interpreter.execute(
      content.code,
      {
        executionCount,
        silent: content.silent,
        storeHistory: content.storeHistory,
        allowStdin: content.allowStdin,
        ...(typeof cellId === 'string' ? { cellId } : {}),
      },
      output,
    ),
  );

  if (outcome.status === 'error') {
    const error: ErrorContent = { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
    if (!content.silent) messenger.publish(request.header, 'error', { ...error });
    if (content.storeHistory) kernel.history.append(executionCount, content.code, null);
    // Before the reply: what to abort is what was sent before the client could see this error.
    if (content.stopOnError) await kernel.abortQueuedExecutions();
    messenger.reply(channel, request, 'execute_reply', {
      status: 'error',
      execution_count: executionCount,
      ...error,
      user_expressions: {},
      payload: [],
    });
    return;
  }

  if (outcome.result && !content.silent) {
    messenger.publish(request.header, 'execute_result', {
      execution_count: executionCount,
      data: outcome.result.data,
      metadata: outcome.result.metadata,
    });
  }
  if (content.storeHistory) {
    const plain = outcome.result?.data['text/plain'];
    kernel.history.append(executionCount, content.code, typeof plain === 'string' ? plain : null);
  }
  const userExpressions = await evaluateExpressions(kernel.interpreter.evaluateExpressions.bind(kernel.interpreter), content.userExpressions);
  messenger.reply(channel, request, 'execute_reply', {
    status: 'ok',
    execution_count: executionCount,
    payload: outcome.payload ?? [],
    user_expressions: userExpressions,
  });
};

/**
 * The reply for an execute request that arrived while an earlier cell's error was aborting the queue.
 * The spec and ipykernel say `aborted`; jupyter_kernel_test 0.4.5's schema knows only ok|error|abort,
 * but its suite never queues a request behind an error, so the spec's word is the one to send.
 */
export const abortedExecuteRequest: Handler = async (request, channel, kernel) => {
  kernel.messenger.reply(channel, request, 'execute_reply', { status: 'aborted', execution_count: kernel.executions.count });
};

/** A client that sends something else than text as `code` gets an error that says so, not an empty cell's ok. */
function badCode(code: unknown): ExecuteOutcome {
  const what = code === null ? 'null' : Array.isArray(code) ? 'an array' : `a ${typeof code}`;
  const evalue = `execute_request's code is ${what}; the Jupyter protocol sends the cell's text as a string`;
  return { status: 'error', ename: 'BadRequest', evalue, traceback: [`BadRequest: ${evalue}`] };
}

async function runGuarded(run: () => Promise<ExecuteOutcome>): Promise<ExecuteOutcome> {
  try {
    return await run();
  } catch (error) {
    return { status: 'error', ...errorContent(error) };
  }
}

async function evaluateExpressions(
  evaluate: (expressions: Record<string, string>) => Promise<Record<string, UserExpressionResult>>,
  expressions: Record<string, string>,
): Promise<Record<string, UserExpressionResult>> {
  if (Object.keys(expressions).length === 0) return {};
  try {
    return await evaluate(expressions);
  } catch (error) {
    const failure: UserExpressionResult = { status: 'error', ...errorContent(error) };
    return Object.fromEntries(Object.keys(expressions).map((name) => [name, failure]));
  }
}

export function errorContent(error: unknown): ErrorContent {
  const ename = error instanceof Error ? error.name : 'Error';
  const evalue = error instanceof Error ? error.message : String(error);
  return { ename, evalue, traceback: [`${ename}: ${evalue}`] };
}
