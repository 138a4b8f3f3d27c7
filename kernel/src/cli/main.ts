/** `flowbook <command> [options]`: dispatches to the command table. */
import { isFlowbookError } from '../errors';
import { COMMANDS } from './commands';
import type { CommandIO } from './commands';

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    const lines = Object.values(COMMANDS).map((c) => `  flowbook ${c.usage}\n      ${c.summary}`);
    const asked = name === undefined || name === 'help' || name === '--help' || name === '-h';
    (asked ? io.out : io.err)(['usage:', ...lines].join('\n'));
    return asked ? 0 : 2;
  }
  if (args.some((arg) => arg === '--help' || arg === '-h')) {
    io.out(`usage: flowbook ${command.usage}\n  ${command.summary}`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (!isFlowbookError(error)) throw error;
    io.err(`flowbook ${name}: ${error.describe()}`);
    return 1;
  }
}

/** The `flowbook` binary's entry (kernel/bin/flowbook.js). */
export function runFromCommandLine(): void {
  main(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line), env: process.env }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
