import { Command, Option } from 'clipanion';

/** Commands that list things take --json; the flag and its help text live here once. */
export abstract class ListingCommand extends Command {
  json = Option.Boolean('--json', false, { description: 'Print machine-readable JSON instead of a table' });
}
