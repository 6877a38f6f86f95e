// The command registry. A new command is one file exporting a Command, plus one line here.
import { backfillCommand } from './backfill.ts';
import type { Command } from './command.ts';
import { planCommand } from './plan.ts';
import { publishCommand } from './publish.ts';
import { validateCommand } from './validate.ts';

export const commands: readonly Command[] = [validateCommand, planCommand, publishCommand, backfillCommand];
